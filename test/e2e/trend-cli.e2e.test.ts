import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCommand } from "../support/cli.ts";
import { expectSeriesOf, trendEnrollmentCsv, trendEvents } from "../support/trend-data.ts";

const YEARS = ["2023-24", "2024-25", "2025-26"];
const dir = mkdtempSync(join(tmpdir(), "sro-trend-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const incidents = file(
  "incidents.ndjson",
  `${trendEvents(YEARS, 120)
    .map((event) => JSON.stringify(event))
    .join("\n")}\n`,
);
const enrollment = file("enrollment.csv", trendEnrollmentCsv(YEARS));
const common = [
  "--incidents",
  incidents,
  "--enrollment",
  enrollment,
  "--min-cell",
  "3",
  "--min-n",
  "10",
];
const report = (...args: string[]) => runCommand("cli/report.ts", args);

describe("npm run report -- --trend", () => {
  it("gives in every series entry what the CLI's own report of that period gives", async () => {
    const trendRun = await report(
      ...common,
      "--trend",
      "--school-years",
      YEARS.join(","),
      "--partition",
      "semester",
    );
    expect(trendRun.stderr).toBe("");
    expect(trendRun.status).toBe(0);
    const trend = JSON.parse(trendRun.stdout);
    expect(trend.periods.map((period: any) => period.label)).toEqual([
      "2023-24 S1",
      "2023-24 S2",
      "2024-25 S1",
      "2024-25 S2",
      "2025-26 S1",
      "2025-26 S2",
    ]);
    const periods = await Promise.all(
      trend.periods.map((period: any) =>
        report(
          ...common,
          "--school-year",
          period.label.slice(0, 7),
          "--from",
          period.from,
          "--to",
          period.to,
        ),
      ),
    );
    for (const run of periods) expect(run.status).toBe(0);
    expectSeriesOf(
      trend,
      periods.map((run) => JSON.parse(run.stdout)),
    );
    // The whole years decide persistent and progress, each as its own report says.
    const years = await Promise.all(YEARS.map((year) => report(...common, "--school-year", year)));
    const wholeYears = years.map((run) => JSON.parse(run.stdout));
    trend.tables.forEach((table: any, tableIndex: number) => {
      table.rows.forEach((row: any, rowIndex: number) => {
        const yearRows = wholeYears.map((year) => year.tables[tableIndex].rows[rowIndex]);
        expect(row.persistent).toBe(yearRows.every((year: any) => year.exceedsThreshold));
        const [a, b, c] = yearRows.map((year: any) => year.riskRatio);
        expect(row.progress).toBe(a !== null && b !== null && c !== null && b < a && c < b);
      });
    });
    expect(trend.activities).toBeNull();
    expect(trend.asOf).toBeNull();
  }, 120_000);

  it("writes CSV and the HTML page", async () => {
    const csv = await report(
      ...common,
      "--trend",
      "--school-years",
      "2024-25,2025-26",
      "--format",
      "csv",
    );
    expect(csv.status).toBe(0);
    const lines = csv.stdout.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "decisionPoint,dimension,group,period,enrollment,students,risk,riskRatio,riskRatioNote,ciLow,ciHigh,exceedsThreshold,flagged,suppressed,change,persistent,progress",
    );
    // 11 decision points; 8 + 3 + 2 + 2 + 3 groups; two periods each.
    expect(lines.length - 1).toBe(11 * 18 * 2);
    const html = await report(
      ...common,
      "--trend",
      "--school-years",
      "2024-25,2025-26",
      "--format",
      "html",
      "--public",
    );
    expect(html.status).toBe(0);
    expect(html.stdout).toContain("<main>");
    expect(html.stdout).toContain("Public report: small numbers hidden");
    expect(html.stdout).not.toMatch(/<script|https?:\/\//);
  }, 60_000);

  it.each([
    [["--trend"], /--school-years/],
    [["--school-years", "2024-25,2025-26"], /goes with --trend/],
    [["--trend", "--school-years", "2023-24,2025-26"], /consecutive/],
    [["--trend", "--school-years", "2025-26"], /2 to 10/],
    [
      ["--trend", "--school-years", "2024-25,2025-26", "--persistence-years", "4"],
      /persistenceYears/,
    ],
    [
      ["--trend", "--school-years", "2024-25,2025-26", "--persistence-years", "x"],
      /--persistence-years/,
    ],
    [
      ["--trend", "--school-years", "2024-25,2025-26", "--school-year", "2025-26"],
      /--school-year does not go/,
    ],
    [["--trend", "--school-years", "2024-25,2025-26", "--public", "--school", "X"], /district/],
    [["--trend", "--school-years", "2021-22,2022-23"], /no rows for 2021-22/],
  ])(
    "refuses %j with exit code 2",
    async (args, message) => {
      const run = await report(...common, ...args);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(message);
    },
    30_000,
  );
});
