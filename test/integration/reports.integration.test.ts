import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prng } from "../../bench/synthetic.ts";
import { lambdaContext } from "../../infra/local/lambda-context.ts";
import { waitFor } from "../../infra/local/wait.ts";
import { runCommand } from "../support/cli.ts";
import {
  getJson,
  newIncident,
  postIncident,
  SCHOOL,
  startTestStack,
  tokenFor,
} from "../support/local-stack.ts";

let stack: Awaited<ReturnType<typeof startTestStack>>;
let analyst: string;
let board: string;
const random = prng(11);
const RACES = ["black", "white", "hispanic_latino", "asian"] as const;
const OTHER_SCHOOL = "SCHOOL-B";

/** Raw events: 30 students with stable ids, some seen at both schools and with changing records. */
const events = Array.from({ length: 60 }, (_, index) => {
  const student = Math.floor(random() * 30);
  const incident = newIncident({
    occurredAt: new Date(Date.parse("2025-09-01T16:00:00Z") + index * 86_400_000 * 4)
      .toISOString()
      .replace("Z", "+00:00"),
    schoolId: index % 3 === 0 ? OTHER_SCHOOL : SCHOOL,
    narrative: `Incident ${index}.`,
  });
  incident.students[0] = {
    ...incident.students[0],
    ref: { localId: `L${student}` },
    raceEthnicity: [RACES[student % 4]!],
    gender: index % 7 === 0 ? "nonbinary" : student % 2 ? "male" : "female",
    grade: String(6 + (student % 7)),
    actions: random() < 0.4 ? ["searched_person", "arrest"] : ["questioned"],
  };
  return incident;
});

const activity = (schoolId: string, date: string, type: string, minutes: number) => ({
  activityId: crypto.randomUUID(),
  schoolId,
  date,
  type,
  minutes,
});
/** In the year: two schools, three types; then one of the year before, and one deleted. */
const activities = [
  activity(SCHOOL, "2025-09-15", "classroom_presentation", 50),
  activity(SCHOOL, "2025-10-20", "classroom_presentation", 40),
  activity(OTHER_SCHOOL, "2025-10-05", "parent_education", 90),
  activity(OTHER_SCHOOL, "2025-09-10", "campus_patrol", 120),
  activity(SCHOOL, "2025-06-30", "other", 30),
  activity(SCHOOL, "2025-11-01", "resource_linkage", 20),
];

const dimensions = ["raceEthnicity", "gender", "disability", "englishLearner", "gradeBand"];
const enrollmentCsv = [
  "schoolYear,schoolId,dimension,group,enrollment",
  ...[SCHOOL, OTHER_SCHOOL].flatMap((school) => [
    `2025-26,${school},raceEthnicity,black,40`,
    `2025-26,${school},raceEthnicity,white,60`,
    `2025-26,${school},raceEthnicity,hispanic_latino,80`,
    `2025-26,${school},raceEthnicity,asian,20`,
    `2025-26,${school},gender,male,100`,
    `2025-26,${school},gender,female,95`,
    `2025-26,${school},gender,nonbinary,5`,
    ...dimensions.slice(2).map((dimension) => `2025-26,${school},${dimension},not_reported,200`),
  ]),
].join("\n");

const runCli = (args: string[]) => runCommand("cli/report.ts", args);

const put = (token: string, body: string, contentType = "text/csv", year = "2025-26") =>
  fetch(`${stack.url}/enrollment/${year}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": contentType },
    body,
  }).then(async (response) => ({ status: response.status, json: (await response.json()) as any }));

const postReport = (token: string, body: unknown) =>
  fetch(`${stack.url}/reports`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  }).then(async (response) => ({ status: response.status, json: (await response.json()) as any }));

const file = (token: string, id: string, format = "json") =>
  fetch(`${stack.url}/reports/${id}?format=${format}`, {
    headers: { authorization: `Bearer ${token}` },
  }).then(async (response) => ({
    status: response.status,
    headers: response.headers,
    text: await response.text(),
  }));

beforeAll(async () => {
  stack = await startTestStack();
  analyst = await tokenFor(stack, "district_analyst", "analyst-1");
  board = await tokenFor(stack, "board", "board-1");
  const sro = await tokenFor(stack, "sro", "officer-1", [SCHOOL, OTHER_SCHOOL]);
  for (const event of events) expect((await postIncident(stack, sro, event)).status).toBe(202);
  for (const activity of activities) {
    const response = await fetch(`${stack.url}/activities`, {
      method: "POST",
      headers: { authorization: `Bearer ${sro}`, "content-type": "application/json" },
      body: JSON.stringify(activity),
    });
    expect(response.status).toBe(202);
  }
  const deleted = await fetch(`${stack.url}/activities/${activities.at(-1)!.activityId}`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${sro}` },
  });
  expect(deleted.status).toBe(204);
  await waitFor(
    async () => {
      const page = await getJson(stack, analyst, "/incidents?limit=200");
      return page.json?.items?.length === events.length;
    },
    { timeoutMs: 30_000, intervalMs: 300, what: "all incidents redacted" },
  );
}, 120_000);
afterAll(async () => {
  await stack?.dispose();
});

describe("PUT /enrollment/{schoolYear}", () => {
  it("stores a district analyst's CSV and refuses everyone else", async () => {
    const response = await put(analyst, enrollmentCsv);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ schoolYear: "2025-26", schools: 2, rows: 20 });
    const admin = await tokenFor(stack, "school_admin");
    expect((await put(admin, enrollmentCsv)).status).toBe(403);
    expect((await put(board, enrollmentCsv)).status).toBe(403);
  });

  it("refuses bad files with the line and the reason, without quoting cells", async () => {
    const formula = `${enrollmentCsv}\n2025-26,${SCHOOL},gender,male,=cmd|' /C calc'!A0`;
    const bad = await put(analyst, formula);
    expect(bad.status).toBe(422);
    expect(bad.json.error.details[0].message).toMatch(
      /^line 22: enrollment must be a whole number/,
    );
    expect(JSON.stringify(bad.json)).not.toContain("cmd");
    const otherYear = await put(
      analyst,
      enrollmentCsv.replace("2025-26,SCHOOL-B", "2024-25,SCHOOL-B"),
    );
    expect(otherYear.json.error.details[0].message).toMatch(
      /line \d+: every row must be of the school year/,
    );
    expect((await put(analyst, enrollmentCsv, "application/json")).status).toBe(415);
    expect((await put(analyst, enrollmentCsv, "text/csv", "2025-2026")).status).toBe(400);
    const unbalanced = await put(
      analyst,
      enrollmentCsv.replace("gender,male,100", "gender,male,99"),
    );
    expect(unbalanced.json.error.details[0].message).toMatch(/does not add up/);
  });
});

describe("reports through the pipeline", () => {
  let reportId: string;

  it("runs a report on demand and serves it as JSON, CSV and HTML", async () => {
    const response = await postReport(analyst, { schoolYear: "2025-26" });
    expect(response.status).toBe(201);
    reportId = response.json.reportId;
    const json = await file(analyst, reportId);
    expect(json.status).toBe(200);
    expect(JSON.parse(json.text).totals.incidents).toBe(events.length);
    // The period's activities by date, the deleted one and last year's left out.
    const bySchool = {
      [SCHOOL]: { classroom_presentation: { count: 2, minutes: 90 } },
      [OTHER_SCHOOL]: {
        parent_education: { count: 1, minutes: 90 },
        campus_patrol: { count: 1, minutes: 120 },
      },
    };
    expect(JSON.parse(json.text).activities).toEqual({
      byType: {
        classroom_presentation: { count: 2, minutes: 90 },
        parent_education: { count: 1, minutes: 90 },
        campus_patrol: { count: 1, minutes: 120 },
      },
      bySchool: [SCHOOL, OTHER_SCHOOL]
        .sort()
        .map((schoolId) => ({ schoolId, byType: bySchool[schoolId] })),
    });
    const csv = await file(analyst, reportId, "csv");
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    const html = await file(analyst, reportId, "html");
    expect(html.headers.get("content-type")).toMatch(/^text\/html/);
    expect(html.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(html.text).toContain("<svg");
    expect(html.text).toContain("Officer activities");
    expect(html.text).toContain("Classroom presentations</th><td>2</td><td>1.5</td>");
    expect(html.text).not.toMatch(/<script|https?:\/\//i);
  });

  it("gives the same JSON, byte for byte, as the CLI over the same events and enrollment", async () => {
    const incidentsFile = join(stack.dataDir, "events.ndjson");
    const enrollmentFile = join(stack.dataDir, "enrollment.csv");
    writeFileSync(incidentsFile, events.map((event) => JSON.stringify(event)).join("\n"));
    writeFileSync(enrollmentFile, enrollmentCsv);
    // The instant the pipeline's run counted, given to the CLI as an analyst
    // gives an export's X-As-Of: nothing changed since, so the data is the same.
    const stored = (await file(analyst, reportId)).text;
    const cli = await runCli([
      "--incidents",
      incidentsFile,
      "--enrollment",
      enrollmentFile,
      "--school-year",
      "2025-26",
      "--as-of",
      JSON.parse(stored).asOf,
    ]);
    expect(cli.status).toBe(0);
    // The CLI reads a file of incidents only: its activities are null (not
    // known), and everything else is byte for byte the pipeline's.
    expect(JSON.parse(cli.stdout).activities).toBeNull();
    expect(cli.stdout).toBe(
      `${JSON.stringify({ ...JSON.parse(stored), activities: null }, null, 2)}\n`,
    );

    // Without --incidents the CLI asks the running stack, and gets the same bytes.
    // (Run without blocking: the stack answering it lives in this process.)
    const asked = await runCli([
      "--school-year",
      "2025-26",
      "--url",
      stack.url,
      "--data-dir",
      stack.dataDir,
    ]);
    expect(asked.stderr).toBe("");
    // A run of its own, so it counts a later instant; every other byte is the same.
    const askedAsOf = JSON.parse(asked.stdout).asOf;
    expect(askedAsOf > JSON.parse(stored).asOf).toBe(true);
    expect(asked.stdout).toBe(stored.replace(JSON.parse(stored).asOf, askedAsOf));

    const school = await postReport(analyst, {
      schoolYear: "2025-26",
      schoolId: OTHER_SCHOOL,
      from: "2025-10-01",
      to: "2026-03-31",
      minCell: 3,
      minN: 5,
    });
    expect(school.status).toBe(201);
    const schoolCli = await runCli([
      "--incidents",
      incidentsFile,
      "--enrollment",
      enrollmentFile,
      "--school-year",
      "2025-26",
      "--school",
      OTHER_SCHOOL,
      "--from",
      "2025-10-01",
      "--to",
      "2026-03-31",
      "--min-cell",
      "3",
      "--min-n",
      "5",
    ]);
    const schoolReport = JSON.parse((await file(analyst, school.json.reportId)).text);
    expect(JSON.parse(schoolCli.stdout)).toEqual({ ...schoolReport, asOf: null, activities: null });
    // The school's activities dated in the period only.
    expect(schoolReport.activities).toEqual({
      byType: { parent_education: { count: 1, minutes: 90 } },
      bySchool: [
        { schoolId: OTHER_SCHOOL, byType: { parent_education: { count: 1, minutes: 90 } } },
      ],
    });
  });

  it("publishes a public period once, and shows the board public reports only", async () => {
    const first = await postReport(analyst, { schoolYear: "2025-26", public: true });
    expect(first.status).toBe(201);
    const again = await postReport(analyst, { schoolYear: "2025-26", public: true });
    expect(again.status).toBe(200);
    expect(again.json.reportId).toBe(first.json.reportId);

    const boardList = await getJson(stack, board, "/reports");
    expect(boardList.json.items.map((item: any) => item.reportId)).toEqual([first.json.reportId]);
    const analystList = await getJson(stack, analyst, "/reports");
    expect(analystList.json.items.length).toBeGreaterThanOrEqual(3);
    expect((await file(board, reportId)).status).toBe(404);
    const page = await file(board, first.json.reportId, "html");
    expect(page.status).toBe(200);
    expect(page.text).toContain("Public report");
    const publicJson = JSON.parse((await file(board, first.json.reportId)).text);
    expect(publicJson.parameters.public).toBe(true);
    // The district's totals only: per school they would describe one officer's work.
    expect(Object.keys(publicJson.activities)).toEqual(["byType"]);
    expect(publicJson.activities.byType.classroom_presentation).toEqual({ count: 2, minutes: 90 });
    expect(page.text).not.toContain(OTHER_SCHOOL);
  });

  it("names no user to the board; analysts see who asked", async () => {
    const boardList = await getJson(stack, board, "/reports");
    expect(boardList.json.items.length).toBeGreaterThan(0);
    expect(boardList.text).not.toContain("requestedBy");
    expect(boardList.text).not.toContain("analyst-1");
    const [published] = boardList.json.items;
    for (const format of ["json", "csv", "html"]) {
      const read = await file(board, published.reportId, format);
      expect(read.status).toBe(200);
      expect(read.text).not.toMatch(/requestedBy|analyst-1/);
    }
    const analystList = await getJson(stack, analyst, "/reports?limit=200");
    const seen = analystList.json.items.find((item: any) => item.reportId === published.reportId);
    expect(seen.requestedBy).toBe("analyst-1");
  });

  it.each([
    "constructor",
    "__proto__",
    "toString",
    "hasOwnProperty",
    "valueOf",
    "propertyIsEnumerable",
    "",
  ])("answers ?format=%s with a 400, not a 503", async (format) => {
    const [published] = (await getJson(stack, board, "/reports")).json.items;
    for (const token of [board, analyst]) {
      const read = await file(token, published.reportId, encodeURIComponent(format));
      expect(read.status).toBe(400);
      expect(JSON.parse(read.text).error.details).toEqual([
        { path: "format", message: "must be json, csv or html" },
      ]);
    }
  });

  it.each([
    [{ schoolYear: "2025-26", public: true, schoolId: SCHOOL }, 400],
    [{ schoolYear: "2025-26", public: true, from: "2025-07-01", to: "2025-09-30" }, 400],
    [{ schoolYear: "2025-26", minCell: 0 }, 400],
    [
      {
        schoolYear: "2025-26",
        public: true,
        partition: "semester",
        from: "2025-07-01",
        to: "2025-12-31",
      },
      400,
    ],
    [{ schoolYear: "2025-26", public: true, minCell: 1 }, 400],
    [{ schoolYear: "2025-26", public: true, minCell: 10 }, 400],
    [{ schoolYear: "2025-26", public: true, minN: 30 }, 400],
    [{ schoolYear: "2025-26", public: true, riskRatioThreshold: 2 }, 400],
    [{ schoolYear: "2025-26", public: true, confidenceLevel: 0.95 }, 400],
    [{ schoolYear: "2025-26", public: true, timeZone: "America/Los_Angeles" }, 400],
    [{ schoolYear: "2025-26", public: true, partition: "year" }, 400],
    [{ schoolYear: "2026-27", public: true }, 400],
    [{ schoolYear: "2025-26", timeZone: "Mars/Base" }, 400],
    [{ schoolYear: "2025-26", extra: 1 }, 400],
    [{ schoolYear: "2024-25" }, 400],
  ])("refuses %j", async (body, status) => {
    const response = await postReport(analyst, body);
    expect(response.status).toBe(status);
    expect(response.json.error.code).toBe("VALIDATION_FAILED");
  });

  it("lets only analysts run reports, and audits every run", async () => {
    expect((await postReport(board, { schoolYear: "2025-26" })).status).toBe(403);
    const custodian = await tokenFor(stack, "records_custodian", "custodian-1");
    const audit = await getJson(stack, custodian, "/audit?user=analyst-1&limit=200");
    const runs = audit.json.items.filter((entry: any) => entry.action === "report.run");
    expect(runs.filter((entry: any) => entry.outcome === "allowed").length).toBeGreaterThanOrEqual(
      4,
    );
    expect(runs.some((entry: any) => entry.outcome === "refused")).toBe(true);
  });

  it("runs the schedule: year-to-date reports, and each ended public period once", async () => {
    const { handler } = await import("../../functions/scheduled-reports.ts");
    const result = (await handler({}, lambdaContext("scheduled", 900, 1536))) as {
      reports: number;
      failed: number;
    };
    expect(result.reports).toBeGreaterThanOrEqual(2);
    const boardList = await getJson(stack, board, "/reports?limit=200");
    const publicIds = boardList.json.items.map((item: any) => item.reportId);
    expect(
      publicIds.filter((id: string) => id === "public-2025-26-2025-07-01-2026-06-30"),
    ).toHaveLength(1);
  });
});
