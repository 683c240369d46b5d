import { describe, expect, it } from "vitest";
import { ROUTES } from "../../resources/declarations.ts";
import { openApiDocument } from "../../shared/incident/openapi.ts";

describe("the OpenAPI document", () => {
  it("describes every route the API serves, and no other", () => {
    const document = openApiDocument() as unknown as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(
      ROUTES.map((route) => `${route.method} ${route.path}`).sort(),
    );
  });

  it("is OpenAPI 3.1 with the event schema generated from the validating zod schema", () => {
    const document = openApiDocument();
    expect(document.openapi).toBe("3.1.0");
    const schema = document.components.schemas.IncidentEventV1 as {
      additionalProperties: boolean;
      properties: Record<string, unknown>;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toContain("otherPersons");
  });
});
