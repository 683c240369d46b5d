import type { Report } from "./engine.ts";

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

/**
 * A cell for spreadsheets: quoted when needed, and a text cell that a
 * spreadsheet would run as a formula (= + - @, tab, CR) is prefixed with '.
 */
export const csvCell = (value: unknown): string => {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** One line per table row, the table's totals repeated on each; empty cells are nulls. */
export const reportCsv = (report: Report): string => {
  const lines = [COLUMNS.join(",")];
  for (const table of report.tables) {
    for (const row of table.rows) {
      const record: Record<(typeof COLUMNS)[number], unknown> = {
        decisionPoint: table.decisionPoint,
        dimension: table.dimension,
        totalStudents: table.totalStudents,
        notRecorded: table.notRecorded,
        ...row,
      };
      lines.push(COLUMNS.map((column) => csvCell(record[column])).join(","));
    }
  }
  return `${lines.join("\r\n")}\r\n`;
};
