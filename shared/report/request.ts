import { CATEGORIES } from "../incident/schema.ts";
import { isCalendarDate, isKnownTimeZone } from "../time/zoned.ts";

/** A refused report request or input: HTTP 400, CLI exit code 2. The message names the field or line. */
export class ReportInputError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = "ReportInputError";
  }
}

export const PARTITIONS = ["year", "semester", "quarter"] as const;
export type Partition = (typeof PARTITIONS)[number];

export interface ReportParameters {
  minCell: number;
  minN: number;
  riskRatioThreshold: number;
  confidenceLevel: number;
  timeZone: string;
  public: boolean;
  /** Categories that, when staff call the officer in, count as routine discipline. */
  routineDisciplineCategories: string[];
}

export interface ReportRequest {
  schoolYear: string;
  period: { from: string; to: string };
  scope: { level: "district" } | { level: "school"; schoolId: string };
  parameters: ReportParameters;
  partition: Partition;
}

export const DEFAULT_PARAMETERS: ReportParameters = {
  minCell: 10,
  minN: 30,
  riskRatioThreshold: 2.0,
  confidenceLevel: 0.95,
  timeZone: "America/Los_Angeles",
  public: false,
  routineDisciplineCategories: ["disruption", "bullying_or_harassment"],
};

/** `2025-26` runs from 2025-07-01 to 2026-06-30. */
export const schoolYearBounds = (schoolYear: string) => {
  const match = /^(\d{4})-(\d{2})$/.exec(schoolYear);
  const start = Number(match?.[1]);
  // 9999-00 would end in a five-digit year, which no date parser reads.
  if (!match || start > 9998 || (start + 1) % 100 !== Number(match[2])) {
    throw new ReportInputError("The school year must look like 2025-26.", "schoolYear");
  }
  return { from: `${start}-07-01`, to: `${start + 1}-06-30` };
};

/** The periods of the publication partition: the only periods public reports may cover. */
export const partitionPeriods = (schoolYear: string, partition: Partition) => {
  const { from, to } = schoolYearBounds(schoolYear);
  const first = from.slice(0, 4);
  const second = to.slice(0, 4);
  switch (partition) {
    case "year":
      return [{ from, to }];
    case "semester":
      return [
        { from, to: `${first}-12-31` },
        { from: `${second}-01-01`, to },
      ];
    case "quarter":
      return [
        { from, to: `${first}-09-30` },
        { from: `${first}-10-01`, to: `${first}-12-31` },
        { from: `${second}-01-01`, to: `${second}-03-31` },
        { from: `${second}-04-01`, to },
      ];
  }
};

/**
 * The first calendar date on which a period may be published: `delayDays`
 * whole days after the day that follows its last date, so that corrections
 * to its incidents settle first.
 */
export const publishableFrom = (periodTo: string, delayDays: number): string =>
  new Date(Date.parse(`${periodTo}T00:00:00Z`) + (delayDays + 1) * 86_400_000)
    .toISOString()
    .slice(0, 10);

export interface ReportRequestInput {
  schoolYear?: unknown;
  from?: unknown;
  to?: unknown;
  schoolId?: unknown;
  public?: unknown;
  partition?: unknown;
  minCell?: unknown;
  minN?: unknown;
  riskRatioThreshold?: unknown;
  confidenceLevel?: unknown;
  timeZone?: unknown;
  routineDisciplineCategories?: unknown;
}

const integerAtLeastOne = (value: unknown, field: string): number => {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new ReportInputError(`${field} must be a whole number of at least 1.`, field);
  }
  return value;
};

const categoryList = (value: unknown, field: string): string[] => {
  const known: readonly string[] = CATEGORIES;
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    value.some((item) => typeof item !== "string" || !known.includes(item)) ||
    new Set(value).size !== value.length
  ) {
    throw new ReportInputError(
      `${field} must list one or more distinct incident categories.`,
      field,
    );
  }
  return [...value];
};

/** Checks every field of a report request, as the contract requires; defaults fill the rest. */
export const reportRequest = (input: ReportRequestInput): ReportRequest => {
  if (typeof input.schoolYear !== "string") {
    throw new ReportInputError("The school year is required, like 2025-26.", "schoolYear");
  }
  const year = schoolYearBounds(input.schoolYear);
  const date = (value: unknown, field: string, fallback: string) => {
    if (value === undefined) return fallback;
    if (typeof value !== "string" || !isCalendarDate(value)) {
      throw new ReportInputError(`${field} must be a date as YYYY-MM-DD.`, field);
    }
    if (value < year.from || value > year.to) {
      throw new ReportInputError(`${field} is outside the school year ${input.schoolYear}.`, field);
    }
    return value;
  };
  const from = date(input.from, "from", year.from);
  const to = date(input.to, "to", year.to);
  if (from > to) throw new ReportInputError("from must not be after to.", "from");

  let scope: ReportRequest["scope"] = { level: "district" };
  if (input.schoolId !== undefined) {
    if (typeof input.schoolId !== "string" || !/^[A-Za-z0-9-]{1,32}$/.test(input.schoolId)) {
      throw new ReportInputError(
        "The school id must be 1-32 letters, digits or hyphens.",
        "schoolId",
      );
    }
    scope = { level: "school", schoolId: input.schoolId };
  }

  const parameters: ReportParameters = {
    ...DEFAULT_PARAMETERS,
    routineDisciplineCategories: [...DEFAULT_PARAMETERS.routineDisciplineCategories],
  };
  if (input.routineDisciplineCategories !== undefined) {
    parameters.routineDisciplineCategories = categoryList(
      input.routineDisciplineCategories,
      "routineDisciplineCategories",
    );
  }
  if (input.minCell !== undefined) parameters.minCell = integerAtLeastOne(input.minCell, "minCell");
  if (input.minN !== undefined) parameters.minN = integerAtLeastOne(input.minN, "minN");
  if (input.riskRatioThreshold !== undefined) {
    const value = input.riskRatioThreshold;
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      throw new ReportInputError("The threshold must be a number above 0.", "riskRatioThreshold");
    }
    parameters.riskRatioThreshold = value;
  }
  if (input.confidenceLevel !== undefined) {
    const value = input.confidenceLevel;
    if (typeof value !== "number" || !(value > 0 && value < 1)) {
      throw new ReportInputError(
        "The confidence level must be between 0 and 1.",
        "confidenceLevel",
      );
    }
    parameters.confidenceLevel = value;
  }
  if (input.timeZone !== undefined) {
    if (
      typeof input.timeZone !== "string" ||
      !isKnownTimeZone(input.timeZone) ||
      input.timeZone.length > 64
    ) {
      throw new ReportInputError("The time zone must be a known IANA zone.", "timeZone");
    }
    parameters.timeZone = new Intl.DateTimeFormat("en-US", {
      timeZone: input.timeZone,
    }).resolvedOptions().timeZone;
  }
  if (input.public !== undefined) {
    if (typeof input.public !== "boolean")
      throw new ReportInputError("public must be true or false.", "public");
    parameters.public = input.public;
  }
  const partition = (input.partition ?? "year") as Partition;
  if (!PARTITIONS.includes(partition)) {
    throw new ReportInputError("The partition must be year, semester or quarter.", "partition");
  }
  if (parameters.public) {
    if (scope.level !== "district") {
      throw new ReportInputError("Public reports cover the whole district only.", "schoolId");
    }
    const allowed = partitionPeriods(input.schoolYear, partition);
    if (!allowed.some((period) => period.from === from && period.to === to)) {
      throw new ReportInputError(
        `A public report covers one period of the ${partition} partition: ${allowed.map((period) => `${period.from} to ${period.to}`).join(", ")}.`,
        "from",
      );
    }
  }
  return { schoolYear: input.schoolYear, period: { from, to }, scope, parameters, partition };
};
