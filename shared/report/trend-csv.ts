import { type CsvValue, writeCsv } from "../csv.ts";
import type { TrendReport } from "./trend.ts";

const COLUMNS = [
  "decisionPoint",
  "dimension",
  "group",
  "period",
  "enrollment",
  "students",
  "risk",
  "riskRatio",
  "riskRatioNote",
  "ciLow",
  "ciHigh",
  "exceedsThreshold",
  "flagged",
  "suppressed",
  "change",
  "persistent",
  "progress",
] as const;

/**
 * One line per row and period, long form so a spreadsheet can pivot it; the
 * row's change, persistent and progress are repeated on each of its lines.
 * Empty cells are nulls, as in the period CSV.
 */
export const trendCsv = (trend: TrendReport): string => {
  const lines: CsvValue[][] = [];
  for (const table of trend.tables) {
    for (const row of table.rows) {
      for (const entry of row.series) {
        const record: Record<(typeof COLUMNS)[number], CsvValue> = {
          decisionPoint: table.decisionPoint,
          dimension: table.dimension,
          group: row.group,
          change: row.change,
          persistent: row.persistent,
          progress: row.progress,
          ...entry,
        };
        lines.push(COLUMNS.map((column) => record[column]));
      }
    }
  }
  return writeCsv(COLUMNS, lines);
};
