import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkEnrollmentCsv, problemText } from "../../shared/report/enrollment.ts";
import {
  getIncident,
  getJson,
  newIncident,
  postIncident,
  startTestStack,
  tokenFor,
  waitUntilStored,
} from "../support/local-stack.ts";

/**
 * What the district screens need of the API, on DynamoDB Local. The custodian's audit search through the HTTP API on DynamoDB Local: by
 * user, action, target and dates, each read from its own index, with the
 * others filtered within that index's key range.
 */
let stack: Awaited<ReturnType<typeof startTestStack>>;
let custodian: string;
let otherCustodian: string;
let analyst: string;
const incident = newIncident();
const key = incident.incidentId.toLowerCase();
const REASON = "Records request 2026-77 from a parent";

beforeAll(async () => {
  stack = await startTestStack();
  const officer = await tokenFor(stack, "sro", "officer-a");
  custodian = await tokenFor(stack, "records_custodian", "custodian-a", []);
  otherCustodian = await tokenFor(stack, "records_custodian", "custodian-b", []);
  analyst = await tokenFor(stack, "district_analyst", "analyst-a", []);
  expect((await postIncident(stack, officer, incident)).status).toBe(202);
  await waitUntilStored(stack, officer, incident.incidentId);
  for (let i = 0; i < 3; i++) {
    const read = await getIncident(stack, custodian, incident.incidentId, {
      "x-access-reason": `${REASON} (${i})`,
    });
    expect(read.status).toBe(200);
  }
  expect(
    (await getIncident(stack, otherCustodian, incident.incidentId, { "x-access-reason": REASON }))
      .status,
  ).toBe(200);
  expect((await getJson(stack, analyst, "/reports")).status).toBe(200);
}, 60_000);
afterAll(async () => {
  await stack?.dispose();
});

const search = async (query: string, token = custodian) => {
  const response = await getJson(stack, token, `/audit?${query}`);
  expect(response.status, response.text).toBe(200);
  return response.json as { items: any[]; nextCursor: string | null };
};

/** Every page of a search, one entry a page, so that every cursor is walked. */
const everyPage = async (query: string) => {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const page = await search(`${query}&limit=1${cursor ? `&cursor=${cursor}` : ""}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
};

describe("GET /audit searches", () => {
  it("finds every unredacted read of one incident by target and action, with the reasons", async () => {
    const found = await everyPage(`target=${key}&action=incident.read_unredacted`);
    expect(found.map((entry) => [entry.userId, entry.outcome])).toEqual([
      ["custodian-b", "allowed"],
      ["custodian-a", "allowed"],
      ["custodian-a", "allowed"],
      ["custodian-a", "allowed"],
    ]);
    expect(found[0].reason).toBe(REASON);
    const times = found.map((entry) => entry.at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it("narrows a target search by user", async () => {
    const found = await everyPage(`target=${key}&user=custodian-b`);
    expect(found.map((entry) => entry.action)).toEqual(["incident.read_unredacted"]);
  });

  it("lists one action district-wide from the by-action index", async () => {
    const found = await everyPage("action=report.list");
    expect(found.map((entry) => [entry.userId, entry.target])).toEqual([["analyst-a", "reports"]]);
    const today = new Date().toISOString().slice(0, 10);
    expect(await everyPage(`action=report.list&from=2020-01-01&to=2020-12-31`)).toEqual([]);
    expect((await everyPage(`action=report.list&from=${today}`)).length).toBeLessThanOrEqual(1);
  });

  it("refuses a cursor of one search in another", async () => {
    const page = await search(`target=${key}&limit=1`);
    expect(page.nextCursor).not.toBeNull();
    const other = await getJson(
      stack,
      custodian,
      `/audit?target=${key}&user=custodian-a&cursor=${page.nextCursor}`,
    );
    expect(other.status).toBe(400);
  });

  it("is the custodian's only", async () => {
    expect((await getJson(stack, analyst, `/audit?target=${key}`)).status).toBe(403);
  });

  it("refuses hostile search values with a 400 that never echoes them", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("action", "target"),
        fc.oneof(
          fc.constantFrom(
            "DROP TABLE",
            "<img src=x onerror=alert(1)>",
            "a\u0000b",
            "x".repeat(300),
          ),
          fc.string({ minLength: 300, maxLength: 400 }),
        ),
        async (name, value) => {
          const response = await getJson(
            stack,
            custodian,
            `/audit?${name}=${encodeURIComponent(value)}`,
          );
          // A short plain-text target is a valid search that finds nothing.
          if (response.status === 200) {
            expect(response.json.items).toEqual([]);
            return;
          }
          expect(response.status).toBe(400);
          expect(response.text).not.toContain(value);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe("PUT /enrollment/{schoolYear}: every problem, as the browser's preview lists it", () => {
  const put = (body: string) =>
    fetch(`${stack.url}/enrollment/2025-26`, {
      method: "PUT",
      headers: { authorization: `Bearer ${analyst}`, "content-type": "text/csv" },
      body,
    });
  const header = "schoolYear,schoolId,dimension,group,enrollment";

  it("answers 422 with each row problem's line and column, the same list checkEnrollmentCsv gives, and stores nothing", async () => {
    const csv = [
      header,
      "2025-26,S1,gender,martian,7",
      '2025-26,"=HYPERLINK(""http://x"")",gender,male,7',
      "2025-26,S1,colour,red,Jane Doe",
    ].join("\r\n");
    const response = await put(csv);
    expect(response.status).toBe(422);
    const text = await response.text();
    expect(text).not.toMatch(/HYPERLINK|Jane|martian|colour/);
    const details = JSON.parse(text).error.details;
    const expected = checkEnrollmentCsv(csv, "2025-26", "refuse").problems;
    expect(details).toEqual(
      expected.map((problem) => ({
        path: `line ${problem.line}`,
        message: problemText(problem),
        line: problem.line,
        column: problem.column,
      })),
    );
    expect(details.map((detail: any) => [detail.line, detail.column])).toEqual([
      [2, 4],
      [3, 2],
      [4, 3],
      [4, 5],
    ]);
    // Nothing was stored: a report for the year still has no enrollment.
    const report = await fetch(`${stack.url}/reports`, {
      method: "POST",
      headers: { authorization: `Bearer ${analyst}`, "content-type": "application/json" },
      body: JSON.stringify({ schoolYear: "2025-26" }),
    });
    expect(report.status).toBe(400);
    expect(await report.text()).toContain("No enrollment has been uploaded for 2025-26");
  });
});
