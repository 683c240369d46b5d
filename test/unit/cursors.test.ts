import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import * as z from "zod";
import { SETTINGS, TABLES } from "../../resources/declarations.ts";
import type { Principal, Role } from "../../shared/auth/claims.ts";
import { type CursorBinding, cursorsFor } from "../../shared/http/cursor.ts";
import { ApiError } from "../../shared/http/errors.ts";
import { INTAKE_RECEIPTS_ENV, lambdaEvent } from "../support/events.ts";

const KEY = "k".repeat(64);
const keyFile = join(mkdtempSync(join(tmpdir(), "sro-cursor-")), "cursor-key.secret");
writeFileSync(keyFile, KEY);
Object.assign(process.env, INTAKE_RECEIPTS_ENV, {
  POWERTOOLS_LOG_LEVEL: "SILENT",
  [TABLES.audit.envVar]: "audit",
  [TABLES.redactedIncidents.envVar]: "redacted",
  [TABLES.reports.envVar]: "reports",
  [SETTINGS.cursorSecretFile]: keyFile,
});
const dynamoMock = mockClient(DynamoDBDocumentClient);
const lists = {
  incidents: (await import("../../functions/list-incidents.ts")).handler,
  audit: (await import("../../functions/read-audit.ts")).handler,
  reports: (await import("../../functions/list-reports.ts")).handler,
};
type List = keyof typeof lists;

const context = {
  functionName: "test",
  awsRequestId: "r",
  getRemainingTimeInMillis: () => 1000,
} as Context;

/** Who may read each list, and a key DynamoDB would hand back as LastEvaluatedKey. */
const LISTS: Record<List, { role: Role; lastKey: Record<string, string> }> = {
  incidents: {
    role: "district_analyst",
    lastKey: {
      incidentId: "a-1",
      occurredKey: "2026-02-03T10:00:00.000Z#a-1",
      district: "district",
    },
  },
  audit: {
    role: "records_custodian",
    lastKey: { month: "2026-02", entryKey: "2026-02-03T10:00:00.000Z#x" },
  },
  reports: {
    role: "district_analyst",
    lastKey: { listing: "all", createdKey: "k", reportId: "r" },
  },
};

const call = async (
  list: List,
  parameters: Record<string, string>,
  userId = `${list}-user`,
  role = LISTS[list].role,
) => {
  const base = lambdaEvent({ body: "", claims: { sub: userId, "cognito:groups": `[${role}]` } });
  const event = {
    ...base,
    body: undefined,
    routeKey: `GET /${list}`,
    rawPath: `/${list}`,
    queryStringParameters: parameters,
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
  const response = await lists[list](event, context);
  return { status: response.statusCode!, json: JSON.parse(response.body ?? "null") };
};

/** A cursor the API issued: the first page of a list whose table has more. */
const issued = async (list: List, parameters: Record<string, string> = {}, userId?: string) => {
  dynamoMock.on(QueryCommand).resolves({ Items: [], LastEvaluatedKey: LISTS[list].lastKey });
  const page = await call(list, { limit: "1", ...parameters }, userId);
  expect(page.status).toBe(200);
  expect(page.json.nextCursor).toEqual(expect.any(String));
  dynamoMock.reset();
  dynamoMock.on(PutCommand).resolves({});
  return page.json.nextCursor as string;
};

const expectRefusedUnqueried = (response: { status: number; json: any }) => {
  expect(response.status).toBe(400);
  expect(response.json).toEqual({
    error: {
      code: "VALIDATION_FAILED",
      message: expect.any(String),
      details: [{ path: "cursor", message: "invalid cursor" }],
    },
  });
  expect(dynamoMock.commandCalls(QueryCommand)).toHaveLength(0);
};

beforeEach(() => {
  dynamoMock.reset();
  dynamoMock.on(PutCommand).resolves({});
});

describe.each(Object.keys(LISTS) as List[])("GET /%s cursors", (list) => {
  it("continues from a cursor it issued", async () => {
    const cursor = await issued(list);
    dynamoMock.on(QueryCommand).resolves({ Items: [] });
    expect((await call(list, { cursor })).status).toBe(200);
    const [query] = dynamoMock.commandCalls(QueryCommand);
    expect(query!.args[0].input.ExclusiveStartKey).toEqual(LISTS[list].lastKey);
  });

  it("refuses a forged cursor: unsigned, tampered, or with a made-up tag", async () => {
    const cursor = await issued(list);
    const [payload, tag] = cursor.split(".") as [string, string];
    const edited = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), x: "1" }),
    ).toString("base64url");
    for (const forged of [
      payload,
      Buffer.from(JSON.stringify(LISTS[list].lastKey)).toString("base64url"),
      `${edited}.${tag}`,
      `${payload}.${"A".repeat(43)}`,
      `${payload}.${tag.slice(0, -1)}${tag.endsWith("A") ? "B" : "A"}`,
    ]) {
      expectRefusedUnqueried(await call(list, { cursor: forged }));
    }
  });

  it("refuses a truncated cursor", async () => {
    const cursor = await issued(list);
    for (const cut of [1, 2, 43, 44, Math.floor(cursor.length / 2), cursor.length - 1]) {
      expectRefusedUnqueried(await call(list, { cursor: cursor.slice(0, cut) }));
      expectRefusedUnqueried(await call(list, { cursor: cursor.slice(cut) }));
    }
  });

  it("refuses a cursor signed with another key", async () => {
    const binding: CursorBinding = {
      list,
      principal: { userId: `${list}-user`, role: LISTS[list].role },
      parameters: {},
    };
    // The same payload the API would sign; only the key differs.
    const resigned = await cursorsFor(async () => Buffer.from("w".repeat(64)), binding).encode(
      (await cursorsFor(async () => Buffer.from(KEY), binding).decode(
        await issued(list),
        z.unknown(),
      )) as unknown,
    );
    expectRefusedUnqueried(await call(list, { cursor: resigned }));
  });

  it("refuses another list's cursor", async () => {
    for (const other of (Object.keys(LISTS) as List[]).filter((name) => name !== list)) {
      const foreign = await issued(other, {}, `${list}-user`);
      expectRefusedUnqueried(await call(list, { cursor: foreign }));
    }
  });

  it("refuses another user's cursor, and one issued for other bounds", async () => {
    const theirs = await issued(list, {}, "someone-else");
    expectRefusedUnqueried(await call(list, { cursor: theirs }));
    const otherPeriod = await issued(list, { from: "2026-01-01" });
    expectRefusedUnqueried(await call(list, { cursor: otherPeriod }));
    expectRefusedUnqueried(await call(list, { cursor: otherPeriod, from: "2026-01-02" }));
    // Page size is not part of the listing.
    dynamoMock.on(QueryCommand).resolves({ Items: [] });
    expect((await call(list, { cursor: otherPeriod, from: "2026-01-01", limit: "7" })).status).toBe(
      200,
    );
  });

  it("answers any string as a cursor with a 400, never a 5xx, without querying", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ minLength: 1, maxLength: 300, unit: "binary" }),
          fc.stringMatching(/^[A-Za-z0-9_-]{1,200}\.[A-Za-z0-9_-]{43}$/),
          fc.base64String({ minLength: 4, maxLength: 200 }),
        ),
        async (cursor) => {
          dynamoMock.resetHistory();
          expectRefusedUnqueried(await call(list, { cursor }));
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("cursorsFor", () => {
  const principal: Pick<Principal, "userId" | "role"> = { userId: "u1", role: "district_analyst" };
  const schema = z.strictObject({ k: z.string() });

  it("binds the listing's parameters whatever their order, but not the page size", async () => {
    const key = async () => Buffer.from(KEY);
    const a = cursorsFor(key, {
      list: "l",
      principal,
      parameters: { from: "2026-01-01", schoolId: "S1", limit: "5" },
    });
    const b = cursorsFor(key, {
      list: "l",
      principal,
      parameters: { limit: "9", schoolId: "S1", from: "2026-01-01", cursor: "x" },
    });
    expect(await b.decode(await a.encode({ k: "v" }), schema)).toEqual({ k: "v" });
    const role = cursorsFor(key, {
      list: "l",
      principal: { ...principal, role: "school_admin" },
      parameters: { from: "2026-01-01", schoolId: "S1" },
    });
    await expect(role.decode(await a.encode({ k: "v" }), schema)).rejects.toBeInstanceOf(ApiError);
  });

  it("refuses a validly signed value of the wrong shape", async () => {
    const cursors = cursorsFor(async () => Buffer.from(KEY), {
      list: "l",
      principal,
      parameters: {},
    });
    await expect(cursors.decode(await cursors.encode({ k: 1 }), schema)).rejects.toMatchObject({
      status: 400,
    });
  });

  it("does not fetch the key for a string that is not shaped like a cursor", async () => {
    let fetched = 0;
    const cursors = cursorsFor(
      async () => {
        fetched++;
        return Buffer.from(KEY);
      },
      { list: "l", principal, parameters: {} },
    );
    await expect(cursors.decode("not*a*cursor", schema)).rejects.toMatchObject({ status: 400 });
    await expect(
      cursors.decode(`${"a".repeat(3000)}.${"b".repeat(43)}`, schema),
    ).rejects.toMatchObject({ status: 400 });
    expect(fetched).toBe(0);
  });
});
