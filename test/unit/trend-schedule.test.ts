import { describe, expect, it } from "vitest";
import {
  checkDistrictReportSettings,
  type DistrictReportSettings,
} from "../../shared/report/api.ts";
import { parseEnrollmentCsv } from "../../shared/report/enrollment.ts";
import type { EntryOutcome, ReportEntry } from "../../shared/report/run.ts";
import { scheduledRequests } from "../../shared/report/schedule.ts";
import type { TrendReport } from "../../shared/report/trend.ts";
import { runTrend, type TrendPorts } from "../../shared/report/trend-run.ts";
import { scheduledTrend, scheduledTrendYears } from "../../shared/report/trend-schedule.ts";

const settings = (overrides: Partial<DistrictReportSettings> = {}): DistrictReportSettings => ({
  ...checkDistrictReportSettings(undefined, "America/Los_Angeles"),
  ...overrides,
});

const ALL = new Set(["2022-23", "2023-24", "2024-25", "2025-26"]);

describe("the scheduled yearly trend", () => {
  it("is due the day the last school year's report is due, in the district's calendar", () => {
    const district = settings();
    // 30 days after 2026-06-30: 2026-07-31 starts at 07:00 UTC in Los Angeles.
    expect(scheduledTrendYears(new Date("2026-07-31T06:59:00Z"), district)).toEqual([]);
    expect(scheduledTrendYears(new Date("2026-07-31T07:00:00Z"), district)).toEqual([
      "2023-24",
      "2024-25",
      "2025-26",
    ]);
    // All through the next school year, each run asks for the same trend (made once).
    expect(scheduledTrendYears(new Date("2027-06-30T12:00:00Z"), district)).toEqual([
      "2023-24",
      "2024-25",
      "2025-26",
    ]);
    // A new school year looks at the year just ended, not yet due in mid-July.
    expect(scheduledTrendYears(new Date("2027-07-15T12:00:00Z"), district)).toEqual([]);
    expect(
      scheduledTrendYears(
        new Date("2026-07-02T12:00:00Z"),
        settings({ partition: "quarter", publicationDelayDays: 0 }),
      ),
    ).toEqual(["2023-24", "2024-25", "2025-26"]);
  });

  it("starts at the oldest year of an unbroken run of enrolled years, and needs two", () => {
    const now = new Date("2026-09-01T12:00:00Z");
    const district = settings();
    const years = (enrolled: string[]) =>
      scheduledTrend(now, district, new Set(enrolled))?.trend.schoolYears;
    expect(years([...ALL])).toEqual(["2023-24", "2024-25", "2025-26"]);
    expect(years(["2024-25", "2025-26"])).toEqual(["2024-25", "2025-26"]);
    expect(years(["2023-24", "2025-26"])).toBeUndefined();
    expect(years(["2023-24", "2024-25"])).toBeUndefined();
    expect(years(["2025-26"])).toBeUndefined();
  });

  it("asks for exactly the public periods the schedule publishes, with the district's parameters", () => {
    const now = new Date("2026-09-01T12:00:00Z");
    const district = settings({ partition: "semester", minCell: 11, persistenceYears: 2 });
    const plan = scheduledTrend(now, district, ALL)!;
    expect(plan.trend.parameters).toMatchObject({ public: true, minCell: 11, persistenceYears: 2 });
    expect(plan.trend.partition).toBe("semester");
    const scheduled = scheduledRequests(now, [], district).filter(
      (request) => request.parameters.public && request.schoolYear === "2025-26",
    );
    expect(plan.publicPeriods.filter((request) => request.schoolYear === "2025-26")).toEqual(
      scheduled,
    );
    expect(
      plan.publicPeriods.map((request) => `${request.period.from}..${request.period.to}`),
    ).toEqual([
      "2023-07-01..2023-12-31",
      "2024-01-01..2024-06-30",
      "2024-07-01..2024-12-31",
      "2025-01-01..2025-06-30",
      "2025-07-01..2025-12-31",
      "2026-01-01..2026-06-30",
    ]);
  });

  it("publishes each missing period once, copies them, and makes the trend once however often it runs", async () => {
    const entries = new Map<string, ReportEntry>();
    const files = new Map<string, string>();
    const lines = ["schoolYear,schoolId,dimension,group,enrollment"];
    for (const year of ALL) {
      for (const dimension of [
        "raceEthnicity",
        "gender",
        "disability",
        "englishLearner",
        "gradeBand",
      ]) {
        lines.push(`${year},S1,${dimension},not_reported,50`);
      }
    }
    const text = lines.join("\n");
    const ports: TrendPorts = {
      loadEnrollment: async (year) => parseEnrollmentCsv(text, year, "ignore"),
      incidentsBetween: async function* () {},
      activitiesBetween: async function* () {},
      putFile: async (key, body) => {
        if (files.has(key)) throw new Error(`overwrote ${key}`);
        files.set(key, body);
      },
      putEntry: async (entry, absentIds): Promise<EntryOutcome> => {
        if (entries.has(entry.reportId)) return "exists";
        if (absentIds.some((id) => entries.has(id))) return "blocked";
        entries.set(entry.reportId, entry);
        return "created";
      },
      getEntry: async (reportId) => entries.get(reportId),
      getFile: async (key) => files.get(key),
      now: () => new Date("2026-09-01T12:00:00Z"),
    };
    const plan = scheduledTrend(new Date("2026-09-01T12:00:00Z"), settings(), ALL)!;
    const runs = await Promise.all(
      [1, 2, 3].map(() => runTrend(plan.trend, plan.publicPeriods, "schedule", "scheduler", ports)),
    );
    const ids = [...entries.keys()].sort();
    expect(ids).toEqual([
      "public-2023-24-2023-07-01-2024-06-30",
      "public-2024-25-2024-07-01-2025-06-30",
      "public-2025-26-2025-07-01-2026-06-30",
      "public-trend-2023-24-2025-26-year-p3",
    ]);
    expect(new Set(runs.map((run) => run.entry.files.json)).size).toBe(1);
    expect(runs.filter((run) => run.created)).toHaveLength(1);
    const trend = JSON.parse(files.get(runs[0]!.entry.files.json)!) as TrendReport;
    // Each series entry is the published period's row, read back from its file.
    const published = ["2023-24", "2024-25", "2025-26"].map((year) =>
      JSON.parse(
        files.get(
          entries.get(
            `public-${year}-${year.slice(0, 4)}-07-01-${Number(year.slice(0, 4)) + 1}-06-30`,
          )!.files.json,
        )!,
      ),
    );
    trend.tables.forEach((table, tableIndex) => {
      table.rows.forEach((row, rowIndex) => {
        row.series.forEach((entry, index) => {
          expect(entry.enrollment).toBe(
            published[index].tables[tableIndex].rows[rowIndex].enrollment,
          );
          expect(entry.students).toBe(published[index].tables[tableIndex].rows[rowIndex].students);
        });
      });
    });
    await runTrend(plan.trend, plan.publicPeriods, "schedule", "scheduler", ports);
    expect([...entries.keys()].sort()).toEqual(ids);
  });
});
