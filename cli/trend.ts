import { type Enrollment, parseEnrollmentCsv } from "../shared/report/enrollment.ts";
import { ReportInputError } from "../shared/report/request.ts";
import {
  assembleTrend,
  type TrendRequest,
  type TrendRequestInput,
  type TrendSources,
  trendRequest,
} from "../shared/report/trend.ts";
import { trendCsv } from "../shared/report/trend-csv.ts";
import { trendHtml } from "../shared/report/trend-html.ts";
import { trendJson } from "../shared/report/trend-run.ts";

/**
 * The trend from the report CLI (contracts section 9): `--trend
 * --school-years 2023-24,2024-25,2025-26 [--partition P]
 * [--persistence-years N]`, with one enrollment file holding each year's rows.
 */
export const TREND_OPTIONS = {
  trend: { type: "boolean" },
  "school-years": { type: "string" },
  "persistence-years": { type: "string" },
} as const;

type Flags = Record<string, string | boolean | undefined>;

/**
 * The trend request of the flags, or undefined without --trend;
 * `parameters` are the period flags, read as a period request reads them.
 */
export const trendFromFlags = (
  values: Flags,
  parameters: Omit<TrendRequestInput, "schoolYears" | "persistenceYears">,
  refuse: (message: string) => never,
): TrendRequest | undefined => {
  if (values.trend !== true) {
    for (const flag of ["school-years", "persistence-years"]) {
      if (values[flag] !== undefined) refuse(`--${flag} goes with --trend`);
    }
    return undefined;
  }
  for (const flag of ["school-year", "from", "to"]) {
    if (values[flag] !== undefined)
      refuse(`--${flag} does not go with --trend; use --school-years`);
  }
  if (typeof values["school-years"] !== "string") {
    refuse("--trend needs --school-years, like 2023-24,2024-25,2025-26");
  }
  const persistence = values["persistence-years"];
  if (persistence !== undefined && !/^\d{1,2}$/.test(String(persistence))) {
    refuse("--persistence-years must be a whole number from 1 to 3");
  }
  try {
    return trendRequest({
      ...parameters,
      schoolYears: String(values["school-years"]).split(","),
      persistenceYears: persistence === undefined ? undefined : Number(persistence),
    });
  } catch (error) {
    return refuse(
      error instanceof ReportInputError ? `${error.message} (${error.field})` : "invalid request",
    );
  }
};

/** Each year's enrollment from the one file; a year with no rows is refused by name. */
export const trendEnrollments = (
  trend: TrendRequest,
  text: string,
  refuse: (message: string) => never,
): Map<string, Enrollment> => {
  const enrollments = new Map<string, Enrollment>();
  for (const schoolYear of trend.schoolYears) {
    let enrollment: Enrollment;
    try {
      enrollment = parseEnrollmentCsv(text, schoolYear, "ignore");
    } catch (error) {
      return refuse(`--enrollment ${error instanceof Error ? error.message : "invalid"}`);
    }
    if (enrollment.size === 0) refuse(`--enrollment has no rows for ${schoolYear}`);
    enrollments.set(schoolYear, enrollment);
  }
  return enrollments;
};

/** The trend in the chosen format; a file holds no activities, and no instant unless given. */
export const trendOutput = (
  trend: TrendRequest,
  sources: TrendSources,
  format: string,
  asOf: string | null,
): string => {
  const report = assembleTrend(trend, sources, asOf);
  return format === "csv"
    ? trendCsv(report)
    : format === "html"
      ? trendHtml(report)
      : trendJson(report);
};

/** One year's rows of a multi-year enrollment file, for the stack's one-year upload. */
export const enrollmentOfYear = (text: string, schoolYear: string): string => {
  const lines = text.split(/\r\n|\r|\n/);
  return [
    lines[0] ?? "",
    ...lines.slice(1).filter((line) => line.split(",")[0]?.trim() === schoolYear),
  ].join("\n");
};

/** The POST /reports body of a trend: a public one sets none of the district's parameters. */
export const trendBody = (trend: TrendRequest) => {
  const { parameters, scope } = trend;
  return {
    reportType: "trend",
    schoolYears: trend.schoolYears,
    ...(scope.level === "school" ? { schoolId: scope.schoolId } : {}),
    public: parameters.public,
    ...(parameters.public
      ? {}
      : {
          partition: trend.partition,
          minCell: parameters.minCell,
          minN: parameters.minN,
          riskRatioThreshold: parameters.riskRatioThreshold,
          confidenceLevel: parameters.confidenceLevel,
          timeZone: parameters.timeZone,
          routineDisciplineCategories: parameters.routineDisciplineCategories,
          persistenceYears: parameters.persistenceYears,
        }),
  };
};
