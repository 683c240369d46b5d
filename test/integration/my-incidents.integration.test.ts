import { DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDynamoClient } from "../../infra/local/dynamodb.ts";
import {
  getJson,
  newIncident,
  postIncident,
  SCHOOL,
  startTestStack,
  tokenFor,
} from "../support/local-stack.ts";

/**
 * GET /me/incidents (contracts section 7) through the HTTP API: served from
 * the intake receipts' officer index, so a report is listed the moment
 * intake accepts it, before any queue stage has run.
 */
let stack: Awaited<ReturnType<typeof startTestStack>>;
let officer: string;
let dynamo: DynamoDBDocumentClient;
const posted: Array<{ incidentId: string; occurredAt: string; students: number }> = [];

const OCCURRED = [
  "2026-02-03T10:15:00-08:00",
  "2026-01-20T09:00:00-08:00",
  "2025-12-01T23:30:00-08:00",
];

beforeAll(async () => {
  stack = await startTestStack();
  dynamo = DynamoDBDocumentClient.from(localDynamoClient(stack.dynamoEndpoint));
  officer = await tokenFor(stack, "sro", "officer-mine");
  for (const occurredAt of OCCURRED) {
    const incident = newIncident({ occurredAt });
    expect((await postIncident(stack, officer, incident)).status).toBe(202);
    posted.push({
      incidentId: incident.incidentId,
      occurredAt,
      students: incident.students.length,
    });
  }
  // Another officer's report, at the same school: never in this officer's list.
  const other = await tokenFor(stack, "sro", "officer-other");
  expect((await postIncident(stack, other, newIncident())).status).toBe(202);
}, 60_000);
afterAll(async () => {
  dynamo?.destroy();
  await stack?.dispose();
});

const mine = (query = "", token = officer) => getJson(stack, token, `/me/incidents${query}`);

const everyPage = async (query: string) => {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const separator = query ? "&" : "?";
    const response = await mine(
      `${query}${cursor ? `${separator}cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    expect(response.status).toBe(200);
    items.push(...response.json.items);
    cursor = response.json.nextCursor;
  } while (cursor);
  return items;
};

describe("GET /me/incidents", () => {
  it("lists the officer's reports at once, newest receivedAt first, with the contract's fields", async () => {
    const response = await mine();
    expect(response.status).toBe(200);
    expect(response.json.nextCursor).toBeNull();
    // Posted one after the other: the last one was received last.
    expect(response.json.items).toEqual(
      [...posted].reverse().map((report) => ({
        incidentId: report.incidentId.toLowerCase(),
        occurredAt: report.occurredAt,
        schoolId: SCHOOL,
        category: "fight_or_assault",
        students: report.students,
        receivedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        version: 1,
        status: "active",
      })),
    );
    const received = response.json.items.map((item: any) => item.receivedAt);
    expect([...received].sort().reverse()).toEqual(received);
    // Nothing that names anyone: a count of students, no refs, no narrative.
    expect(response.text).not.toContain("Marisol");
    expect(response.text).not.toContain("S3000123");
  });

  it("pages with cursors through the same list", async () => {
    const first = await mine();
    expect(await everyPage("?limit=1")).toEqual(first.json.items);
    expect(await everyPage("?limit=2")).toEqual(first.json.items);
  });

  it("filters on occurredAt with from and to, in the district's time zone", async () => {
    const january = await everyPage("?from=2026-01-01&to=2026-01-31");
    expect(january.map((item) => item.occurredAt)).toEqual(["2026-01-20T09:00:00-08:00"]);
    // 23:30 in Los Angeles on 1 December is 2 December in UTC: still 1 December here.
    const december = await everyPage("?from=2025-12-01&to=2025-12-01");
    expect(december.map((item) => item.occurredAt)).toEqual(["2025-12-01T23:30:00-08:00"]);
    expect(await everyPage("?from=2026-01-01&to=2026-12-31&limit=1")).toHaveLength(2);
    expect(await everyPage("?from=2020-01-01&to=2020-12-31")).toEqual([]);
  });

  it("shows the head of the version chain: version and status", async () => {
    const target = posted[0]!.incidentId.toLowerCase();
    await dynamo.send(
      new UpdateCommand({
        TableName: stack.tableNames.intakeReceipts,
        Key: { incidentId: target },
        UpdateExpression: "SET currentVersion = :v, #s = :s",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":v": 3, ":s": "voided" },
      }),
    );
    const item = (await mine()).json.items.find((entry: any) => entry.incidentId === target);
    expect(item).toMatchObject({ version: 3, status: "voided" });
  });

  it("lists nothing of another officer's, and an officer with none gets an empty page", async () => {
    const stranger = await tokenFor(stack, "sro", "officer-none");
    expect((await mine("", stranger)).json).toEqual({ items: [], nextCursor: null });
  });

  it("refuses another officer's cursor", async () => {
    const { nextCursor } = (await mine("?limit=1")).json;
    const other = await tokenFor(stack, "sro", "officer-other");
    const response = await mine(`?limit=1&cursor=${encodeURIComponent(nextCursor)}`, other);
    expect(response.status).toBe(400);
    expect(response.json.error.details).toEqual([{ path: "cursor", message: "invalid cursor" }]);
  });

  it("refuses every other role with 403, and audits the refusals and the reads", async () => {
    expect((await mine()).status).toBe(200);
    for (const role of [
      "school_admin",
      "district_analyst",
      "records_custodian",
      "board",
    ] as const) {
      const response = await mine("", await tokenFor(stack, role, `${role}-mine`));
      expect(response.status).toBe(403);
      expect(response.json.error.code).toBe("FORBIDDEN");
    }
    const custodian = await tokenFor(stack, "records_custodian", "custodian-audit");
    const audit = await getJson(stack, custodian, "/audit?action=incident.list_mine&limit=200");
    expect(audit.status).toBe(200);
    const entries = audit.json.items as any[];
    expect(
      entries
        .filter((entry) => entry.outcome === "refused" && entry.role !== "sro")
        .map((entry) => entry.role)
        .sort(),
    ).toEqual(["board", "district_analyst", "records_custodian", "school_admin"]);
    expect(
      entries.some((entry) => entry.userId === "officer-mine" && entry.outcome === "allowed"),
    ).toBe(true);
  });

  it("answers hostile query values with a contract 400, never a 5xx or an echo", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("from", "to", "limit", "cursor", "schoolId", "__proto__", "officerId"),
        fc.oneof(
          fc.string({ maxLength: 300, unit: "binary" }),
          fc.constantFrom(
            "%00",
            "-1",
            "0",
            "201",
            "1e3",
            "2026-02-30",
            "2026-13-01",
            "9".repeat(400),
          ),
        ),
        async (name, value) => {
          const response = await mine(`?${name}=${encodeURIComponent(value)}`);
          expect(response.status).toBeLessThan(500);
          if (response.status !== 200) {
            expect(response.status).toBe(400);
            expect(response.json.error.code).toBe("VALIDATION_FAILED");
            if (value.length >= 4)
              expect(response.text).not.toContain(JSON.stringify(value).slice(1, -1));
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
