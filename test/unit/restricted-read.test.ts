import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LOCAL_AUDIENCE, LOCAL_ISSUER, loadDevIssuer } from "../../infra/local/dev-issuer.ts";
import { startInternalEndpoints } from "../../infra/local/internal-endpoints.ts";
import { SETTINGS, TABLES } from "../../resources/declarations.ts";
import { INTAKE_RECEIPTS_ENV, lambdaEvent } from "../support/events.ts";

Object.assign(process.env, INTAKE_RECEIPTS_ENV, {
  POWERTOOLS_LOG_LEVEL: "SILENT",
  [TABLES.audit.envVar]: "audit",
  [TABLES.redactedIncidents.envVar]: "redacted",
  [SETTINGS.restrictedReadFunction]: "restricted-read",
  [SETTINGS.tokenIssuer]: LOCAL_ISSUER,
  [SETTINGS.tokenAudience]: LOCAL_AUDIENCE,
});
const dynamoMock = mockClient(DynamoDBDocumentClient);
const lambdaMock = mockClient(LambdaClient);
const restricted = (await import("../../functions/read-restricted-incident.ts")).handler;
const front = (await import("../../functions/read-incident.ts")).handler;

const dir = mkdtempSync(join(tmpdir(), "sro-restricted-"));
const issuer = await loadDevIssuer(join(dir, "issuer.json"));
/** Same issuer name, another key: what someone without the dev issuer's key could sign. */
const impostor = await loadDevIssuer(join(dir, "impostor.json"));
let keys: Awaited<ReturnType<typeof startInternalEndpoints>>;
beforeAll(async () => {
  keys = await startInternalEndpoints({ functions: {}, jwks: () => issuer.jwks() });
  process.env[SETTINGS.tokenJwksUrl] = keys.jwksUrl;
});
afterAll(async () => {
  await keys?.stop();
});

const context = {
  functionName: "t",
  awsRequestId: "r",
  getRemainingTimeInMillis: () => 5000,
} as Context;
const INCIDENT_ID = "6f1c2a34-9b7e-4d2a-8f51-0c3e5a7b9d10";
const stored = {
  incidentId: INCIDENT_ID,
  officerId: "officer-1",
  event: { incidentId: INCIDENT_ID, narrative: "Marisol" },
};

/** A GET /incidents/{id} as the route hands it on: claims from the authorizer, the token in its header. */
const request = (claims: Record<string, string>, token?: string, headers = {}) =>
  ({
    ...lambdaEvent({ body: "", claims }),
    body: undefined,
    routeKey: "GET /incidents/{incidentId}",
    pathParameters: { incidentId: INCIDENT_ID },
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
const custodianClaims = { sub: "custodian-1", "cognito:groups": "[records_custodian]" };
const reason = { "x-access-reason": "Subpoena 2026-114" };

const status = (result: { statusCode?: number; body?: string }) => ({
  status: result.statusCode,
  code: JSON.parse(result.body ?? "{}").error?.code,
});

beforeEach(() => {
  dynamoMock.reset();
  lambdaMock.reset();
  dynamoMock.on(PutCommand).resolves({});
  // The receipt is the head of the version chain; the versions come in one batch.
  dynamoMock.on(GetCommand).resolves({ Item: { officerId: "officer-1", receivedAt: "t" } });
  dynamoMock
    .on(BatchGetCommand)
    .resolves({ Responses: { incidents: [{ ...stored, receivedAt: "t" }] } });
});

describe("the restricted read function", () => {
  it("takes no claims from its caller: without a token it is a 401 and reads nothing", async () => {
    const result = await restricted(request(custodianClaims, undefined, reason), context);
    expect(status(result)).toEqual({ status: 401, code: "UNAUTHENTICATED" });
    expect(dynamoMock.commandCalls(GetCommand)).toHaveLength(0);
    // The refusal is audited by the function that refused it.
    expect(dynamoMock.commandCalls(PutCommand)).toHaveLength(1);
  });

  it("refuses a token signed by any other key, or for another audience, whatever the claims", async () => {
    const forged = await impostor.issue({ role: "records_custodian", sub: "custodian-1" });
    expect(status(await restricted(request(custodianClaims, forged, reason), context))).toEqual({
      status: 401,
      code: "UNAUTHENTICATED",
    });
    const expired = await issuer.issue({ role: "records_custodian", sub: "c", ttlSeconds: -60 });
    expect(
      status(await restricted(request(custodianClaims, expired, reason), context)).status,
    ).toBe(401);
    process.env[SETTINGS.tokenAudience] = "another-client";
    try {
      const token = await issuer.issue({ role: "records_custodian", sub: "custodian-1" });
      expect(
        status(await restricted(request(custodianClaims, token, reason), context)).status,
      ).toBe(401);
    } finally {
      process.env[SETTINGS.tokenAudience] = LOCAL_AUDIENCE;
    }
    expect(dynamoMock.commandCalls(GetCommand)).toHaveLength(0);
  });

  it("accepts a token for any of the app clients it lists (the form's and the web app's), and no other", async () => {
    const token = await issuer.issue({ role: "records_custodian", sub: "custodian-1" });
    try {
      for (const listed of [
        `form-client,${LOCAL_AUDIENCE}`,
        `${LOCAL_AUDIENCE},web-client`,
        ` form-client , ${LOCAL_AUDIENCE} `,
      ]) {
        process.env[SETTINGS.tokenAudience] = listed;
        expect(status(await restricted(request(custodianClaims, token, reason), context))).toEqual({
          status: 200,
          code: undefined,
        });
      }
      // Neither a prefix, a superstring nor an empty entry of the list matches.
      for (const listed of [
        "form-client,web-client",
        `${LOCAL_AUDIENCE}x,x${LOCAL_AUDIENCE}`,
        `,${LOCAL_AUDIENCE.slice(0, -1)},`,
      ]) {
        process.env[SETTINGS.tokenAudience] = listed;
        expect(
          status(await restricted(request(custodianClaims, token, reason), context)).status,
        ).toBe(401);
      }
    } finally {
      process.env[SETTINGS.tokenAudience] = LOCAL_AUDIENCE;
    }
  });

  it("reads the caller from the token, not from the claims it is handed", async () => {
    const admin = await issuer.issue({ role: "school_admin", sub: "admin-1", schoolIds: ["S1"] });
    const result = await restricted(request(custodianClaims, admin, reason), context);
    expect(status(result)).toEqual({ status: 403, code: "FORBIDDEN" });
    expect(dynamoMock.commandCalls(GetCommand)).toHaveLength(0);
    const [entry] = dynamoMock.commandCalls(PutCommand);
    expect(entry!.args[0].input.Item).toMatchObject({ userId: "admin-1", role: "school_admin" });
  });

  it("serves the custodian with a stated reason, and audits the read with it", async () => {
    const token = await issuer.issue({ role: "records_custodian", sub: "custodian-1" });
    const result = await restricted(request({}, token, reason), context);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body!).view).toBe("full");
    const [entry] = dynamoMock.commandCalls(PutCommand);
    expect(entry!.args[0].input.Item).toMatchObject({
      userId: "custodian-1",
      action: "incident.read_unredacted",
      outcome: "allowed",
      reason: "Subpoena 2026-114",
    });
  });

  it("answers 503, not 401, when the issuer's keys cannot be fetched", async () => {
    const token = await issuer.issue({ role: "sro", sub: "officer-1" });
    process.env[SETTINGS.tokenJwksUrl] = "http://127.0.0.1:9/.well-known/jwks.json";
    try {
      expect(status(await restricted(request({}, token), context))).toEqual({
        status: 503,
        code: "UNAVAILABLE",
      });
    } finally {
      process.env[SETTINGS.tokenJwksUrl] = keys.jwksUrl;
    }
  });
});

describe("the read-incident function", () => {
  const sroClaims = { sub: "officer-1", "cognito:groups": "[sro]" };

  it("hands the author's read on with the token and without the claims, and returns the answer as it is", async () => {
    const answer = {
      statusCode: 200,
      headers: { "content-type": "application/json" },
      body: '{"view":"full"}',
    };
    lambdaMock.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: Buffer.from(JSON.stringify(answer)) as never,
    });
    const result = await front(request(sroClaims, "the.caller.token"), context);
    expect(result).toEqual(answer);
    const [invoke] = lambdaMock.commandCalls(InvokeCommand);
    expect(invoke!.args[0].input.FunctionName).toBe("restricted-read");
    const forwarded = JSON.parse(
      Buffer.from(invoke!.args[0].input.Payload as Uint8Array).toString(),
    );
    expect(forwarded.headers.authorization).toBe("Bearer the.caller.token");
    expect(forwarded.requestContext.authorizer).toBeUndefined();
    expect(forwarded.requestContext.requestId).toBe("req-1");
    // The restricted function wrote the entry; one entry per request.
    expect(dynamoMock.commandCalls(PutCommand)).toHaveLength(0);
    expect(dynamoMock.commandCalls(GetCommand)).toHaveLength(0);
  });

  it("answers 503 and audits the failure when the restricted read cannot be reached", async () => {
    lambdaMock.on(InvokeCommand).rejects(new Error("connect ECONNREFUSED"));
    const failed = await front(request(sroClaims, "t"), context);
    expect(status(failed)).toEqual({ status: 503, code: "UNAVAILABLE" });
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: "Unhandled" });
    expect(status(await front(request(sroClaims, "t"), context)).status).toBe(503);
    const entries = dynamoMock.commandCalls(PutCommand).map((call) => call.args[0].input.Item);
    expect(entries).toEqual([
      expect.objectContaining({ outcome: "failed", code: "UNAVAILABLE" }),
      expect.objectContaining({ outcome: "failed", code: "UNAVAILABLE" }),
    ]);
  });

  it("serves an analyst from the redacted table without invoking anything", async () => {
    dynamoMock.on(GetCommand).resolves({
      Item: { incidentId: INCIDENT_ID, schoolId: "S1", incident: { incidentId: INCIDENT_ID } },
    });
    const result = await front(
      request({ sub: "analyst-1", "cognito:groups": "[district_analyst]" }),
      context,
    );
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body!).view).toBe("redacted");
    expect(lambdaMock.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(dynamoMock.commandCalls(GetCommand)[0]!.args[0].input.TableName).toBe("redacted");
  });
});
