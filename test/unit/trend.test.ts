import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RedactedIncident } from "../../shared/privacy/redact.ts";
import { DIMENSIONS } from "../../shared/report/definitions.ts";
import { type Report, ReportAccumulator } from "../../shared/report/engine.ts";
import { type Enrollment, parseEnrollmentCsv } from "../../shared/report/enrollment.ts";
import { ReportInputError, reportRequest } from "../../shared/report/request.ts";
import {
  assembleTrend,
  changeOf,
  persistentOf,
  progressOf,
  TrendAccumulator,
  type TrendReport,
  type TrendRequest,
  trendPeriods,
  trendRequest,
} from "../../shared/report/trend.ts";
import { trendCsv } from "../../shared/report/trend-csv.ts";
import { attackReport } from "../support/differencing-attacker.ts";
import {
  type StudentSpec,
  studentSpecFields,
  subjectIncident,
} from "../support/subject-incident.ts";

const YEARS = ["2023-24", "2024-25", "2025-26"] as const;
const RACES = [
  ["asian"],
  ["black"],
  ["hispanic_latino"],
  ["white"],
  ["black", "white"],
  ["not_recorded"],
] as const;
const CATEGORIES = ["disruption", "other", "mental_health_crisis"] as const;

/** 2023-07-01 to 2026-06-30 and a little beyond on both ends, in the district's zone or not. */
const SPAN_START = Date.parse("2023-06-28T00:00:00Z");
const SPAN_END = Date.parse("2026-07-03T00:00:00Z");

interface IncidentSpec extends StudentSpec {
  at: number;
  school: number;
  category: number;
  student: number;
  age: number | null;
}

const incidentOf = (spec: IncidentSpec): RedactedIncident =>
  subjectIncident({
    occurredAt: new Date(spec.at).toISOString(),
    schoolId: spec.school === 0 ? "S1" : "S2",
    category: CATEGORIES[spec.category]!,
    // A small pool of keyed students, so that students recur across periods.
    studentKey: `k${String(spec.student).padStart(63, "0")}`,
    student: spec,
    races: RACES,
    age: spec.age,
  });

const incidentSpec: fc.Arbitrary<IncidentSpec> = fc.record({
  at: fc.integer({ min: SPAN_START, max: SPAN_END }),
  school: fc.integer({ min: 0, max: 1 }),
  category: fc.integer({ min: 0, max: CATEGORIES.length - 1 }),
  student: fc.integer({ min: 0, max: 60 }),
  ...studentSpecFields(RACES.length, [0, 1]),
  age: fc.option(fc.integer({ min: 5, max: 18 })),
});

/** One enrollment file for all years, as the CLI takes it; each year's numbers differ. */
const enrollmentText = (() => {
  const lines = ["schoolYear,schoolId,dimension,group,enrollment"];
  YEARS.forEach((year, yearIndex) => {
    for (const school of ["S1", "S2"]) {
      for (const dimension of DIMENSIONS) {
        let sum = 0;
        dimension.groups.forEach((group, index) => {
          const count = 40 + 10 * yearIndex + index * 7;
          sum += count;
          lines.push(`${year},${school},${dimension.name},${group},${count}`);
        });
        // Every dimension sums to the same total, as real enrollment does.
        lines.push(`${year},${school},${dimension.name},not_reported,${1000 - sum}`);
      }
    }
  });
  return lines.join("\n");
})();
const enrollments = new Map<string, Enrollment>(
  YEARS.map((year) => [year, parseEnrollmentCsv(enrollmentText, year, "ignore")]),
);

const trendOf = (request: TrendRequest, incidents: readonly RedactedIncident[]) => {
  const accumulator = new TrendAccumulator(request);
  for (const incident of incidents) accumulator.add(incident);
  return { accumulator, sources: accumulator.reports(enrollments) };
};

/** The period report of one period, run on its own exactly as POST /reports or the CLI would. */
const periodReport = (
  request: TrendRequest,
  period: { schoolYear: string; from: string; to: string },
  incidents: readonly RedactedIncident[],
) => {
  const { persistenceYears: _p, ...parameters } = request.parameters;
  const accumulator = new ReportAccumulator(
    reportRequest({
      schoolYear: period.schoolYear,
      from: period.from,
      to: period.to,
      ...(request.scope.level === "school" ? { schoolId: request.scope.schoolId } : {}),
      ...parameters,
      partition: request.partition,
    }),
  );
  for (const incident of incidents) accumulator.add(incident);
  return accumulator.report(enrollments.get(period.schoolYear)!);
};

const parametersArbitrary = fc.record({
  schoolYears: fc.constantFrom([...YEARS], [YEARS[0], YEARS[1]], [YEARS[1], YEARS[2]]),
  partition: fc.constantFrom("year", "semester", "quarter"),
  minCell: fc.integer({ min: 1, max: 6 }),
  minN: fc.integer({ min: 1, max: 60 }),
  riskRatioThreshold: fc.constantFrom(0.5, 1, 1.5, 2),
  confidenceLevel: fc.constantFrom(0.9, 0.95),
  timeZone: fc.constantFrom("America/Los_Angeles", "America/New_York", "UTC"),
  persistenceYears: fc.integer({ min: 1, max: 3 }),
  school: fc.boolean(),
  public: fc.boolean(),
});

describe("trend series", () => {
  it("gives, in every entry, what the period report of that period gives (random data and parameters)", () => {
    fc.assert(
      fc.property(
        fc.array(incidentSpec, { maxLength: 120 }),
        parametersArbitrary,
        (specs, { school, ...input }) => {
          const incidents = specs.map(incidentOf);
          const isPublic = input.public && !school;
          const request = trendRequest({
            ...input,
            public: isPublic,
            ...(school && !isPublic ? { schoolId: "S1" } : {}),
          });
          const { sources } = trendOf(request, incidents);
          const trend = assembleTrend(request, sources, null);
          expect(trend.periods.map((period) => period.label)).toEqual(
            trendPeriods(input.schoolYears, request.partition).map((period) => period.label),
          );
          request.periods.forEach((period, index) => {
            const alone = periodReport(request, period, incidents);
            const { period: _label, ...indicators } = trend.indicators[index]!;
            expect(indicators).toEqual(alone.indicators);
            alone.tables.forEach((table, tableIndex) => {
              const trendTable = trend.tables[tableIndex]!;
              expect([trendTable.decisionPoint, trendTable.dimension]).toEqual([
                table.decisionPoint,
                table.dimension,
              ]);
              table.rows.forEach((row, rowIndex) => {
                const entry = trendTable.rows[rowIndex]!.series[index]!;
                expect(entry).toEqual({
                  period: period.label,
                  enrollment: row.enrollment,
                  students: row.students,
                  risk: row.risk,
                  riskRatio: row.riskRatio,
                  riskRatioNote: row.riskRatioNote,
                  ciLow: row.ciLow,
                  ciHigh: row.ciHigh,
                  exceedsThreshold: row.exceedsThreshold,
                  flagged: row.flagged,
                  suppressed: row.suppressed,
                });
              });
            });
          });
          // Persistent and progress read the whole years, each as its own report would.
          const wholeYears =
            isPublic && request.partition !== "year"
              ? null
              : request.schoolYears.map((schoolYear) =>
                  periodReport(
                    request,
                    {
                      schoolYear,
                      from: `${schoolYear.slice(0, 4)}-07-01`,
                      to: `${Number(schoolYear.slice(0, 4)) + 1}-06-30`,
                    },
                    incidents,
                  ),
                );
          trend.tables.forEach((table, tableIndex) => {
            table.rows.forEach((row, rowIndex) => {
              const years = wholeYears?.map((report) => report.tables[tableIndex]!.rows[rowIndex]!);
              expect(row.persistent).toBe(
                years ? persistentOf(years, request.parameters.persistenceYears) : null,
              );
              expect(row.progress).toBe(years ? progressOf(years) : null);
              expect(row.change).toBe(changeOf(row.series));
            });
          });
        },
      ),
      { numRuns: Number(process.env.TREND_RUNS ?? 40) },
    );
  });
});

/** A report with one table of one row per given ratio: enough for assembleTrend's flags. */
const yearReport = (riskRatio: number | null, threshold = 2): Report =>
  ({
    tables: [
      {
        decisionPoint: "arrest",
        dimension: "disability",
        totalStudents: 0,
        notRecorded: 0,
        rows: [
          {
            group: "yes",
            enrollment: 100,
            students: 10,
            risk: 0.1,
            riskRatio,
            riskRatioNote: riskRatio === null ? "below_min_cell" : null,
            ciLow: null,
            ciHigh: null,
            exceedsThreshold: riskRatio !== null && riskRatio > threshold,
            flagged: false,
            suppressed: false,
          },
        ],
      },
    ],
    indicators: {},
    activities: null,
  }) as unknown as Report;

const handTrend = (ratios: Array<number | null>, persistenceYears = 3, partition = "year") => {
  const schoolYears = ratios.map(
    (_, index) => `${2020 + index}-${String((21 + index) % 100).padStart(2, "0")}`,
  );
  const request = trendRequest({ schoolYears, persistenceYears, partition });
  const reports = ratios.map((ratio) => yearReport(ratio));
  return assembleTrend(request, { periods: reports, years: reports }, null).tables[0]!.rows[0]!;
};

describe("change, persistent and progress, by hand", () => {
  it.each([
    [[1.5, 2.5], 1],
    [[3, 2.5, 2], -1],
    [[null, 2.5, 3], null],
    [[2, 2.5, null], null],
    [[2, 2], 0],
  ] as const)("change of %j is %j", (ratios, change) => {
    expect(handTrend([...ratios]).change).toBe(change);
  });

  it.each([
    // Each of the last three above 2 (strictly).
    [[2.1, 2.5, 3], 3, true],
    // Exactly at the threshold is not above it.
    [[2.1, 2, 3], 3, false],
    // A year with no ratio (too few students, or hidden) does not exceed.
    [[2.5, null, 3], 3, false],
    // Only the last persistenceYears count: the earlier dip is outside them.
    [[1, 2.5, 3], 2, true],
    [[1, 2.5, 3], 3, false],
    [[3, 3, 1.5], 1, false],
    [[3, 3, 2.01], 1, true],
    // Fewer whole years than persistenceYears.
    [[3, 3], 3, false],
  ] as const)("persistent of %j over %i years is %j", (ratios, years, persistent) => {
    expect(handTrend([...ratios], years).persistent).toBe(persistent);
  });

  it.each([
    [[3, 2.5, 2], true],
    // A tie is not a fall.
    [[3, 2.5, 2.5], false],
    [[2.5, 2.5, 2], false],
    // Only the two most recent steps count.
    [[1, 3, 2.5, 2], true],
    [[3, 2.5, 2, 2.2], false],
    [[null, 2.5, 2], false],
    [[3, null, 2], false],
    [[3, 2.5, null], false],
    // Fewer than three years.
    [[3, 2], false],
  ] as const)("progress of %j is %j", (ratios, progress) => {
    expect(handTrend([...ratios]).progress).toBe(progress);
  });

  it("reads the whole years, not the last periods, for a trend by semester", () => {
    const request = trendRequest({
      schoolYears: ["2023-24", "2024-25", "2025-26"],
      partition: "semester",
    });
    // Every semester above the threshold, every whole year below it: not persistent.
    const semesters = request.periods.map(() => yearReport(3));
    const years = request.schoolYears.map(() => yearReport(1.5));
    const row = assembleTrend(request, { periods: semesters, years }, null).tables[0]!.rows[0]!;
    expect(row.series.map((entry) => entry.period)).toEqual([
      "2023-24 S1",
      "2023-24 S2",
      "2024-25 S1",
      "2024-25 S2",
      "2025-26 S1",
      "2025-26 S2",
    ]);
    expect(row.persistent).toBe(false);
    expect(row.change).toBe(0);
  });

  it("counts a year exactly at the threshold as not exceeding it, from real data", () => {
    // Disability yes: 20 of 100 enrolled; no: 10 of 100. Risk ratio 0.2 / 0.1 = 2 exactly.
    const lines = ["schoolYear,schoolId,dimension,group,enrollment"];
    for (const year of YEARS) {
      lines.push(`${year},S1,disability,yes,100`, `${year},S1,disability,no,100`);
      for (const dimension of ["raceEthnicity", "gender", "englishLearner", "gradeBand"]) {
        lines.push(`${year},S1,${dimension},not_reported,200`);
      }
    }
    const byYear = new Map(
      YEARS.map((year) => [year, parseEnrollmentCsv(lines.join("\n"), year, "ignore")]),
    );
    const incidents: RedactedIncident[] = [];
    YEARS.forEach((year, yearIndex) => {
      const date = `${Number(year.slice(0, 4)) + 1}-02-0${yearIndex + 1}T18:00:00Z`;
      for (let index = 0; index < 30; index++) {
        incidents.push(
          incidentOf({
            at: Date.parse(date),
            school: 0,
            category: 1,
            student: 1000 * yearIndex + index,
            race: 0,
            gender: 0,
            disability: index < 20 ? 0 : 1,
            englishLearner: 0,
            grade: 3,
            actions: [],
            age: null,
          }),
        );
      }
    });
    const flags = (riskRatioThreshold: number) => {
      const request = trendRequest({
        schoolYears: [...YEARS],
        riskRatioThreshold,
        minCell: 5,
        minN: 30,
      });
      const accumulator = new TrendAccumulator(request);
      for (const incident of incidents) accumulator.add(incident);
      const trend = assembleTrend(request, accumulator.reports(byYear), null);
      const row = trend.tables
        .find((table) => table.decisionPoint === "contact" && table.dimension === "disability")!
        .rows.find((candidate) => candidate.group === "yes")!;
      return { ratios: row.series.map((entry) => entry.riskRatio), persistent: row.persistent };
    };
    expect(flags(2)).toEqual({ ratios: [2, 2, 2], persistent: false });
    expect(flags(1.99).persistent).toBe(true);
  });
});

/** Every number a JSON value holds, with where it sits. */
const numbersIn = (value: unknown, out: number[] = []): number[] => {
  if (typeof value === "number") out.push(value);
  else if (Array.isArray(value)) for (const item of value) numbersIn(item, out);
  else if (value && typeof value === "object")
    for (const item of Object.values(value)) numbersIn(item, out);
  return out;
};

describe("public trends", () => {
  const publicTrend = (specs: IncidentSpec[], partition: string, minCell: number) => {
    const incidents = specs.map(incidentOf);
    const request = trendRequest({
      schoolYears: [...YEARS],
      partition,
      public: true,
      minCell,
      minN: 20,
    });
    const { sources } = trendOf(request, incidents);
    const truths = request.periods.map((period) =>
      periodReport(
        { ...request, parameters: { ...request.parameters, public: false } },
        period,
        incidents,
      ),
    );
    return {
      request,
      trend: assembleTrend(request, sources, null),
      publications: sources.periods,
      truths,
    };
  };

  it("publishes no small cell, nothing its periods' publications do not, and no hidden cell an attacker can pin", () => {
    fc.assert(
      fc.property(
        fc.array(incidentSpec, { maxLength: 150 }),
        fc.constantFrom("year", "semester", "quarter"),
        fc.integer({ min: 3, max: 8 }),
        (specs, partition, minCell) => {
          const { request, trend, publications, truths } = publicTrend(specs, partition, minCell);
          for (const table of trend.tables) {
            for (const row of table.rows) {
              for (const entry of row.series) {
                if (entry.students !== null) {
                  expect(entry.students === 0 || entry.students >= minCell).toBe(true);
                }
                if (entry.suppressed) {
                  expect([
                    entry.students,
                    entry.risk,
                    entry.riskRatio,
                    entry.ciLow,
                    entry.ciHigh,
                  ]).toEqual([null, null, null, null, null]);
                }
              }
              // Whole years are not published periods of a finer partition: no flag reads them.
              if (request.partition !== "year") {
                expect([row.persistent, row.progress]).toEqual([null, null]);
              }
            }
          }
          // The trend adds no number of its own beyond `change`, a difference of two published ratios.
          const published = new Set(publications.flatMap((publication) => numbersIn(publication)));
          const { tables, indicators } = trend;
          const rowsWithoutChange = tables.map((table) =>
            table.rows.map(({ change: _change, ...row }) => row),
          );
          const own = numbersIn([rowsWithoutChange, indicators]).filter(
            (value) =>
              !published.has(value) &&
              !request.schoolYears.some((year) => year.includes(String(value))),
          );
          expect(own).toEqual([]);
          // Each period is a publication of its own: no hidden small cell can be pinned in it.
          publications.forEach((publication, index) => {
            const truth = truths[index]!;
            const pinned = attackReport(publication, truth).filter((finding) => {
              const value = truth.tables
                .find(
                  (t) =>
                    t.decisionPoint === finding.decisionPoint && t.dimension === finding.dimension,
                )!
                .rows.find((r) => r.group === finding.group)!.students!;
              return finding.possible.length < 2 && value < minCell;
            });
            expect(pinned).toEqual([]);
          });
        },
      ),
      { numRuns: Number(process.env.TREND_PUBLIC_RUNS ?? 30) },
    );
  });

  it("derives persistent and progress by year from the published whole years only", () => {
    const specs = Array.from(
      { length: 90 },
      (_, index): IncidentSpec => ({
        at: Date.parse(`${2023 + (index % 3)}-11-15T18:00:00Z`),
        school: 0,
        category: 0,
        student: index,
        race: index % 4 === 0 ? 1 : 3,
        gender: 0,
        disability: 1,
        englishLearner: 1,
        grade: 3,
        actions: [3],
        age: 15,
      }),
    );
    const { trend, publications } = publicTrend(specs, "year", 3);
    trend.tables.forEach((table, tableIndex) => {
      table.rows.forEach((row, rowIndex) => {
        const years = publications.map(
          (publication) => publication.tables[tableIndex]!.rows[rowIndex]!,
        );
        expect(row.persistent).toBe(persistentOf(years, 3));
        expect(row.progress).toBe(progressOf(years));
      });
    });
  });
});

describe("trend requests", () => {
  it.each([
    [{ schoolYears: ["2025-26"] }, "schoolYears"],
    [
      {
        schoolYears: Array.from(
          { length: 11 },
          (_, i) => `${2010 + i}-${String(11 + i).padStart(2, "0")}`,
        ),
      },
      "schoolYears",
    ],
    [{ schoolYears: ["2023-24", "2025-26"] }, "schoolYears"],
    [{ schoolYears: ["2025-26", "2024-25"] }, "schoolYears"],
    [{ schoolYears: ["2024-25", "2024-25"] }, "schoolYears"],
    [{ schoolYears: ["2024-26", "2025-27"] }, "schoolYear"],
    [{ schoolYears: "2024-25,2025-26" }, "schoolYears"],
    [{ schoolYears: [2024, 2025] }, "schoolYears"],
    [{ schoolYears: ["2024-25", "2025-26"], persistenceYears: 0 }, "persistenceYears"],
    [{ schoolYears: ["2024-25", "2025-26"], persistenceYears: 4 }, "persistenceYears"],
    [{ schoolYears: ["2024-25", "2025-26"], persistenceYears: 2.5 }, "persistenceYears"],
    [{ schoolYears: ["2024-25", "2025-26"], partition: "month" }, "partition"],
    [{ schoolYears: ["2024-25", "2025-26"], public: true, schoolId: "S1" }, "schoolId"],
    [{ schoolYears: ["2024-25", "2025-26"], minCell: 0 }, "minCell"],
  ])("refuses %j (field %s)", (input, field) => {
    let caught: unknown;
    try {
      trendRequest(input as never);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ReportInputError);
    expect((caught as ReportInputError).field).toBe(field);
  });

  it("refuses any hostile value with a ReportInputError that never quotes it", () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            schoolYears: fc.oneof(
              fc.anything(),
              fc.array(fc.string({ maxLength: 40 }), { maxLength: 12 }),
            ),
            partition: fc.oneof(fc.string({ maxLength: 30 }), fc.anything()),
            persistenceYears: fc.anything(),
            schoolId: fc.string({ maxLength: 40 }),
            timeZone: fc.string({ maxLength: 40 }),
          },
          { requiredKeys: [] },
        ),
        (input) => {
          try {
            trendRequest(input);
          } catch (error) {
            expect(error).toBeInstanceOf(ReportInputError);
            const message = (error as Error).message;
            for (const value of [input.partition, input.schoolId, input.timeZone]) {
              if (typeof value === "string" && value.length > 3 && !/^[a-z ,.]+$/i.test(value)) {
                expect(message).not.toContain(value);
              }
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("labels semesters and quarters as section 9 does", () => {
    expect(trendPeriods(["2023-24"], "quarter")).toEqual([
      { label: "2023-24 Q1", schoolYear: "2023-24", from: "2023-07-01", to: "2023-09-30" },
      { label: "2023-24 Q2", schoolYear: "2023-24", from: "2023-10-01", to: "2023-12-31" },
      { label: "2023-24 Q3", schoolYear: "2023-24", from: "2024-01-01", to: "2024-03-31" },
      { label: "2023-24 Q4", schoolYear: "2023-24", from: "2024-04-01", to: "2024-06-30" },
    ]);
  });
});

describe("trend CSV", () => {
  it("writes one line per row and period, nulls as empty cells, the row's flags on each", () => {
    const request = trendRequest({ schoolYears: ["2024-25", "2025-26"] });
    const reports = [yearReport(1.5), yearReport(null)];
    const trend: TrendReport = assembleTrend(request, { periods: reports, years: reports }, null);
    expect(trendCsv(trend).split("\r\n")).toEqual([
      "decisionPoint,dimension,group,period,enrollment,students,risk,riskRatio,riskRatioNote,ciLow,ciHigh,exceedsThreshold,flagged,suppressed,change,persistent,progress",
      "arrest,disability,yes,2024-25,100,10,0.1,1.5,,,,false,false,false,,false,false",
      "arrest,disability,yes,2025-26,100,10,0.1,,below_min_cell,,,false,false,false,,false,false",
      "",
    ]);
  });
});
