import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrollmentOfYear } from "../../cli/trend.ts";
import { waitFor } from "../../infra/local/wait.ts";
import { getReportEntry } from "../../shared/adapters/reports-table.ts";
import { runCommand } from "../support/cli.ts";
import { getJson, postIncident, startTestStack, tokenFor } from "../support/local-stack.ts";
import { expectSeriesOf, trendEnrollmentCsv, trendEvents } from "../support/trend-data.ts";

/**
 * Trends through the HTTP API on the local stack (DynamoDB Local, the
 * queue and S3 emulators): an analyst's trend against the period reports
 * run beside it, and public trends that copy the published periods,
 * publish a due one first and never publish a period twice.
 */
const YEARS = ["2023-24", "2024-25", "2025-26"];
const PER_YEAR = 25;
const publicId = (year: string) =>
  `public-${year}-${year.slice(0, 4)}-07-01-${Number(year.slice(0, 4)) + 1}-06-30`;
const TREND_ID = "public-trend-2023-24-2025-26-year-p3";

const dataDir = mkdtempSync(join(tmpdir(), "sro-trends-"));
let stack: Awaited<ReturnType<typeof startTestStack>>;
let analyst: string;
let board: string;

const postReport = (token: string, body: unknown) =>
  fetch(`${stack.url}/reports`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  }).then(async (response) => ({ status: response.status, json: (await response.json()) as any }));

const readJson = async (token: string, reportId: string) => {
  const answer = await getJson(stack, token, `/reports/${reportId}?format=json`);
  expect(answer.status).toBe(200);
  return answer.json;
};

beforeAll(async () => {
  process.env.REPORT_DEFAULTS = JSON.stringify({ publicationDelayDays: 30 });
  stack = await startTestStack({ dataDir, visibilityTimeoutSeconds: 30 });
  analyst = await tokenFor(stack, "district_analyst", "analyst-1");
  board = await tokenFor(stack, "board", "board-1");
  const sro = await tokenFor(stack, "sro", "officer-1");
  const events = trendEvents(YEARS, PER_YEAR);
  for (let start = 0; start < events.length; start += 10) {
    const answers = await Promise.all(
      events.slice(start, start + 10).map((event) => postIncident(stack, sro, event)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 202));
  }
  await waitFor(
    async () =>
      (await getJson(stack, analyst, "/incidents?limit=200")).json?.items?.length === events.length,
    { timeoutMs: 150_000, intervalMs: 500, what: "all incidents redacted" },
  );
  const enrollment = trendEnrollmentCsv(YEARS);
  for (const year of YEARS) {
    const upload = await fetch(`${stack.url}/enrollment/${year}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${analyst}`, "content-type": "text/csv" },
      body: enrollmentOfYear(enrollment, year),
    });
    expect(upload.status).toBe(200);
  }
}, 240_000);

afterAll(async () => {
  await stack?.dispose();
  delete process.env.REPORT_DEFAULTS;
  rmSync(dataDir, { recursive: true, force: true });
});

describe("an analyst's trend", () => {
  it("equals, entry by entry, the period reports run beside it, and is listed and read in every format", async () => {
    const parameters = { minCell: 3, minN: 10, partition: "semester" };
    const made = await postReport(analyst, {
      reportType: "trend",
      schoolYears: YEARS,
      persistenceYears: 2,
      ...parameters,
    });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({
      reportType: "trend",
      schoolYears: YEARS,
      partition: "semester",
      public: false,
      schoolYear: "2025-26",
      period: { from: "2023-07-01", to: "2026-06-30" },
      requestedBy: "analyst-1",
    });
    const trend = await readJson(analyst, made.json.reportId);
    expect(trend).toMatchObject({ reportType: "trend", partition: "semester" });
    expect(trend.parameters).toMatchObject({ minCell: 3, minN: 10, persistenceYears: 2 });
    expect(typeof trend.asOf).toBe("string");
    expect(trend.activities).toHaveLength(6);

    const periods = await Promise.all(
      trend.periods.map(async (period: any) => {
        const answer = await postReport(analyst, {
          schoolYear: period.label.slice(0, 7),
          from: period.from,
          to: period.to,
          ...parameters,
        });
        expect(answer.status).toBe(201);
        return readJson(analyst, answer.json.reportId);
      }),
    );
    expectSeriesOf(trend, periods);
    // Ratios are computed in some periods, so the comparison is not of nulls only.
    expect(
      trend.tables.some((table: any) =>
        table.rows.some((row: any) => row.series.some((entry: any) => entry.riskRatio !== null)),
      ),
    ).toBe(true);

    const listed = await getJson(stack, analyst, "/reports?limit=200");
    const item = listed.json.items.find((entry: any) => entry.reportId === made.json.reportId);
    expect(item).toMatchObject({ reportType: "trend", formats: ["json", "csv", "html"] });
    expect(listed.json.items.find((entry: any) => entry.reportType === "period")).toBeDefined();

    const csv = await fetch(`${stack.url}/reports/${made.json.reportId}?format=csv`, {
      headers: { authorization: `Bearer ${analyst}` },
    });
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect((await csv.text()).split("\r\n")[0]).toMatch(/^decisionPoint,dimension,group,period,/);
    const html = await fetch(`${stack.url}/reports/${made.json.reportId}?format=html`, {
      headers: { authorization: `Bearer ${analyst}` },
    });
    expect(html.headers.get("content-security-policy")).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    );
    expect(await html.text()).toContain("over time");
    // The board never sees an internal trend.
    expect((await getJson(stack, board, `/reports/${made.json.reportId}`)).status).toBe(404);
  }, 180_000);
});

describe("the report CLI against the stack", () => {
  it("uploads each year's rows of one enrollment file and prints the stack's trend", async () => {
    const enrollmentFile = join(dataDir, "years.csv");
    writeFileSync(enrollmentFile, trendEnrollmentCsv(YEARS));
    const run = await runCommand("cli/report.ts", [
      "--trend",
      "--school-years",
      YEARS.join(","),
      "--partition",
      "quarter",
      "--min-cell",
      "3",
      "--min-n",
      "10",
      "--enrollment",
      enrollmentFile,
      "--url",
      stack.url,
      "--data-dir",
      dataDir,
    ]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const fromCli = JSON.parse(run.stdout);
    expect(fromCli).toMatchObject({
      reportType: "trend",
      partition: "quarter",
      schoolYears: YEARS,
    });
    const made = await postReport(analyst, {
      reportType: "trend",
      schoolYears: YEARS,
      partition: "quarter",
      minCell: 3,
      minN: 10,
    });
    const fromApi = await readJson(analyst, made.json.reportId);
    expect(fromCli.tables).toEqual(fromApi.tables);
    expect(fromCli.indicators).toEqual(fromApi.indicators);
  }, 120_000);
});

describe("public trends", () => {
  it("are refused, publishing nothing, where a period is not yet publishable or a rule would be broken", async () => {
    for (const [body, path] of [
      [{ schoolYears: ["2024-25", "2025-26", "2026-27"] }, "to"],
      [{ schoolYears: YEARS, minCell: 5 }, "minCell"],
      [{ schoolYears: YEARS, persistenceYears: 2 }, "persistenceYears"],
      [{ schoolYears: YEARS, partition: "year" }, "partition"],
      [{ schoolYears: YEARS, schoolId: "X1" }, "schoolId"],
      [{ schoolYears: ["2023-24", "2025-26"] }, "schoolYears"],
      // An unknown field is named by the error's message, never echoed as a path.
      [{ schoolYears: YEARS, from: "2023-07-01" }, "$"],
    ] as const) {
      const refused = await postReport(analyst, { reportType: "trend", public: true, ...body });
      expect(refused.status).toBe(400);
      expect(refused.json.error.details.map((detail: any) => detail.path)).toContain(path);
    }
    const byBoard = await postReport(board, {
      reportType: "trend",
      public: true,
      schoolYears: YEARS,
    });
    expect(byBoard.status).toBe(403);
    const unknownType = await postReport(analyst, { reportType: "summary", schoolYear: "2025-26" });
    expect(unknownType.status).toBe(400);
    for (const year of [...YEARS, "2026-27"])
      expect(await getReportEntry(publicId(year))).toBeUndefined();
  }, 60_000);

  it("copy each published period, publishing the due ones first, once, whoever asks at the same time", async () => {
    const first = await postReport(analyst, { schoolYear: "2024-25", public: true });
    expect(first.status).toBe(201);
    const published = await getReportEntry(publicId("2024-25"));

    const analysts = await Promise.all(
      [2, 3, 4].map((n) => tokenFor(stack, "district_analyst", `analyst-${n}`)),
    );
    const [answers] = await Promise.all([
      Promise.all(
        analysts.map((token) =>
          postReport(token, { reportType: "trend", public: true, schoolYears: YEARS }),
        ),
      ),
      // The schedule produces the same trend this year: the last year's report is due.
      stack.runReportSchedule(),
    ]);
    for (const answer of answers) {
      expect([200, 201]).toContain(answer.status);
      expect(answer.json).toMatchObject({ reportId: TREND_ID, reportType: "trend", public: true });
    }
    expect(answers.filter((answer) => answer.status === 201).length).toBeLessThanOrEqual(1);
    // The period published before the trend is the one it copies, unchanged.
    expect(await getReportEntry(publicId("2024-25"))).toEqual(published);

    const boardList = await getJson(stack, board, "/reports?limit=200");
    const ids = boardList.json.items.map((item: any) => item.reportId);
    expect([...ids].sort()).toEqual([...YEARS.map(publicId), TREND_ID].sort());
    for (const item of boardList.json.items) expect(item).not.toHaveProperty("requestedBy");

    const trend = await readJson(board, TREND_ID);
    const periods = await Promise.all(YEARS.map((year) => readJson(board, publicId(year))));
    expectSeriesOf(trend, periods);
    expect(trend.parameters).toMatchObject({ public: true, minCell: 10, persistenceYears: 3 });
    for (const [index, period] of trend.activities.entries()) {
      expect(period).toEqual({ period: YEARS[index], ...periods[index].activities });
      expect(period).not.toHaveProperty("bySchool");
    }
    // Nothing from 1 to minCell - 1 anywhere in the trend.
    for (const table of trend.tables) {
      for (const row of table.rows) {
        for (const entry of row.series) {
          expect(entry.students === null || entry.students === 0 || entry.students >= 10).toBe(
            true,
          );
        }
      }
    }

    // Asked again, the trend and every period stay as they are.
    const before = await Promise.all(
      [TREND_ID, ...YEARS.map(publicId)].map((id) => getReportEntry(id)),
    );
    const again = await postReport(analyst, {
      reportType: "trend",
      public: true,
      schoolYears: YEARS,
    });
    expect(again.status).toBe(200);
    await stack.runReportSchedule();
    expect(
      await Promise.all([TREND_ID, ...YEARS.map(publicId)].map((id) => getReportEntry(id))),
    ).toEqual(before);
    const html = await fetch(`${stack.url}/reports/${TREND_ID}?format=html`, {
      headers: { authorization: `Bearer ${board}` },
    });
    expect(html.status).toBe(200);
    expect(await html.text()).toContain("Public report: small numbers hidden");
  }, 240_000);
});
