import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDynamoClient } from "../../infra/local/dynamodb.ts";
import { waitFor } from "../../infra/local/wait.ts";
import {
  getIncident,
  getJson,
  type IncidentJson,
  newIncident,
  postIncident,
  startTestStack,
  tokenFor,
  waitUntilStored,
} from "../support/local-stack.ts";

/**
 * The read side of corrections and voids (contracts section 8) through the
 * HTTP API: the current version, the versions list for each role, and the
 * custodian's search by student. Versions are written into DynamoDB Local
 * as the store stage writes them (storage model of issue 12), so these
 * readers are tested apart from the correction endpoint.
 */
let stack: Awaited<ReturnType<typeof startTestStack>>;
let dynamo: DynamoDBDocumentClient;
let officer: string;
let custodian: string;
let analyst: string;
const REASON = { "x-access-reason": "Amendment request 2026-7" };

beforeAll(async () => {
  stack = await startTestStack();
  dynamo = DynamoDBDocumentClient.from(localDynamoClient(stack.dynamoEndpoint));
  officer = await tokenFor(stack, "sro", "officer-v");
  custodian = await tokenFor(stack, "records_custodian", "custodian-v");
  analyst = await tokenFor(stack, "district_analyst", "analyst-v");
}, 60_000);
afterAll(async () => {
  dynamo?.destroy();
  await stack?.dispose();
});

/** Posts an incident and waits until the store stage wrote version 1. */
const submitted = async (overrides: Record<string, unknown> = {}) => {
  const incident = newIncident(overrides);
  expect((await postIncident(stack, officer, incident)).status).toBe(202);
  await waitUntilStored(stack, officer, incident.incidentId);
  return incident;
};

/** Version n as the store stage writes it, and the head as the correction moved it. */
const addVersion = async (
  incident: IncidentJson,
  version: number,
  change: { kind: "corrected"; event: IncidentJson } | { kind: "voided" },
  reason: string,
  head: { currentVersion: number; status: "active" | "voided" } | null = {
    currentVersion: version,
    status: change.kind === "voided" ? "voided" : "active",
  },
) => {
  const key = incident.incidentId.toLowerCase();
  await dynamo.send(
    new PutCommand({
      TableName: stack.tableNames.incidents,
      Item: {
        incidentId: `${key}#v${version}`,
        version,
        kind: change.kind,
        at: new Date().toISOString(),
        by: "custodian-v",
        reason,
        storedAt: new Date().toISOString(),
        ...(change.kind === "corrected" ? { event: change.event } : {}),
      },
    }),
  );
  if (head) {
    await dynamo.send(
      new UpdateCommand({
        TableName: stack.tableNames.intakeReceipts,
        Key: { incidentId: key },
        UpdateExpression: "SET currentVersion = :v, #s = :s",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":v": head.currentVersion, ":s": head.status },
      }),
    );
  }
};

const withGrade = (incident: IncidentJson, grade: string): IncidentJson => {
  const corrected = structuredClone(incident);
  corrected.students[0].grade = grade;
  return corrected;
};

const versions = (incident: IncidentJson, token: string, headers = {}) =>
  getJson(stack, token, `/incidents/${incident.incidentId}/versions`, headers);

const auditEntries = async (query: string) =>
  (await getJson(stack, custodian, `/audit?${query}&limit=200`)).json.items as any[];

describe("GET /incidents/{id} after corrections", () => {
  it("answers the author and the custodian the current version, with version and status", async () => {
    const incident = await submitted();
    const first = await getIncident(stack, officer, incident.incidentId);
    expect(first.json).toMatchObject({ view: "full", version: 1, status: "active" });

    await addVersion(incident, 2, { kind: "corrected", event: withGrade(incident, "11") }, "grade");
    for (const [token, headers] of [
      [officer, {}],
      [custodian, REASON],
    ] as const) {
      const read = await getIncident(stack, token, incident.incidentId, headers);
      expect(read.status).toBe(200);
      expect(read.json).toEqual({
        view: "full",
        incident: withGrade(incident, "11"),
        receivedAt: first.json.receivedAt,
        version: 2,
        status: "active",
      });
    }

    await addVersion(incident, 3, { kind: "voided" }, "entered in error");
    const voided = await getIncident(stack, officer, incident.incidentId);
    // A voided incident is read with the content it withdrew.
    expect(voided.json).toMatchObject({ version: 3, status: "voided" });
    expect(voided.json.incident).toEqual(withGrade(incident, "11"));
  });

  it("stops at the first version the store stage has not written yet", async () => {
    const incident = await submitted();
    // Version 3 stored before version 2: the head is at 3, the chain ends at 1.
    await addVersion(incident, 3, { kind: "corrected", event: withGrade(incident, "12") }, "c");
    const read = await getIncident(stack, officer, incident.incidentId);
    expect(read.json).toMatchObject({ version: 1, status: "active", incident });
    await addVersion(
      incident,
      2,
      { kind: "corrected", event: withGrade(incident, "11") },
      "b",
      null,
    );
    const later = await getIncident(stack, officer, incident.incidentId);
    expect(later.json).toMatchObject({ version: 3, incident: withGrade(incident, "12") });
  });
});

describe("GET /incidents/{id}/versions", () => {
  let incident: IncidentJson;
  beforeAll(async () => {
    incident = await submitted();
    const corrected = withGrade(incident, "11");
    corrected.students.push({
      ref: {},
      role: "witness",
      grade: "9",
      raceEthnicity: ["not_recorded"],
      gender: "not_recorded",
      disability: "not_recorded",
      englishLearner: "not_recorded",
      actions: [],
    });
    await addVersion(
      incident,
      2,
      { kind: "corrected", event: corrected },
      "Marisol Quintero's grade was 11; call 555-867-5309",
    );
    await addVersion(incident, 3, { kind: "voided" }, "entered in error for Marisol");
  }, 60_000);

  it("gives the author and the custodian every version, oldest first, with sub and the reason as written", async () => {
    for (const [token, headers] of [
      [officer, {}],
      [custodian, {}],
      [custodian, REASON],
    ] as const) {
      const response = await versions(incident, token, headers);
      expect(response.status).toBe(200);
      expect(response.json).toEqual({
        items: [
          {
            version: 1,
            at: expect.any(String),
            kind: "submitted",
            reason: null,
            changedPaths: [],
            sub: "officer-v",
          },
          {
            version: 2,
            at: expect.any(String),
            kind: "corrected",
            reason: "Marisol Quintero's grade was 11; call 555-867-5309",
            changedPaths: ["students[0].grade", "students[2]"],
            sub: "custodian-v",
          },
          {
            version: 3,
            at: expect.any(String),
            kind: "voided",
            reason: "entered in error for Marisol",
            changedPaths: [],
            sub: "custodian-v",
          },
        ],
      });
    }
  });

  it("gives an analyst no sub and the reasons redacted as a narrative is", async () => {
    const response = await versions(incident, analyst);
    expect(response.status).toBe(200);
    expect(response.json.items.map((item: any) => item.reason)).toEqual([
      null,
      "[STUDENT 1]'s grade was 11; call [PHONE]",
      "entered in error for [STUDENT 1]",
    ]);
    for (const item of response.json.items) expect(item).not.toHaveProperty("sub");
    expect(response.text).not.toContain("Marisol");
    expect(response.text).not.toContain("officer-v");
    expect(response.json.items.map((item: any) => item.changedPaths)).toEqual([
      [],
      ["students[0].grade", "students[2]"],
      [],
    ]);
  });

  it("refuses other roles with 403 and another officer with 404, each audited as incident.versions", async () => {
    const key = incident.incidentId.toLowerCase();
    for (const role of ["school_admin", "board"] as const) {
      const response = await versions(incident, await tokenFor(stack, role, `${role}-v`));
      expect(response.status).toBe(403);
      expect(response.json.error.code).toBe("FORBIDDEN");
    }
    const other = await versions(incident, await tokenFor(stack, "sro", "officer-w"));
    expect(other.status).toBe(404);
    expect(other.json.error.code).toBe("NOT_FOUND");
    expect((await versions(newIncident(), officer)).status).toBe(404);
    expect((await versions({ ...incident, incidentId: "not-a-uuid" }, officer)).status).toBe(400);

    const entries = await auditEntries(`action=incident.versions&target=${key}`);
    const outcomes = (role: string) =>
      entries.filter((entry) => entry.role === role).map((entry) => entry.outcome);
    expect(outcomes("school_admin")).toEqual(["refused"]);
    expect(outcomes("board")).toEqual(["refused"]);
    expect(entries.filter((entry) => entry.userId === "officer-w")).toEqual([
      expect.objectContaining({ outcome: "refused", code: "NOT_FOUND" }),
    ]);
    expect(
      entries.some((entry) => entry.userId === "analyst-v" && entry.outcome === "allowed"),
    ).toBe(true);
    expect(
      entries.some(
        (entry) => entry.userId === "custodian-v" && entry.reason === REASON["x-access-reason"],
      ),
    ).toBe(true);
  });
});

describe("GET /custodian/incidents?localId=", () => {
  const search = (localId: string, token = custodian, headers: Record<string, string> = REASON) =>
    getJson(stack, token, `/custodian/incidents?localId=${encodeURIComponent(localId)}`, headers);
  const LOCAL_ID = "S7770001";
  let kept: IncidentJson;
  let voided: IncidentJson;
  let movedAway: IncidentJson;

  /** An incident whose first student has this localId, once the redact stage has filed it. */
  const filed = async (occurredAt: string) => {
    const incident = newIncident({ occurredAt });
    incident.students[0].ref.localId = LOCAL_ID;
    expect((await postIncident(stack, officer, incident)).status).toBe(202);
    await waitUntilStored(stack, officer, incident.incidentId);
    await waitFor(
      async () => (await getIncident(stack, analyst, incident.incidentId)).status === 200,
      { timeoutMs: 20_000, what: "redacted" },
    );
    return incident;
  };

  beforeAll(async () => {
    kept = await filed("2026-02-03T10:15:00-08:00");
    voided = await filed("2026-01-10T08:00:00-08:00");
    movedAway = await filed("2026-03-01T12:00:00-08:00");
    await addVersion(voided, 2, { kind: "voided" }, "entered in error");
    // A correction that takes the student out of the incident: the index
    // still lists it, the search confirms against the current version.
    const corrected = structuredClone(movedAway);
    corrected.students[0].ref.localId = "S7770002";
    await addVersion(movedAway, 2, { kind: "corrected", event: corrected }, "wrong student");
  }, 90_000);

  it("lists the student's incidents, oldest first, with their current status and version", async () => {
    const response = await search(LOCAL_ID);
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      items: [
        {
          incidentId: voided.incidentId.toLowerCase(),
          occurredAt: voided.occurredAt,
          schoolId: voided.schoolId,
          status: "voided",
          version: 2,
        },
        {
          incidentId: kept.incidentId.toLowerCase(),
          occurredAt: kept.occurredAt,
          schoolId: kept.schoolId,
          status: "active",
          version: 1,
        },
      ],
      nextCursor: null,
    });
    const pages: any[] = [];
    let cursor: string | null = null;
    do {
      const page = await getJson(
        stack,
        custodian,
        `/custodian/incidents?localId=${LOCAL_ID}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        REASON,
      );
      expect(page.status).toBe(200);
      pages.push(...page.json.items);
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(pages).toEqual(response.json.items);
    expect((await search("S0000000")).json).toEqual({ items: [], nextCursor: null });
  });

  it("needs a stated reason and the custodian's role, and audits the student by key only", async () => {
    const noReason = await search(LOCAL_ID, custodian, {});
    expect(noReason.status).toBe(400);
    expect(noReason.json.error.details).toEqual([
      { path: "X-Access-Reason", message: expect.any(String) },
    ]);
    for (const role of ["sro", "school_admin", "district_analyst", "board"] as const) {
      const response = await search(LOCAL_ID, await tokenFor(stack, role, `${role}-s`), REASON);
      expect(response.status).toBe(403);
    }
    const missing = await getJson(stack, custodian, "/custodian/incidents", REASON);
    expect(missing.status).toBe(400);
    expect(missing.json.error.details).toEqual([{ path: "localId", message: expect.any(String) }]);

    const entries = await auditEntries("action=incident.search");
    expect(entries.length).toBeGreaterThanOrEqual(7);
    expect(JSON.stringify(entries)).not.toContain(LOCAL_ID);
    expect(
      entries.find((entry) => entry.outcome === "allowed" && entry.userId === "custodian-v"),
    ).toMatchObject({
      reason: REASON["x-access-reason"],
      target: expect.stringMatching(/^student:[0-9a-f]{64}$/),
    });
    expect(
      entries
        .filter((entry) => entry.outcome === "refused")
        .map((entry) => entry.role)
        .sort(),
    ).toEqual([
      "board",
      "district_analyst",
      "records_custodian",
      "records_custodian",
      "school_admin",
      "sro",
    ]);
  });

  it("answers hostile ids and query values with a contract 4xx, never a 5xx or an echo", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          (value: string) => `/custodian/incidents?localId=${value}`,
          (value: string) => `/custodian/incidents?localId=S1&cursor=${value}`,
          (value: string) => `/custodian/incidents?localId=S1&from=${value}`,
          (value: string) => `/incidents/${value}/versions`,
        ),
        fc.oneof(
          fc.string({ maxLength: 300, unit: "binary" }),
          fc.constantFrom("__proto__", "%00", "../../etc", "9".repeat(400), "S1' OR '1'='1"),
        ),
        fc.constantFrom(custodian, analyst, officer),
        async (path, value, token) => {
          const response = await getJson(stack, token, path(encodeURIComponent(value)), REASON);
          expect(response.status).toBeLessThan(500);
          if (response.status >= 400) {
            expect(typeof response.json?.error?.code).toBe("string");
            if (value.length >= 6) expect(response.text).not.toContain(value);
          }
        },
      ),
      { numRuns: 80 },
    );
  });
});
