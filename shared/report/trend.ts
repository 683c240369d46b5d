import { nextDate, startOfDay } from "../time/zoned.ts";
import type { DecisionPoint, DimensionName } from "./definitions.ts";
import { ReportAccumulator, type ReportInput } from "./engine.ts";
import type { Enrollment } from "./enrollment.ts";
import type { ActivitySummary, Indicators, Report, ReportRow, RiskRatioNote } from "./model.ts";
import {
  PARTITIONS,
  type Partition,
  partitionPeriods,
  ReportInputError,
  type ReportParameters,
  type ReportRequest,
  type ReportRequestInput,
  reportRequest,
  schoolYearBounds,
} from "./request.ts";

/**
 * The trend report (contracts section 9): every period of 2 to 10
 * consecutive school years, each period's values taken from that period's
 * report, as the engine or the publication made it, never recomputed here.
 */

export const MIN_TREND_YEARS = 2;
export const MAX_TREND_YEARS = 10;
export const DEFAULT_PERSISTENCE_YEARS = 3;
export const MAX_PERSISTENCE_YEARS = 3;

export interface TrendParameters extends ReportParameters {
  /** Consecutive whole years above the threshold that make a row persistent (34 CFR 300.647(d)(1)). */
  persistenceYears: number;
}

/** One period of the trend: its label and dates, and the school year whose enrollment it uses. */
export interface TrendPeriod {
  label: string;
  schoolYear: string;
  from: string;
  to: string;
}

export interface TrendRequest {
  schoolYears: string[];
  partition: Partition;
  periods: TrendPeriod[];
  scope: ReportRequest["scope"];
  parameters: TrendParameters;
}

export interface SeriesEntry {
  period: string;
  enrollment: number;
  students: number | null;
  risk: number | null;
  riskRatio: number | null;
  riskRatioNote: RiskRatioNote;
  ciLow: number | null;
  ciHigh: number | null;
  exceedsThreshold: boolean;
  flagged: boolean;
  suppressed: boolean;
}

export interface TrendRow {
  group: string;
  series: SeriesEntry[];
  change: number | null;
  /**
   * Null in a public trend whose partition is not the year: the whole-year
   * values it needs are not published, and a flag read from them would
   * disclose something of them.
   */
  persistent: boolean | null;
  progress: boolean | null;
}

export interface TrendTable {
  decisionPoint: DecisionPoint;
  dimension: DimensionName;
  rows: TrendRow[];
}

export interface TrendReport {
  reportVersion: 1;
  reportType: "trend";
  schoolYears: string[];
  partition: Partition;
  periods: Array<{ label: string; from: string; to: string }>;
  scope: ReportRequest["scope"];
  parameters: TrendParameters;
  asOf: string | null;
  tables: TrendTable[];
  indicators: Array<{ period: string } & Indicators>;
  /** Null where the periods' reports have none (the CLI from files reads no activities). */
  activities: Array<{ period: string } & ActivitySummary> | null;
}

const nextSchoolYear = (schoolYear: string) => {
  const start = Number(schoolYear.slice(0, 4)) + 1;
  return `${start}-${String((start + 1) % 100).padStart(2, "0")}`;
};

/** `2023-24`, `2023-24 S1`, `2023-24 Q3`: the labels of section 9. */
export const trendPeriods = (schoolYears: readonly string[], partition: Partition): TrendPeriod[] =>
  schoolYears.flatMap((schoolYear) =>
    partitionPeriods(schoolYear, partition).map((period, index, all) => ({
      label:
        all.length === 1
          ? schoolYear
          : `${schoolYear} ${partition === "semester" ? "S" : "Q"}${index + 1}`,
      schoolYear,
      ...period,
    })),
  );

/** A period request's input with a list of school years for its one year and no dates. */
export interface TrendRequestInput extends Omit<ReportRequestInput, "schoolYear" | "from" | "to"> {
  schoolYears?: unknown;
  persistenceYears?: unknown;
}

const schoolYearList = (value: unknown): string[] => {
  if (
    !Array.isArray(value) ||
    value.length < MIN_TREND_YEARS ||
    value.length > MAX_TREND_YEARS ||
    value.some((item) => typeof item !== "string")
  ) {
    throw new ReportInputError(
      `schoolYears must list ${MIN_TREND_YEARS} to ${MAX_TREND_YEARS} school years, like 2023-24.`,
      "schoolYears",
    );
  }
  const years = value as string[];
  for (const year of years) schoolYearBounds(year);
  years.forEach((year, index) => {
    if (index > 0 && year !== nextSchoolYear(years[index - 1]!)) {
      throw new ReportInputError(
        "schoolYears must be consecutive school years, oldest first.",
        "schoolYears",
      );
    }
  });
  return [...years];
};

export const persistenceYearsOf = (value: unknown): number => {
  if (value === undefined) return DEFAULT_PERSISTENCE_YEARS;
  if (
    typeof value !== "number" ||
    !Number.isInteger(value) ||
    value < 1 ||
    value > MAX_PERSISTENCE_YEARS
  ) {
    throw new ReportInputError(
      `persistenceYears must be a whole number from 1 to ${MAX_PERSISTENCE_YEARS}.`,
      "persistenceYears",
    );
  }
  return value;
};

/**
 * Checks a trend request field by field with the period report's own rules
 * (section 5's parameters, scope and public limits), then its years.
 */
export const trendRequest = (input: TrendRequestInput): TrendRequest => {
  const schoolYears = schoolYearList(input.schoolYears);
  const partition = (input.partition ?? "year") as Partition;
  if (!PARTITIONS.includes(partition)) {
    throw new ReportInputError("The partition must be year, semester or quarter.", "partition");
  }
  // The period rules, once per year and on a period of the partition: a
  // public trend is refused exactly where its public periods would be.
  const checked = schoolYears.map((schoolYear) =>
    reportRequest({
      schoolYear,
      ...partitionPeriods(schoolYear, partition)[0],
      schoolId: input.schoolId,
      public: input.public,
      partition: input.partition,
      minCell: input.minCell,
      minN: input.minN,
      riskRatioThreshold: input.riskRatioThreshold,
      confidenceLevel: input.confidenceLevel,
      timeZone: input.timeZone,
      routineDisciplineCategories: input.routineDisciplineCategories,
    }),
  );
  const first = checked[0]!;
  return {
    schoolYears,
    partition: first.partition,
    periods: trendPeriods(schoolYears, first.partition),
    scope: first.scope,
    parameters: {
      ...first.parameters,
      persistenceYears: persistenceYearsOf(input.persistenceYears),
    },
  };
};

/** The section-5 request of one period of the trend: what its own period report would be asked. */
export const periodRequest = (
  trend: TrendRequest,
  period: Pick<TrendPeriod, "schoolYear" | "from" | "to">,
): ReportRequest => {
  const { persistenceYears: _persistence, ...parameters } = trend.parameters;
  return {
    schoolYear: period.schoolYear,
    period: { from: period.from, to: period.to },
    scope: trend.scope,
    parameters: {
      ...parameters,
      routineDisciplineCategories: [...parameters.routineDisciplineCategories],
    },
    partition: trend.partition,
  };
};

/**
 * Whether whole-year reports are made beside the periods (persistent and
 * progress read them). A public trend cut finer than the year has none: the
 * whole year is not a published period.
 */
const yearReportsMade = (trend: TrendRequest) =>
  trend.partition !== "year" && !trend.parameters.public;

/**
 * The engine, once per period and once per whole year where the periods are
 * shorter, fed in one pass over the incidents: each accumulator keeps only
 * those of its own period, exactly as a period report's would.
 */
export class TrendAccumulator {
  private readonly periods: ReportAccumulator[];
  private readonly years: ReportAccumulator[];
  /** Each accumulator with its period as instants, so an incident goes only where it can count. */
  private readonly routes: Array<{ start: number; end: number; accumulator: ReportAccumulator }> =
    [];

  constructor(private readonly trend: TrendRequest) {
    const { timeZone } = trend.parameters;
    const routed = (period: { from: string; to: string }, accumulator: ReportAccumulator) => {
      this.routes.push({
        start: startOfDay(period.from, timeZone).getTime(),
        end: startOfDay(nextDate(period.to), timeZone).getTime(),
        accumulator,
      });
      return accumulator;
    };
    this.periods = trend.periods.map((period) =>
      routed(period, new ReportAccumulator(periodRequest(trend, period))),
    );
    this.years = yearReportsMade(trend)
      ? trend.schoolYears.map((schoolYear) => {
          const year = { schoolYear, ...schoolYearBounds(schoolYear) };
          return routed(year, new ReportAccumulator(periodRequest(trend, year)));
        })
      : [];
  }

  add(input: ReportInput): void {
    // Each accumulator checks its period again; this only spares it the others' incidents.
    const at = Date.parse("incident" in input ? input.incident.occurredAt : input.occurredAt);
    for (const { start, end, accumulator } of this.routes) {
      if (at >= start && at < end) accumulator.add(input);
    }
  }

  /** The period reports, and the whole-year reports (the same objects under the year partition). */
  reports(enrollments: ReadonlyMap<string, Enrollment>): TrendSources {
    const enrollmentOf = (schoolYear: string) => {
      const enrollment = enrollments.get(schoolYear);
      if (!enrollment) {
        throw new ReportInputError(`No enrollment for ${schoolYear}.`, "schoolYears");
      }
      return enrollment;
    };
    const periods = this.periods.map((accumulator, index) =>
      accumulator.report(enrollmentOf(this.trend.periods[index]!.schoolYear)),
    );
    const years =
      this.trend.partition === "year"
        ? periods
        : yearReportsMade(this.trend)
          ? this.years.map((accumulator, index) =>
              accumulator.report(enrollmentOf(this.trend.schoolYears[index]!)),
            )
          : null;
    return { periods, years };
  }
}

/** What a trend is assembled from: one report per period, and one per whole school year (or none). */
export interface TrendSources {
  periods: Report[];
  /** Null where the whole-year values may not be read: a public trend cut finer than the year. */
  years: Report[] | null;
}

const seriesEntry = (label: string, row: ReportRow): SeriesEntry => ({
  period: label,
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

/** Section 9's `change`: last minus first, where both ratios exist. */
export const changeOf = (series: readonly Pick<SeriesEntry, "riskRatio">[]): number | null => {
  const first = series[0]?.riskRatio ?? null;
  const last = series[series.length - 1]?.riskRatio ?? null;
  return first === null || last === null ? null : last - first;
};

/** Above the threshold in each of the last `persistenceYears` whole years; false with fewer years. */
export const persistentOf = (
  years: readonly Pick<ReportRow, "exceedsThreshold">[],
  persistenceYears: number,
): boolean =>
  years.length >= persistenceYears &&
  years.slice(-persistenceYears).every((year) => year.exceedsThreshold);

/** The whole-year ratio fell (strictly) in each of the last two year-over-year steps. */
export const progressOf = (years: readonly Pick<ReportRow, "riskRatio">[]): boolean => {
  if (years.length < 3) return false;
  const [a, b, c] = years.slice(-3).map((year) => year.riskRatio);
  return a != null && b != null && c != null && b < a && c < b;
};

/**
 * Assembles the trend from its periods' reports. Every number in it is one
 * of theirs, except `change` (a difference of two of them) and the two flags.
 */
export const assembleTrend = (
  trend: TrendRequest,
  sources: TrendSources,
  asOf: string | null,
): TrendReport => {
  const { periods, years } = sources;
  const tables = periods[0]!.tables.map(
    (table, tableIndex): TrendTable => ({
      decisionPoint: table.decisionPoint,
      dimension: table.dimension,
      rows: table.rows.map((row, rowIndex): TrendRow => {
        const rowOf = (report: Report) => report.tables[tableIndex]!.rows[rowIndex]!;
        const series = periods.map((report, index) =>
          seriesEntry(trend.periods[index]!.label, rowOf(report)),
        );
        const yearRows = years?.map(rowOf);
        return {
          group: row.group,
          series,
          change: changeOf(series),
          persistent: yearRows ? persistentOf(yearRows, trend.parameters.persistenceYears) : null,
          progress: yearRows ? progressOf(yearRows) : null,
        };
      }),
    }),
  );
  const activities = periods.every((report) => report.activities !== null)
    ? periods.map((report, index) => ({
        period: trend.periods[index]!.label,
        ...report.activities!,
      }))
    : null;
  return {
    reportVersion: 1,
    reportType: "trend",
    schoolYears: trend.schoolYears,
    partition: trend.partition,
    periods: trend.periods.map(({ label, from, to }) => ({ label, from, to })),
    scope: trend.scope,
    parameters: trend.parameters,
    asOf,
    tables,
    indicators: periods.map((report, index) => ({
      period: trend.periods[index]!.label,
      ...report.indicators,
    })),
    activities,
  };
};

/** The span of the whole trend, for one read of its incidents and activities. */
export const trendSpan = (trend: Pick<TrendRequest, "schoolYears">) => ({
  from: schoolYearBounds(trend.schoolYears[0]!).from,
  to: schoolYearBounds(trend.schoolYears[trend.schoolYears.length - 1]!).to,
});
