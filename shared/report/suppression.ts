import type { DimensionName } from "./definitions.ts";
import { knowledgeOf, pinnedUnderSum } from "./disclosure.ts";
import { publishIndicators } from "./indicators.ts";
import type { Report, ReportRow, ReportTable } from "./model.ts";
import {
  type CellSuppression,
  isSmall,
  suppressCells,
  withholdsTotals,
} from "./suppression-cells.ts";

export { isSmall, suppressCells } from "./suppression-cells.ts";

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

/** A visible row whose comparison is the sum of the other groups, hidden ones among them. */
const withholdComparison = (row: ReportRow): ReportRow => ({
  ...row,
  comparisonStudents: null,
  comparisonRisk: null,
  riskRatio: null,
  riskRatioNote: "comparison_suppressed",
  ciLow: null,
  ciHigh: null,
  exceedsThreshold: false,
  significant: false,
  flagged: false,
});

/** The group each dimension's rri is measured against, as the engine chose it. */
export type ReferenceGroups = ReadonlyMap<DimensionName, string>;

/**
 * The public variant of a report (contracts section 5, "Public reports").
 * The contract's rules first; then, where what they publish would still
 * let someone who knows them pin a hidden cell to one value (a hidden
 * contact cell bounded from below by the same group's visible cell of
 * another decision point, say), that decision point's totals and
 * comparisons are withheld too. The decision reads only what the first
 * publication shows, and test/unit/public-suppression.test.ts replays it.
 */
export const suppressForPublication = (report: Report, references: ReferenceGroups): Report => {
  const { minCell } = report.parameters;
  const cells = report.tables.map((table) =>
    suppressCells(
      table.rows.map((row) => row.students ?? 0),
      minCell,
    ),
  );
  const withheld = new Set(
    report.tables
      .filter((table) =>
        withholdsTotals(
          table.totalStudents ?? 0,
          cells.filter((_, index) => report.tables[index]!.decisionPoint === table.decisionPoint),
          minCell,
        ),
      )
      .map((table) => table.decisionPoint),
  );
  const first = publish(report, references, cells, withheld);
  first.tables.forEach((table, index) => {
    if (withheld.has(table.decisionPoint) || !cells[index]!.hidden.includes(true)) return;
    const original = report.tables[index]!;
    const hiddenSum = original.rows.reduce(
      (sum, row, rowIndex) => sum + (cells[index]!.hidden[rowIndex] ? (row.students ?? 0) : 0),
      0,
    );
    if (pinnedUnderSum(knowledgeOf(first, table), hiddenSum)) withheld.add(table.decisionPoint);
  });
  return publish(report, references, cells, withheld);
};

const publish = (
  report: Report,
  references: ReferenceGroups,
  cells: readonly CellSuppression[],
  withheld: ReadonlySet<string>,
): Report => {
  const { minCell } = report.parameters;
  const hiddenIn = (decisionPoint: string, dimension: string, group: string) => {
    const index = report.tables.findIndex(
      (table) => table.decisionPoint === decisionPoint && table.dimension === dimension,
    );
    const row = report.tables[index]?.rows.findIndex((candidate) => candidate.group === group);
    return row !== undefined && row >= 0 && (cells[index]?.hidden[row] ?? false);
  };

  const tables = report.tables.map((table, index): ReportTable => {
    const { hidden } = cells[index]!;
    const reference = references.get(table.dimension);
    // An rri divides by the reference group's rate; a hidden reference
    // cell, or a hidden contact cell under either rate, would come back.
    const referenceHidden =
      reference !== undefined &&
      (hiddenIn(table.decisionPoint, table.dimension, reference) ||
        hiddenIn("contact", table.dimension, reference));
    const totalsWithheld = withheld.has(table.decisionPoint);
    return {
      ...table,
      totalStudents: totalsWithheld ? null : table.totalStudents,
      notRecorded: totalsWithheld ? null : table.notRecorded,
      rows: table.rows.map((row, rowIndex) => {
        if (hidden[rowIndex]) return suppressRow(row);
        const visible = totalsWithheld ? withholdComparison(row) : row;
        return referenceHidden || hiddenIn("contact", table.dimension, row.group)
          ? { ...visible, rri: null }
          : visible;
      }),
    };
  });

  // totals.students is the contact total, and subjects bound it from above.
  const contactWithheld = withheld.has("contact");
  const small = (value: number | null) => (isSmall(value, minCell) ? null : value);
  return {
    ...report,
    totals: {
      incidents: small(report.totals.incidents),
      subjects: contactWithheld ? null : small(report.totals.subjects),
      students: contactWithheld ? null : small(report.totals.students),
      corrected: small(report.totals.corrected),
      voided: small(report.totals.voided),
    },
    tables,
    indicators: publishIndicators(report.indicators, tables, minCell),
  };
};
