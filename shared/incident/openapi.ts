import { z } from "zod";
import { IncidentEventV1Schema } from "./schema.ts";

/** JSON Schema (2020-12) of the incident event, generated from the validating zod schema. */
export const incidentEventJsonSchema = () =>
  z.toJSONSchema(IncidentEventV1Schema, {
    target: "draft-2020-12",
    io: "input",
    unrepresentable: "any",
  });

const errorCodes = [
  "MALFORMED_JSON",
  "UNSUPPORTED_MEDIA_TYPE",
  "PAYLOAD_TOO_LARGE",
  "VALIDATION_FAILED",
  "FORBIDDEN_FIELD",
  "FORBIDDEN_CONTENT",
  "CONFLICT",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "UNAVAILABLE",
  "INTERNAL",
] as const;

export const ErrorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(errorCodes),
    message: z.string(),
    details: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
  }),
});

export const AcceptedSchema = z.strictObject({
  incidentId: z.uuid(),
  status: z.literal("accepted"),
});

export const AuthorViewSchema = z.strictObject({
  view: z.literal("full"),
  incident: IncidentEventV1Schema,
  receivedAt: z.iso.datetime(),
});

const schemaOf = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { target: "draft-2020-12", io: "output", unrepresentable: "any" });

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

/** OpenAPI 3.1 (whose schemas are JSON Schema 2020-12) built from the same zod schemas. */
export const openApiDocument = () => ({
  openapi: "3.1.0",
  info: {
    title: "SRO incident pipeline",
    version: "1.0.0",
    description:
      "Records School Resource Officer interactions with students. Bearer tokens are JWTs; roles come from the token's groups.",
  },
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
    schemas: {
      IncidentEventV1: incidentEventJsonSchema(),
      Accepted: schemaOf(AcceptedSchema),
      AuthorView: schemaOf(AuthorViewSchema),
      Error: schemaOf(ErrorBodySchema),
    },
  },
  security: [{ bearer: [] }],
  paths: {
    "/incidents": {
      post: {
        operationId: "submitIncident",
        summary: "Submit an incident (role sro, for one of the token's schools)",
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: { $ref: "#/components/schemas/IncidentEventV1" } },
          },
        },
        responses: {
          "202": {
            description:
              "Accepted (first time, or a repeat with the same content by the same officer)",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Accepted" } } },
          },
          "400": errorResponse("MALFORMED_JSON: the body is not JSON"),
          "401": errorResponse("UNAUTHENTICATED: no or bad token"),
          "403": errorResponse("FORBIDDEN: role or school not allowed"),
          "409": errorResponse("CONFLICT: same incidentId, other content or another officer"),
          "413": errorResponse("PAYLOAD_TOO_LARGE: body over 256 KiB"),
          "415": errorResponse("UNSUPPORTED_MEDIA_TYPE: not application/json"),
          "422": errorResponse("VALIDATION_FAILED, FORBIDDEN_FIELD or FORBIDDEN_CONTENT"),
          "503": errorResponse("UNAVAILABLE: outcome unknown, retry with the same incidentId"),
        },
      },
    },
    "/incidents/{incidentId}": {
      get: {
        operationId: "readIncident",
        summary: "Read an incident you submitted, as submitted",
        parameters: [
          {
            name: "incidentId",
            in: "path",
            required: true,
            schema: { type: "string", format: "uuid" },
          },
        ],
        responses: {
          "200": {
            description: "The incident",
            content: {
              "application/json": { schema: { $ref: "#/components/schemas/AuthorView" } },
            },
          },
          "400": errorResponse("VALIDATION_FAILED: the id is not a UUID"),
          "401": errorResponse("UNAUTHENTICATED"),
          "403": errorResponse("FORBIDDEN: role may not read incidents this way"),
          "404": errorResponse("NOT_FOUND: no such incident among yours"),
          "503": errorResponse("UNAVAILABLE"),
        },
      },
    },
    "/openapi.json": {
      get: {
        operationId: "openApi",
        summary: "This document",
        security: [],
        responses: { "200": { description: "OpenAPI 3.1 document" } },
      },
    },
  },
});
