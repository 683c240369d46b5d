import type { DIMENSIONS } from "./definitions.ts";
import type { Report, ReportRow, ReportTable } from "./engine.ts";

/** Counts from 1 to minCell - 1 are hidden in public reports; zero stays zero. */
const isSmall = (value: number | null, minCell: number) =>
  value !== null && value >= 1 && value < minCell;

const suppressRow = (row: ReportRow): ReportRow => ({
  ...row,
  students: null,
  events: null,
  risk: null,
  comparisonStudents: null,
  comparisonRisk: null,
  riskRatio: null,
  riskRatioNote: "suppressed",
  ciLow: null,
  ciHigh: null,
  exceedsThreshold: false,
  significant: false,
  flagged: false,
  rri: null,
  suppressed: true,
});

/**
 * Primary suppression of small cells, then complementary suppression: a
 * table with exactly one hidden cell hides its smallest non-zero visible
 * cell too (rows in group order first, notRecorded last, on a tie), so the
 * hidden one cannot be recomputed from the table's total.
 */
const suppressTable = (table: ReportTable, minCell: number): ReportTable => {
  const cells = [...table.rows.map((row) => row.students), table.notRecorded];
  const hidden = cells.map((value) => isSmall(value, minCell));
  if (hidden.filter(Boolean).length === 1) {
    let smallest = -1;
    cells.forEach((value, index) => {
      if (hidden[index] || value === null || value === 0) return;
      if (smallest === -1 || value < (cells[smallest] ?? 0)) smallest = index;
    });
    if (smallest !== -1) hidden[smallest] = true;
  }
  return {
    ...table,
    totalStudents: isSmall(table.totalStudents, minCell) ? null : table.totalStudents,
    notRecorded: hidden[table.rows.length] ? null : table.notRecorded,
    rows: table.rows.map((row, index) => (hidden[index] ? suppressRow(row) : row)),
  };
};

/** The public variant of a report (contracts section 5, "Public reports"). */
export const suppressForPublication = (report: Report, dimensions: typeof DIMENSIONS): Report => {
  const { minCell } = report.parameters;
  const tables = report.tables.map((table) => suppressTable(table, minCell));
  const contactTables = new Map(
    tables
      .filter((table) => table.decisionPoint === "contact")
      .map((table) => [table.dimension, table]),
  );
  const withRri = tables.map((table) => {
    const dimension = dimensions.find((candidate) => candidate.name === table.dimension)!;
    const reference =
      dimension.reference ??
      table.rows.reduce(
        (best, row) => (row.enrollment > best.enrollment ? row : best),
        table.rows[0]!,
      ).group;
    const referenceHidden = table.rows.find((row) => row.group === reference)?.suppressed ?? false;
    const contact = contactTables.get(table.dimension);
    return {
      ...table,
      rows: table.rows.map((row) => {
        const contactHidden = contact?.rows.find(
          (candidate) => candidate.group === row.group,
        )?.suppressed;
        return referenceHidden || contactHidden ? { ...row, rri: null } : row;
      }),
    };
  });
  const small = (value: number | null) => (isSmall(value, minCell) ? null : value);
  return {
    ...report,
    totals: {
      incidents: small(report.totals.incidents),
      subjects: small(report.totals.subjects),
      students: small(report.totals.students),
    },
    tables: withRri,
  };
};
