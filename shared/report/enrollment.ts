import { CsvSyntaxError, readCsv } from "../csv.ts";
import { DIMENSIONS, type DimensionName, NOT_REPORTED } from "./definitions.ts";
import { ReportInputError } from "./request.ts";

/** school → dimension → group (or not_reported) → students enrolled. */
export type Enrollment = Map<string, Map<DimensionName, Map<string, number>>>;

export const ENROLLMENT_HEADER = "schoolYear,schoolId,dimension,group,enrollment";
export const MAX_ENROLLMENT_ROWS = 100_000;
/** A real row is under 100 bytes; the cap refuses a huge cell before it is held in memory. */
export const MAX_ENROLLMENT_ROW_BYTES = 1024;

const fail = (lineNumber: number, message: string): never => {
  throw new ReportInputError(`line ${lineNumber}: ${message}`, `line ${lineNumber}`);
};

/**
 * Parses enrollment CSV (contracts section 4). Rows of other school years are
 * skipped (`otherYears: "ignore"`, the CLI) or refused (`"refuse"`, an
 * upload). Every error names its line and never quotes the cell.
 */
export const parseEnrollmentCsv = (
  text: string,
  schoolYear: string,
  otherYears: "ignore" | "refuse",
): Enrollment => {
  const enrollment: Enrollment = new Map();
  let header = true;
  let rows = 0;
  const readRow = (cells: string[], lineNumber: number) => {
    // Spreadsheets pad cells with spaces; no value here has meaningful outer spaces.
    const fields = cells.map((cell) => cell.trim());
    if (header) {
      header = false;
      const names = ENROLLMENT_HEADER.split(",");
      if (fields.length !== names.length || fields.some((field, index) => field !== names[index]))
        fail(lineNumber, `the header must be exactly ${ENROLLMENT_HEADER}`);
      return;
    }
    if (++rows > MAX_ENROLLMENT_ROWS) fail(lineNumber, "too many rows");
    if (fields.length !== 5) fail(lineNumber, "a row has exactly 5 fields");
    const [year, schoolId, dimensionName, group, count] = fields as [
      string,
      string,
      string,
      string,
      string,
    ];
    if (!/^\d{4}-\d{2}$/.test(year)) fail(lineNumber, "schoolYear must look like 2025-26");
    if (year !== schoolYear) {
      if (otherYears === "ignore") return;
      fail(lineNumber, `every row must be of the school year ${schoolYear}`);
    }
    if (!/^[A-Za-z0-9-]{1,32}$/.test(schoolId))
      fail(lineNumber, "schoolId must be 1-32 letters, digits or hyphens");
    const dimension = DIMENSIONS.find((candidate) => candidate.name === dimensionName);
    if (!dimension)
      fail(
        lineNumber,
        `unknown dimension; expected one of ${DIMENSIONS.map((d) => d.name).join(", ")}`,
      );
    const groups = dimension!.groups as readonly string[];
    if (group !== NOT_REPORTED && !groups.includes(group)) {
      fail(
        lineNumber,
        `unknown group for ${dimension!.name}; expected one of ${[...groups, NOT_REPORTED].join(", ")}`,
      );
    }
    if (!/^\d{1,9}$/.test(count)) fail(lineNumber, "enrollment must be a whole number from 0");
    const school = enrollment.get(schoolId) ?? new Map<DimensionName, Map<string, number>>();
    enrollment.set(schoolId, school);
    const counts = school.get(dimension!.name) ?? new Map<string, number>();
    school.set(dimension!.name, counts);
    if (counts.has(group))
      fail(lineNumber, `a second row for the same school, dimension and group`);
    counts.set(group, Number(count));
  };
  try {
    readCsv(text, readRow, { maxRowBytes: MAX_ENROLLMENT_ROW_BYTES });
  } catch (error) {
    if (error instanceof CsvSyntaxError) fail(error.line, error.reason);
    throw error;
  }
  if (header) fail(1, `the header must be exactly ${ENROLLMENT_HEADER}`);
  for (const [schoolId, school] of enrollment) {
    const totals = DIMENSIONS.map(({ name }) =>
      [...(school.get(name)?.values() ?? [])].reduce((sum, value) => sum + value, 0),
    );
    if (totals.some((total) => total !== totals[0])) {
      throw new ReportInputError(
        `enrollment does not add up for school ${schoolId}: the dimensions total ${DIMENSIONS.map(({ name }, index) => `${name} ${totals[index]}`).join(", ")}`,
        "enrollment",
      );
    }
  }
  return enrollment;
};

/** Enrollment of the report's scope: one school's, or every school's summed. */
export const scopeEnrollment = (
  enrollment: Enrollment,
  schoolId: string | undefined,
): Map<DimensionName, Map<string, number>> => {
  const result = new Map<DimensionName, Map<string, number>>();
  for (const [school, dimensions] of enrollment) {
    if (schoolId !== undefined && school !== schoolId) continue;
    for (const [dimension, groups] of dimensions) {
      const sums = result.get(dimension) ?? new Map<string, number>();
      result.set(dimension, sums);
      for (const [group, count] of groups) sums.set(group, (sums.get(group) ?? 0) + count);
    }
  }
  return result;
};
