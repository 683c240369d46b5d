import { type CsvValue, writeCsv } from "../csv.ts";
import type { Report } from "./model.ts";

const COLUMNS = [
  "decisionPoint",
  "dimension",
  "group",
  "enrollment",
  "students",
  "events",
  "risk",
  "comparisonStudents",
  "comparisonEnrollment",
  "comparisonRisk",
  "riskRatio",
  "riskRatioNote",
  "ciLow",
  "ciHigh",
  "exceedsThreshold",
  "significant",
  "flagged",
  "rri",
  "suppressed",
  "totalStudents",
  "notRecorded",
] as const;

/** The cell rule every CSV the product writes follows (docs/csv.md). */
export { csvCell } from "../csv.ts";

/** One line per table row, the table's totals repeated on each; empty cells are nulls. */
export const reportCsv = (report: Report): string => {
  const rows: CsvValue[][] = [];
  for (const table of report.tables) {
    for (const row of table.rows) {
      const record: Record<(typeof COLUMNS)[number], unknown> = {
        decisionPoint: table.decisionPoint,
        dimension: table.dimension,
        totalStudents: table.totalStudents,
        notRecorded: table.notRecorded,
        ...row,
      };
      rows.push(COLUMNS.map((column) => record[column] as CsvValue));
    }
  }
  return writeCsv(COLUMNS, rows);
};
