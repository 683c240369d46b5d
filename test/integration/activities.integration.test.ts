import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDynamoClient } from "../../infra/local/dynamodb.ts";
import type { Role } from "../../shared/auth/claims.ts";
import { getJson, SCHOOL, startTestStack, tokenFor } from "../support/local-stack.ts";

let stack: Awaited<ReturnType<typeof startTestStack>>;
const tokens: Record<string, string> = {};
const otherSchool = "OTHER-01";

beforeAll(async () => {
  stack = await startTestStack();
  const callers: Array<[string, Role, string[]]> = [
    ["officer", "sro", [SCHOOL, otherSchool]],
    ["otherSro", "sro", [SCHOOL]],
    ["admin", "school_admin", [SCHOOL]],
    ["otherAdmin", "school_admin", [otherSchool]],
    ["analyst", "district_analyst", []],
    ["custodian", "records_custodian", []],
    ["board", "board", []],
  ];
  for (const [name, role, schools] of callers) {
    tokens[name] = await tokenFor(stack, role, `${name}-user`, schools);
  }
});
afterAll(async () => {
  await stack?.dispose();
});

const newActivity = (overrides: Record<string, unknown> = {}) => ({
  activityId: crypto.randomUUID(),
  schoolId: SCHOOL,
  date: "2026-02-10",
  type: "classroom_presentation",
  minutes: 45,
  attendees: 28,
  ...overrides,
});

const send = async (
  method: string,
  path: string,
  caller: string,
  body?: unknown,
  headers: Record<string, string> = {},
) => {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${tokens[caller]}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
};
const post = (caller: string, body: unknown, headers: Record<string, string> = {}) =>
  send("POST", "/activities", caller, body, headers);
const remove = (caller: string, activityId: string) =>
  send("DELETE", `/activities/${activityId}`, caller);
const list = (caller: string, query = "") => getJson(stack, tokens[caller]!, `/activities${query}`);

describe("POST /activities", () => {
  it("accepts an activity once, answers a repeat with the same content alike, and refuses other content", async () => {
    const activity = newActivity();
    const first = await post("officer", activity);
    expect(first.status).toBe(202);
    expect(first.json).toEqual({ activityId: activity.activityId, status: "accepted" });
    const reordered = Object.fromEntries(Object.entries(activity).reverse());
    expect(await post("officer", reordered)).toEqual(first);
    const changed = await post("officer", { ...activity, minutes: 46 });
    expect(changed.status).toBe(409);
    expect(changed.json.error.code).toBe("CONFLICT");
    const withoutAttendees = { ...activity, attendees: undefined };
    expect((await post("officer", withoutAttendees)).status).toBe(409);
    expect((await post("otherSro", activity)).status).toBe(409);
  });

  it("gives concurrent duplicates one answer and keeps one activity", async () => {
    const activity = newActivity({ date: "2026-02-11", type: "parent_education" });
    const answers = await Promise.all(Array.from({ length: 8 }, () => post("officer", activity)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(202));
    const page = await list("officer", "?from=2026-02-11&to=2026-02-11");
    expect(
      page.json.items.filter((item: any) => item.activityId === activity.activityId),
    ).toHaveLength(1);
    const racing = await Promise.all([
      post("officer", { ...activity, activityId: activity.activityId, minutes: 1 }),
      post("officer", activity),
    ]);
    expect(racing.map((answer) => answer.status).sort()).toEqual([202, 409]);
  });

  it("refuses another school, and every role but the officer", async () => {
    const elsewhere = newActivity({ schoolId: "NOT-MINE" });
    const refused = await post("officer", elsewhere);
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe("FORBIDDEN");
    expect((await post("otherSro", newActivity({ schoolId: otherSchool }))).status).toBe(403);
    for (const caller of ["admin", "analyst", "board", "custodian"]) {
      expect((await post(caller, newActivity())).status).toBe(403);
    }
  });

  it("answers the contract's body errors", async () => {
    expect((await post("officer", "{not json")).json.error.code).toBe("MALFORMED_JSON");
    expect((await post("officer", "{not json")).status).toBe(400);
    const wrongType = await post("officer", newActivity(), { "content-type": "text/plain" });
    expect(wrongType.status).toBe(415);
    const huge = await post("officer", { ...newActivity(), padding: "x".repeat(8 * 1024) });
    expect(huge.status).toBe(413);
  });

  it("gives one detail per problem with its path, naming no submitted value", async () => {
    const response = await post("officer", {
      ...newActivity(),
      activityId: "not-a-uuid-Smith",
      date: "2026-02-30",
      type: "arrest_of_Jane_Doe",
      minutes: 0,
      attendees: 10_001,
      narrative: "Jane Doe",
    });
    expect(response.status).toBe(422);
    expect(response.json.error.code).toBe("VALIDATION_FAILED");
    const paths = response.json.error.details.map((detail: any) => detail.path).sort();
    expect(paths).toEqual(["$", "activityId", "attendees", "date", "minutes", "type"]);
    expect(response.text).not.toMatch(/Smith|Jane|Doe|narrative|2026-02-30/);
  });

  it("answers hostile bodies with contract errors, never a 5xx, never echoing them", async () => {
    const CANARY = "Zq9canary";
    const hostile = fc
      .tuple(
        fc.constantFrom(...Object.keys(newActivity()), `${CANARY}key`),
        fc.jsonValue({ maxDepth: 2 }),
      )
      .map(([key, value]) => {
        const marked =
          typeof value === "string" ? `${CANARY}${value}` : value === null ? CANARY : value;
        return { ...newActivity(), [key]: marked };
      });
    await fc.assert(
      fc.asyncProperty(hostile, async (body) => {
        const response = await post("officer", body);
        expect([202, 403, 409, 422]).toContain(response.status);
        expect(response.text).not.toContain(CANARY);
      }),
      { numRuns: 60 },
    );
  });
});

describe("GET /activities", () => {
  const mine = [
    newActivity({ date: "2025-09-01", type: "campus_patrol", minutes: 120 }),
    newActivity({
      date: "2025-09-03",
      type: "resource_linkage",
      minutes: 30,
      attendees: undefined,
    }),
    newActivity({ date: "2025-09-02", schoolId: otherSchool, type: "staff_training_delivered" }),
  ];
  const theirs = newActivity({ date: "2025-09-02", type: "training_received", minutes: 480 });

  beforeAll(async () => {
    for (const activity of mine) expect((await post("officer", activity)).status).toBe(202);
    expect((await post("otherSro", theirs)).status).toBe(202);
  });

  const ids = (page: any) => page.json.items.map((item: any) => item.activityId);
  const september = "?from=2025-09-01&to=2025-09-30";

  it("gives an officer its own, newest date first, without its id", async () => {
    const page = await list("officer", september);
    expect(page.status).toBe(200);
    expect(ids(page)).toEqual([mine[1]!.activityId, mine[2]!.activityId, mine[0]!.activityId]);
    expect(page.json.nextCursor).toBeNull();
    expect(page.text).not.toContain("officer-user");
    expect(page.json.items[0]).toEqual({
      activityId: mine[1]!.activityId,
      schoolId: SCHOOL,
      date: "2025-09-03",
      type: "resource_linkage",
      minutes: 30,
      recordedAt: expect.any(String),
    });
    expect(ids(await list("otherSro", september))).toEqual([theirs.activityId]);
  });

  it("gives a school admin its school's, and an analyst a school's or the district's", async () => {
    expect(ids(await list("admin", september)).sort()).toEqual(
      [mine[0]!.activityId, mine[1]!.activityId, theirs.activityId].sort(),
    );
    expect(ids(await list("otherAdmin", september))).toEqual([mine[2]!.activityId]);
    expect((await list("admin", `${september}&schoolId=${otherSchool}`)).status).toBe(403);
    expect(ids(await list("analyst", september))).toHaveLength(4);
    expect(ids(await list("analyst", `${september}&schoolId=${otherSchool}`))).toEqual([
      mine[2]!.activityId,
    ]);
    expect(ids(await list("analyst", "?from=2025-09-02&to=2025-09-02")).sort()).toEqual(
      [mine[2]!.activityId, theirs.activityId].sort(),
    );
  });

  it("refuses the other roles", async () => {
    for (const caller of ["board", "custodian"]) {
      const response = await list(caller);
      expect(response.status).toBe(403);
      expect(response.json.error.code).toBe("FORBIDDEN");
    }
  });

  it("pages with signed cursors bound to the list and the caller", async () => {
    const first = await list("analyst", `${september}&limit=2`);
    expect(first.json.items).toHaveLength(2);
    const cursor = first.json.nextCursor as string;
    expect(typeof cursor).toBe("string");
    const second = await list("analyst", `${september}&limit=2&cursor=${cursor}`);
    expect([...ids(first), ...ids(second)]).toHaveLength(4);
    expect(new Set([...ids(first), ...ids(second)]).size).toBe(4);
    expect((await list("admin", `${september}&limit=2&cursor=${cursor}`)).status).toBe(400);
    expect((await list("analyst", `?from=2025-09-01&limit=2&cursor=${cursor}`)).status).toBe(400);
    expect((await list("analyst", "?limit=201")).status).toBe(400);
  });
});

describe("DELETE /activities/{id}", () => {
  it("lets the author delete its own, once, and takes it out of every list", async () => {
    const activity = newActivity({ date: "2025-10-01" });
    expect((await post("officer", activity)).status).toBe(202);
    expect((await remove("otherSro", activity.activityId)).status).toBe(404);
    for (const caller of ["admin", "analyst", "custodian", "board"]) {
      expect((await remove(caller, activity.activityId)).status).toBe(403);
    }
    const deleted = await remove("officer", activity.activityId);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe("");
    expect((await remove("officer", activity.activityId)).status).toBe(404);
    expect((await remove("officer", crypto.randomUUID())).status).toBe(404);
    expect((await remove("officer", "not-a-uuid")).status).toBe(404);
    for (const caller of ["officer", "analyst", "admin"]) {
      expect(ids(await list(caller, "?from=2025-10-01&to=2025-10-01"))).toEqual([]);
    }
    // The id stays taken: a late retry does not bring it back.
    expect((await post("officer", activity)).status).toBe(409);
  });

  it("refuses the author after 720 hours from recording", async () => {
    const activityId = crypto.randomUUID();
    const recordedAt = new Date(Date.now() - 721 * 3_600_000).toISOString();
    const client = localDynamoClient(stack.dynamoEndpoint);
    await client.send(
      new PutItemCommand({
        TableName: stack.tableNames.activities,
        Item: marshall({
          activityId,
          schoolId: SCHOOL,
          date: "2025-10-02",
          type: "other",
          minutes: 10,
          authorId: "officer-user",
          digest: "x",
          recordedAt,
          listing: "district",
          dateKey: `2025-10-02#${activityId}`,
        }),
      }),
    );
    client.destroy();
    const refused = await remove("officer", activityId);
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe("FORBIDDEN");
    expect(ids(await list("officer", "?from=2025-10-02&to=2025-10-02"))).toEqual([activityId]);
  });

  const ids = (page: any) => page.json.items.map((item: any) => item.activityId);
});

describe("the audit log", () => {
  it("records each activity request with its outcome", async () => {
    const entries = async (user: string) =>
      (await getJson(stack, tokens.custodian!, `/audit?user=${user}&limit=200`)).json
        .items as any[];
    const officer = (await entries("officer-user")).map((entry) => [entry.action, entry.outcome]);
    expect(officer).toEqual(
      expect.arrayContaining([
        ["activity.record", "allowed"],
        ["activity.record", "refused"],
        ["activity.list", "allowed"],
        ["activity.delete", "allowed"],
        ["activity.delete", "not_found"],
      ]),
    );
    const board = (await entries("board-user")).map((entry) => [entry.action, entry.outcome]);
    expect(board).toEqual(expect.arrayContaining([["activity.list", "refused"]]));
    const analyst = await entries("analyst-user");
    expect(analyst).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: "activity.list",
          target: "district",
          outcome: "allowed",
        }),
      ]),
    );
  });
});
