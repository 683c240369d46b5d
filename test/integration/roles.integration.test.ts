import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../shared/auth/claims.ts";
import {
  getIncident,
  getJson,
  newIncident,
  postIncident,
  SCHOOL,
  startTestStack,
  tokenFor,
  waitUntilRedacted,
} from "../support/local-stack.ts";

let stack: Awaited<ReturnType<typeof startTestStack>>;
const tokens: Record<string, string> = {};
const incident = newIncident({ occurredAt: "2026-02-03T23:30:00-08:00" });
const otherSchool = "OTHER-01";
const elsewhere = newIncident({ schoolId: otherSchool, occurredAt: "2026-02-04T00:30:00-08:00" });

beforeAll(async () => {
  stack = await startTestStack();
  const callers: Array<[string, Role, string[]]> = [
    ["author", "sro", [SCHOOL, otherSchool]],
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
  expect((await postIncident(stack, tokens.author, incident)).status).toBe(202);
  expect((await postIncident(stack, tokens.author, elsewhere)).status).toBe(202);
  await waitUntilRedacted(stack, incident.incidentId);
  await waitUntilRedacted(stack, elsewhere.incidentId);
});
afterAll(async () => {
  await stack?.dispose();
});

const read = (caller: string, headers: Record<string, string> = {}) =>
  getIncident(stack, tokens[caller]!, incident.incidentId, headers);

describe("GET /incidents/{id}: the view each role may see", () => {
  it("gives the author the incident as submitted", async () => {
    const response = await read("author");
    expect(response.status).toBe(200);
    expect(response.json.view).toBe("full");
    expect(response.json.incident).toEqual(incident);
  });

  it.each(["admin", "analyst"])("gives %s the redacted incident", async (caller) => {
    const response = await read(caller);
    expect(response.status).toBe(200);
    expect(response.json.view).toBe("redacted");
    const redacted = response.json.incident;
    expect(redacted.students[0].ref).toBeUndefined();
    expect(redacted.students[0].studentKey).toMatch(/^[0-9a-f]{64}$/);
    expect(redacted.students[1].studentKey).toBeUndefined();
    expect(redacted.otherPersons).toEqual([{ role: "staff" }]);
    expect(redacted.narrative).toBe(
      "Ms. [STAFF 1] asked me to separate [STUDENT 1] and another student. [STUDENT 2] saw it.",
    );
    for (const value of [
      "Marisol",
      "Quintero",
      "Devon",
      "Ellen",
      "Park",
      "S3000123",
      "2010-04-05",
    ]) {
      expect(response.text).not.toContain(value);
    }
  });

  it("gives the custodian the full incident only with a stated reason", async () => {
    expect((await read("custodian")).status).toBe(400);
    expect((await read("custodian", { "x-access-reason": "   " })).status).toBe(400);
    expect((await read("custodian", { "x-access-reason": "x".repeat(501) })).status).toBe(400);
    const response = await read("custodian", {
      "x-access-reason": "Subpoena 2026-114 from county court",
    });
    expect(response.status).toBe(200);
    expect(response.json.view).toBe("full");
    expect(response.json.incident).toEqual(incident);
  });

  it("hides the incident from another officer and another school's admin, and refuses the board", async () => {
    expect((await read("otherSro")).status).toBe(404);
    expect((await read("otherAdmin")).status).toBe(404);
    expect((await read("board")).status).toBe(403);
  });

  it("keeps the student key stable across incidents", async () => {
    const again = newIncident();
    expect((await postIncident(stack, tokens.author!, again)).status).toBe(202);
    await waitUntilRedacted(stack, again.incidentId);
    const first = (await read("analyst")).json.incident.students[0].studentKey;
    const second = (await getIncident(stack, tokens.analyst!, again.incidentId)).json.incident
      .students[0].studentKey;
    expect(second).toBe(first);
  });
});

describe("GET /incidents: redacted lists", () => {
  it("lists a school's incidents for its admin and the analyst, oldest first, never another school's", async () => {
    const admin = await getJson(stack, tokens.admin!, `/incidents?schoolId=${SCHOOL}`);
    expect(admin.status).toBe(200);
    expect(admin.json.items.every((item: any) => item.schoolId === SCHOOL)).toBe(true);
    const times = admin.json.items.map((item: any) => Date.parse(item.occurredAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect((await getJson(stack, tokens.admin!, `/incidents?schoolId=${otherSchool}`)).status).toBe(
      403,
    );
    const district = await getJson(stack, tokens.analyst!, "/incidents");
    expect(district.json.items.map((item: any) => item.incidentId)).toEqual(
      expect.arrayContaining([incident.incidentId, elsewhere.incidentId]),
    );
    for (const item of district.json.items) expect(JSON.stringify(item)).not.toContain("Marisol");
  });

  it("reads from and to as dates in the district's time zone, inclusive", async () => {
    // 23:30 on 3 Feb and 00:30 on 4 Feb, Pacific time: either side of midnight.
    const third = await getJson(stack, tokens.analyst!, "/incidents?from=2026-02-03&to=2026-02-03");
    expect(third.json.items.map((item: any) => item.incidentId)).toContain(incident.incidentId);
    expect(third.json.items.map((item: any) => item.incidentId)).not.toContain(
      elsewhere.incidentId,
    );
    const fourth = await getJson(
      stack,
      tokens.analyst!,
      "/incidents?from=2026-02-04&to=2026-02-04",
    );
    expect(fourth.json.items.map((item: any) => item.incidentId)).toEqual([elsewhere.incidentId]);
  });

  it("pages with limit and cursor without repeating or skipping", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const path = `/incidents?limit=1${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await getJson(stack, tokens.analyst!, path);
      expect(page.status).toBe(200);
      expect(page.json.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.json.items.map((item: any) => item.incidentId));
      cursor = page.json.nextCursor;
    } while (cursor);
    const all = await getJson(stack, tokens.analyst!, "/incidents?limit=200");
    expect(seen).toEqual(all.json.items.map((item: any) => item.incidentId));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it.each([
    ["limit=0"],
    ["limit=201"],
    ["limit=abc"],
    ["from=2026-02-30"],
    ["from=2026-03-01&to=2026-02-01"],
    ["cursor=not*a*cursor"],
    [`cursor=${Buffer.from('{"incidentId":{"S":"x"}}').toString("base64url")}`],
    ["schoolId=bad/id"],
    ["unknown=1"],
  ])("refuses %s with 400", async (query) => {
    const response = await getJson(stack, tokens.analyst!, `/incidents?${query}`);
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe("VALIDATION_FAILED");
  });

  it.each(["author", "custodian", "board"])("refuses %s with 403", async (caller) => {
    expect((await getJson(stack, tokens[caller]!, "/incidents")).status).toBe(403);
  });
});

describe("the audit log", () => {
  it("is readable by the records custodian only", async () => {
    for (const caller of ["author", "admin", "analyst", "board"]) {
      expect((await getJson(stack, tokens[caller]!, "/audit")).status).toBe(403);
    }
    expect((await getJson(stack, tokens.custodian!, "/audit")).status).toBe(200);
  });

  it("records every read, refusal and unredacted read with its reason, newest first", async () => {
    const entries = async (user: string) =>
      (await getJson(stack, tokens.custodian!, `/audit?user=${user}&limit=200`)).json
        .items as any[];
    const key = incident.incidentId.toLowerCase();

    const custodian = await entries("custodian-user");
    const unredacted = custodian.filter((entry) => entry.action === "incident.read_unredacted");
    expect(unredacted.map((entry) => [entry.outcome, entry.target, entry.reason ?? null])).toEqual(
      expect.arrayContaining([
        ["allowed", key, "Subpoena 2026-114 from county court"],
        ["refused", key, null],
      ]),
    );
    const times = custodian.map((entry) => entry.at);
    expect([...times].sort().reverse()).toEqual(times);

    const board = await entries("board-user");
    expect(board).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: "incident.read",
          outcome: "refused",
          code: "FORBIDDEN",
          role: "board",
        }),
      ]),
    );
    const other = await entries("otherSro-user");
    expect(other).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: "incident.read", outcome: "refused", target: key }),
      ]),
    );
    const analyst = await entries("analyst-user");
    expect(analyst.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(["incident.read", "incident.list", "audit.read"]),
    );
    const author = await entries("author-user");
    expect(author).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: "incident.submit", outcome: "allowed", target: key }),
      ]),
    );
  });

  it("pages the district-wide log newest first, within from and to", async () => {
    const page = await getJson(stack, tokens.custodian!, "/audit?limit=3");
    expect(page.json.items).toHaveLength(3);
    expect(page.json.nextCursor).toEqual(expect.any(String));
    const next = await getJson(
      stack,
      tokens.custodian!,
      `/audit?limit=3&cursor=${page.json.nextCursor}`,
    );
    expect(next.status).toBe(200);
    expect(next.json.items[0].at <= page.json.items[2].at).toBe(true);
    const none = await getJson(stack, tokens.custodian!, "/audit?from=2001-01-01&to=2001-01-02");
    expect(none.json).toEqual({ items: [], nextCursor: null });
  });
});
