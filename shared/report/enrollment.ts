import { DIMENSIONS, type DimensionName, NOT_REPORTED } from "./definitions.ts";
import { ReportInputError } from "./request.ts";

/** school → dimension → group (or not_reported) → students enrolled. */
export type Enrollment = Map<string, Map<DimensionName, Map<string, number>>>;

export const ENROLLMENT_HEADER = "schoolYear,schoolId,dimension,group,enrollment";
export const MAX_ENROLLMENT_ROWS = 100_000;

/** RFC 4180 fields of one line: quotes may wrap a field, and "" is a quote inside one. */
const splitCsvLine = (line: string, lineNumber: number): string[] => {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === "") quoted = true;
    else if (char === ",") {
      fields.push(field);
      field = "";
    } else field += char;
  }
  if (quoted)
    throw new ReportInputError(
      `line ${lineNumber}: a quoted field is not closed`,
      `line ${lineNumber}`,
    );
  fields.push(field);
  return fields;
};

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
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  if ((lines[0] ?? "").trim() !== ENROLLMENT_HEADER) {
    fail(1, `the header must be exactly ${ENROLLMENT_HEADER}`);
  }
  if (lines.length > MAX_ENROLLMENT_ROWS + 2) fail(MAX_ENROLLMENT_ROWS + 2, "too many rows");
  const enrollment: Enrollment = new Map();
  lines.slice(1).forEach((line, index) => {
    const lineNumber = index + 2;
    if (line.trim() === "") return;
    const fields = splitCsvLine(line, lineNumber).map((field) => field.trim());
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
  });
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
