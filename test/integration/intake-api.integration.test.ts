import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDynamoClient } from "../../infra/local/dynamodb.ts";
import {
  getIncident,
  newIncident,
  postIncident,
  SCHOOL,
  startTestStack,
  tokenFor,
  waitUntilStored,
} from "../support/local-stack.ts";

let stack: Awaited<ReturnType<typeof startTestStack>>;
let sro: string;

beforeAll(async () => {
  stack = await startTestStack();
  sro = await tokenFor(stack, "sro", "officer-1");
});
afterAll(async () => {
  await stack?.dispose();
});

const expectError = (response: { status: number; json: any }, status: number, code: string) => {
  expect(response.status).toBe(status);
  expect(response.json?.error?.code).toBe(code);
  expect(typeof response.json.error.message).toBe("string");
};

describe("POST /incidents: the contract's response table", () => {
  it("202 for a first submission, stored and readable by its author", async () => {
    const incident = newIncident();
    const response = await postIncident(stack, sro, incident);
    expect(response.status).toBe(202);
    expect(response.json).toEqual({ incidentId: incident.incidentId, status: "accepted" });
    await waitUntilStored(stack, sro, incident.incidentId);
    const read = await getIncident(stack, sro, incident.incidentId);
    expect(read.json.incident).toEqual(incident);
    expect(read.json.view).toBe("full");
  });

  it("202 for a repeat by the same officer with the same content in another key order", async () => {
    const incident = newIncident();
    expect((await postIncident(stack, sro, incident)).status).toBe(202);
    const reordered = Object.fromEntries(Object.entries(incident).reverse());
    const again = await postIncident(stack, sro, JSON.stringify(reordered));
    expect(again.status).toBe(202);
    expect(again.json).toEqual({ incidentId: incident.incidentId, status: "accepted" });
  });

  it("409 CONFLICT for the same incidentId with other content", async () => {
    const incident = newIncident();
    expect((await postIncident(stack, sro, incident)).status).toBe(202);
    const changed = { ...incident, location: "cafeteria" };
    expectError(await postIncident(stack, sro, changed), 409, "CONFLICT");
  });

  it("409 CONFLICT for the same incidentId and content from another officer", async () => {
    const incident = newIncident();
    expect((await postIncident(stack, sro, incident)).status).toBe(202);
    const other = await tokenFor(stack, "sro", "officer-2");
    expectError(await postIncident(stack, other, incident), 409, "CONFLICT");
  });

  it("409 CONFLICT when the id differs only in letter case and the content differs", async () => {
    const incident = newIncident();
    expect((await postIncident(stack, sro, incident)).status).toBe(202);
    const upper = {
      ...incident,
      incidentId: incident.incidentId.toUpperCase(),
      location: "office",
    };
    expectError(await postIncident(stack, sro, upper), 409, "CONFLICT");
  });

  it("400 MALFORMED_JSON for a body that is not JSON", async () => {
    expectError(await postIncident(stack, sro, '{"incidentId": '), 400, "MALFORMED_JSON");
    expectError(await postIncident(stack, sro, ""), 400, "MALFORMED_JSON");
    expectError(
      await postIncident(stack, sro, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])),
      400,
      "MALFORMED_JSON",
    );
  });

  it("415 for a wrong or missing content type", async () => {
    const body = JSON.stringify(newIncident());
    for (const contentType of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "application/jsonp",
    ]) {
      const response = await postIncident(stack, sro, body, { "content-type": contentType });
      expectError(response, 415, "UNSUPPORTED_MEDIA_TYPE");
    }
    const charset = await postIncident(stack, sro, JSON.stringify(newIncident()), {
      "content-type": "Application/JSON; charset=utf-8",
    });
    expect(charset.status).toBe(202);
  });

  it("413 for a body over 256 KiB, and beyond what the gateway takes", async () => {
    const big = newIncident({ narrative: "x".repeat(300 * 1024) });
    expectError(await postIncident(stack, sro, big), 413, "PAYLOAD_TOO_LARGE");
    const huge = "x".repeat(11 * 1024 * 1024);
    expectError(await postIncident(stack, sro, huge), 413, "PAYLOAD_TOO_LARGE");
  });

  it("422 VALIDATION_FAILED with one entry per problem and its JSON path", async () => {
    const incident = newIncident({ location: "roof", schemaVersion: 2 });
    (incident.students as any[])[0].grade = "13";
    (incident.students as any[])[1].actions = ["arrest", "arrest"];
    const response = await postIncident(stack, sro, incident);
    expectError(response, 422, "VALIDATION_FAILED");
    const paths = response.json.error.details.map((detail: { path: string }) => detail.path).sort();
    expect(paths).toEqual(
      ["location", "schemaVersion", "students[0].grade", "students[1].actions"].sort(),
    );
  });

  it("422 VALIDATION_FAILED for any other unknown field, without naming it", async () => {
    const response = await postIncident(stack, sro, newIncident({ Quintero: "x" }));
    expectError(response, 422, "VALIDATION_FAILED");
    expect(response.text).not.toContain("Quintero");
  });

  it("422 FORBIDDEN_FIELD for a citizenship or immigration field at any depth, citing 234.7", async () => {
    const incident = newIncident();
    (incident.students as any[])[0].ref["Immigration-Status"] = "x";
    const response = await postIncident(stack, sro, incident);
    expectError(response, 422, "FORBIDDEN_FIELD");
    expect(response.json.error.message).toContain("234.7");
    expect(response.json.error.details[0].path).toBe('students[0].ref["Immigration-Status"]');
  });

  it("422 FORBIDDEN_CONTENT naming the listed term in the narrative", async () => {
    const response = await postIncident(
      stack,
      sro,
      newIncident({ narrative: "Student said his Green Card was at home." }),
    );
    expectError(response, 422, "FORBIDDEN_CONTENT");
    expect(response.json.error.details).toEqual([
      { path: "narrative", message: 'mentions "green card"' },
    ]);
  });

  it("202 for text outside the Basic Multilingual Plane and other characters SQS refuses", async () => {
    const incident = newIncident({
      narrative: "Student drew 😀 and wrote \uffff\ufffe and \u0007.",
    });
    incident.students[0].ref.firstName = "Zoë 🌟";
    expect((await postIncident(stack, sro, incident)).status).toBe(202);
    await waitUntilStored(stack, sro, incident.incidentId);
    expect((await getIncident(stack, sro, incident.incidentId)).json.incident).toEqual(incident);
  });

  it("202 for a narrative mentioning a citizenship award", async () => {
    const response = await postIncident(
      stack,
      sro,
      newIncident({ narrative: "She had just received the citizenship award." }),
    );
    expect(response.status).toBe(202);
  });

  // Refused by API Gateway's JWT authorizer before the function runs, with
  // its own body, which an HTTP API cannot change (docs/api-errors.md).
  const expectAuthorizerRefusal = (response: { status: number; text: string }) => {
    expect(response.status).toBe(401);
    expect(response.text).toBe('{"message":"Unauthorized"}');
  };

  it("401 for no token, a bad token, another issuer's token and an expired one", async () => {
    expectAuthorizerRefusal(await postIncident(stack, undefined, newIncident()));
    expectAuthorizerRefusal(await postIncident(stack, "not-a-jwt", newIncident()));
    const [header, payload] = sro.split(".");
    const unsigned = `${header}.${payload}.`;
    expectAuthorizerRefusal(await postIncident(stack, unsigned, newIncident()));
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${payload}.`;
    expectAuthorizerRefusal(await postIncident(stack, none, newIncident()));
    const expired = await stack.issuer.issue({
      role: "sro",
      sub: "officer-1",
      schoolIds: [SCHOOL],
      ttlSeconds: -60,
    });
    expectAuthorizerRefusal(await postIncident(stack, expired, newIncident()));
  });

  it("403 FORBIDDEN for another role or a school not in the token", async () => {
    const admin = await tokenFor(stack, "school_admin");
    expectError(await postIncident(stack, admin, newIncident()), 403, "FORBIDDEN");
    const elsewhere = await tokenFor(stack, "sro", "officer-3", ["OTHER-SCHOOL"]);
    expectError(await postIncident(stack, elsewhere, newIncident()), 403, "FORBIDDEN");
  });

  it("never stores a refused submission", async () => {
    const refused = newIncident({ location: "roof" });
    await postIncident(stack, sro, refused);
    const client = localDynamoClient(stack.dynamoEndpoint);
    const { Items = [] } = await client.send(
      new ScanCommand({ TableName: stack.tableNames.intakeReceipts }),
    );
    client.destroy();
    expect(Items.map((item) => item.incidentId?.S)).not.toContain(refused.incidentId);
  });
});

describe("GET /incidents/{id}", () => {
  it("gives the author the incident, another officer and unknown ids the same 404", async () => {
    const incident = newIncident();
    await postIncident(stack, sro, incident);
    await waitUntilStored(stack, sro, incident.incidentId);
    const other = await tokenFor(stack, "sro", "officer-9");
    const otherRead = await getIncident(stack, other, incident.incidentId);
    const unknownRead = await getIncident(stack, sro, crypto.randomUUID());
    expectError(otherRead, 404, "NOT_FOUND");
    expectError(unknownRead, 404, "NOT_FOUND");
    expect(otherRead.json).toEqual(unknownRead.json);
  });

  it("403 for a role that never reads incidents, 400 for an id that is not a UUID", async () => {
    const board = await tokenFor(stack, "board");
    expectError(await getIncident(stack, board, crypto.randomUUID()), 403, "FORBIDDEN");
    expectError(await getIncident(stack, sro, "not-a-uuid"), 400, "VALIDATION_FAILED");
    expectError(await getIncident(stack, sro, "%E0%A4%A"), 400, "VALIDATION_FAILED");
  });
});

describe("the rest of the API", () => {
  it("serves the OpenAPI 3.1 document without a token", async () => {
    const response = await fetch(`${stack.url}/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as any;
    expect(document.openapi).toBe("3.1.0");
    expect(document.components.schemas.IncidentEventV1.required).toContain("incidentId");
  });

  it("answers /health with every component ready", async () => {
    const response = await fetch(`${stack.url}/health`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).status).toBe("ok");
  });

  it("answers unknown routes and methods with contract errors", async () => {
    const unknown = await fetch(`${stack.url}/nope`);
    expect(unknown.status).toBe(404);
    const method = await fetch(`${stack.url}/incidents`, { method: "DELETE" });
    expect(method.status).toBe(405);
  });
});
