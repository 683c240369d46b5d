import { CsvSyntaxError, readCsv } from "../csv.ts";
import { DIMENSIONS, type DimensionName, NOT_REPORTED } from "./definitions.ts";
import { ReportInputError } from "./request.ts";

/** school → dimension → group (or not_reported) → students enrolled. */
export type Enrollment = Map<string, Map<DimensionName, Map<string, number>>>;

export const ENROLLMENT_HEADER = "schoolYear,schoolId,dimension,group,enrollment";
export const MAX_ENROLLMENT_ROWS = 100_000;
/** A real row is under 100 bytes; the cap refuses a huge cell before it is held in memory. */
export const MAX_ENROLLMENT_ROW_BYTES = 1024;

/** Problems one check collects; past this many the file is wrong enough to fix from the list. */
export const MAX_ENROLLMENT_PROBLEMS = 200;

/**
 * One problem of an enrollment file: the physical line its row starts on,
 * and the 1-based column of the cell when one cell is at fault (null when
 * the row or the file is). The message never quotes the file.
 */
export interface EnrollmentProblem {
  line: number;
  column: number | null;
  message: string;
  /** A school's dimensions do not add up; `line` is that school's first row. */
  school?: true;
}

export interface EnrollmentCheck {
  enrollment: Enrollment;
  /** Every problem, in file order; empty when the file is valid. */
  problems: EnrollmentProblem[];
  /** More problems than MAX_ENROLLMENT_PROBLEMS: reading stopped at the last one listed. */
  truncated: boolean;
}

class TooManyProblems extends Error {}

/**
 * Checks enrollment CSV (contracts section 4) and lists every problem, so
 * the browser's preview and the server's 422 show the same list from the
 * same code. Rows of other school years are skipped (`otherYears:
 * "ignore"`, the CLI) or refused (`"refuse"`, an upload). A school whose
 * rows all pass is checked for dimensions that add up to one total.
 */
export const checkEnrollmentCsv = (
  text: string,
  schoolYear: string,
  otherYears: "ignore" | "refuse",
): EnrollmentCheck => {
  const enrollment: Enrollment = new Map();
  const problems: EnrollmentProblem[] = [];
  const add = (line: number, column: number | null, message: string, school?: true) => {
    if (problems.length === MAX_ENROLLMENT_PROBLEMS) throw new TooManyProblems();
    problems.push({ line, column, message, ...(school ? { school } : {}) });
  };
  /** The line each school's first row is on, and schools with a refused row. */
  const firstLine = new Map<string, number>();
  const refusedSchools = new Set<string>();
  /** A refused row whose school is unknown may belong to any school: no sums are checked. */
  let unattributed = false;
  let header = true;
  let headerValid = false;
  let rows = 0;
  const readRow = (cells: string[], lineNumber: number) => {
    // Spreadsheets pad cells with spaces; no value here has meaningful outer spaces.
    const fields = cells.map((cell) => cell.trim());
    if (header) {
      header = false;
      const names = ENROLLMENT_HEADER.split(",");
      headerValid =
        fields.length === names.length && fields.every((field, index) => field === names[index]);
      if (!headerValid) add(lineNumber, null, `the header must be exactly ${ENROLLMENT_HEADER}`);
      return;
    }
    // Without the header's columns, no row can be read with certainty.
    if (!headerValid) return;
    if (++rows > MAX_ENROLLMENT_ROWS) {
      add(lineNumber, null, "too many rows");
      throw new TooManyProblems();
    }
    if (fields.length !== 5) {
      add(lineNumber, null, "a row has exactly 5 fields");
      unattributed = true;
      return;
    }
    const [year, schoolId, dimensionName, group, count] = fields as [
      string,
      string,
      string,
      string,
      string,
    ];
    const before = problems.length;
    if (!/^\d{4}-\d{2}$/.test(year)) add(lineNumber, 1, "schoolYear must look like 2025-26");
    else if (year !== schoolYear) {
      if (otherYears === "ignore") return;
      add(lineNumber, 1, `every row must be of the school year ${schoolYear}`);
    }
    const validSchool = /^[A-Za-z0-9-]{1,32}$/.test(schoolId);
    if (!validSchool) add(lineNumber, 2, "schoolId must be 1-32 letters, digits or hyphens");
    const dimension = DIMENSIONS.find((candidate) => candidate.name === dimensionName);
    if (!dimension)
      add(
        lineNumber,
        3,
        `unknown dimension; expected one of ${DIMENSIONS.map((d) => d.name).join(", ")}`,
      );
    const groups = (dimension?.groups ?? []) as readonly string[];
    if (dimension && group !== NOT_REPORTED && !groups.includes(group)) {
      add(
        lineNumber,
        4,
        `unknown group for ${dimension.name}; expected one of ${[...groups, NOT_REPORTED].join(", ")}`,
      );
    }
    if (!/^\d{1,9}$/.test(count)) add(lineNumber, 5, "enrollment must be a whole number from 0");
    if (validSchool && !firstLine.has(schoolId)) firstLine.set(schoolId, lineNumber);
    if (problems.length > before) {
      if (validSchool) refusedSchools.add(schoolId);
      else unattributed = true;
      return;
    }
    const school = enrollment.get(schoolId) ?? new Map<DimensionName, Map<string, number>>();
    enrollment.set(schoolId, school);
    const counts = school.get(dimension!.name) ?? new Map<string, number>();
    school.set(dimension!.name, counts);
    if (counts.has(group)) {
      add(lineNumber, null, "a second row for the same school, dimension and group");
      refusedSchools.add(schoolId);
      return;
    }
    counts.set(group, Number(count));
  };
  let truncated = false;
  try {
    readCsv(text, readRow, { maxRowBytes: MAX_ENROLLMENT_ROW_BYTES });
    if (header) add(1, null, `the header must be exactly ${ENROLLMENT_HEADER}`);
    for (const [schoolId, school] of unattributed ? [] : enrollment) {
      // A refused row is missing from its school's sums; its totals would mislead.
      if (refusedSchools.has(schoolId)) continue;
      const totals = DIMENSIONS.map(({ name }) =>
        [...(school.get(name)?.values() ?? [])].reduce((sum, value) => sum + value, 0),
      );
      if (totals.some((total) => total !== totals[0])) {
        add(
          firstLine.get(schoolId)!,
          null,
          `enrollment does not add up for school ${schoolId}: the dimensions total ${DIMENSIONS.map(({ name }, index) => `${name} ${totals[index]}`).join(", ")}`,
          true,
        );
      }
    }
  } catch (error) {
    if (error instanceof CsvSyntaxError) {
      // The reader cannot go past a row it could not split, so this is the last problem.
      if (problems.length < MAX_ENROLLMENT_PROBLEMS) add(error.line, null, error.reason);
      else truncated = true;
    } else if (error instanceof TooManyProblems) truncated = true;
    else throw error;
  }
  problems.sort((a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0));
  return { enrollment, problems, truncated };
};

/** A problem as one line of text: `line 7: unknown group ...`. */
export const problemText = ({ line, message }: EnrollmentProblem) => `line ${line}: ${message}`;

/**
 * Parses enrollment CSV, refusing the file with its first problem (the
 * report CLI's behaviour): a ReportInputError naming the line.
 */
export const parseEnrollmentCsv = (
  text: string,
  schoolYear: string,
  otherYears: "ignore" | "refuse",
): Enrollment => {
  const { enrollment, problems } = checkEnrollmentCsv(text, schoolYear, otherYears);
  // A row's problem first, as the CLI has always named it; sums are the file's.
  const first = problems.find((problem) => !problem.school) ?? problems[0];
  if (first?.school) throw new ReportInputError(first.message, "enrollment");
  if (first) throw new ReportInputError(problemText(first), `line ${first.line}`);
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
