import {
  cellRanges,
  configurations,
  knowledgeOf,
  PossibleValues,
  pinnedUnderSum,
} from "../../shared/report/disclosure.ts";
import type { Report, ReportTable } from "../../shared/report/model.ts";

/**
 * An attacker who holds a public report, the (public) enrollment and the
 * suppression rules, and tries to pin each hidden cell down to one value.
 *
 * For one table it enumerates every assignment of the hidden cells that
 * agrees with what is published (visible cells, the groups' sum wherever a
 * total or a visible comparison gives it, the visible contact cell that
 * bounds the same group's cell of every other decision point, a visible
 * cell of any decision point that bounds a hidden contact cell from below,
 * the contact total that bounds every other total, the indicator counts
 * that bound a decision point's students) and that, replayed
 * through the rules, gives the same publication: the same hidden cells,
 * and totals withheld for a reason that the assignment would give (no
 * complement left, a small total, or a cell the first publication pinned).
 */
export interface HiddenCellFinding {
  decisionPoint: string;
  dimension: string;
  group: string;
  /** Values the attacker cannot rule out (two are enough). */
  possible: number[];
}

/** Anyone can tell a table that hid a cell and had no non-zero cell left to hide with it. */
const complementMissingShown = (table: ReportTable) =>
  table.rows.some((row) => row.suppressed) &&
  !table.rows.some((row) => !row.suppressed && (row.students ?? 0) > 0);

const publishedGroupSum = (table: ReportTable): number | undefined => {
  if (table.totalStudents !== null && table.notRecorded !== null) {
    return table.totalStudents - table.notRecorded;
  }
  const shown = table.rows.find((row) => !row.suppressed && row.comparisonStudents !== null);
  return shown ? shown.comparisonStudents! + shown.students! : undefined;
};

/**
 * The published indicator that bounds a decision point's distinct students
 * from above: indicators count (incident, subject) pairs, and every student
 * with an action is in at least one pair with it.
 */
const indicatorCeiling = (publication: Report, decisionPoint: string): number | null => {
  const { indicators } = publication;
  switch (decisionPoint) {
    case "contact":
      return indicators.useOfForce.base;
    case "use_of_force":
      return indicators.useOfForce.count;
    case "citation":
    case "arrest":
    case "referral_to_prosecution":
      return indicators.justiceVersusSupport.count ?? indicators.underTwelveJustice.base;
    case "referral_to_support_services":
      return indicators.justiceVersusSupport.supportCount;
    default:
      return null;
  }
};

/**
 * `truth` is the report before suppression: the attacker does not have it,
 * but where another table of the same decision point withheld the totals
 * because its own first publication pinned a cell, the replay of this
 * table takes that reason as given (the per-table enumeration of issue 9).
 */
export const attackTable = (publication: Report, truth: Report, table: ReportTable) => {
  const knowledge = knowledgeOf(publication, table);
  const { minCell } = knowledge;
  const hiddenCount = knowledge.hidden.filter(Boolean).length;
  const possible = new PossibleValues(hiddenCount);
  let candidates = 0;
  const visibleSum = knowledge.visible.reduce((sum, value) => sum + value, 0);
  const groupSum = publishedGroupSum(table);

  const siblings = publication.tables.filter(
    (other) => other !== table && other.decisionPoint === table.decisionPoint,
  );
  const otherMissing = siblings.some(complementMissingShown);
  const otherPinned = siblings.some((other) => {
    if (!other.rows.some((row) => row.suppressed) || complementMissingShown(other)) return false;
    const original = truth.tables.find(
      (candidate) =>
        candidate.decisionPoint === other.decisionPoint && candidate.dimension === other.dimension,
    )!;
    const hiddenSum = original.rows.reduce(
      (sum, row, index) => sum + (other.rows[index]!.suppressed ? (row.students ?? 0) : 0),
      0,
    );
    return pinnedUnderSum(knowledgeOf(publication, other), hiddenSum);
  });
  const contact = publication.tables.find(
    (other) => other.decisionPoint === "contact" && other.dimension === table.dimension,
  )!;
  const indicator = indicatorCeiling(publication, table.decisionPoint);
  const ceiling = Math.min(
    table.decisionPoint !== "contact" && contact.totalStudents !== null
      ? contact.totalStudents - visibleSum
      : Infinity,
    indicator === null ? Infinity : indicator - visibleSum,
  );
  const pinnedMemo = new Map<number, boolean>();
  const firstPublicationPinned = (hiddenSum: number) => {
    let pinned = pinnedMemo.get(hiddenSum);
    if (pinned === undefined) {
      pinned = pinnedUnderSum(knowledge, hiddenSum);
      pinnedMemo.set(hiddenSum, pinned);
    }
    return pinned;
  };

  for (const configuration of configurations(knowledge)) {
    const fixed = configuration.complement * configuration.complementCount;
    if (groupSum !== undefined) {
      if (configuration.complementCount === 0) continue;
      const rest = groupSum - visibleSum - fixed;
      const ranges = cellRanges(configuration, rest, rest);
      if (!ranges) continue;
      candidates++;
      possible.add(ranges);
      continue;
    }
    const highest = Math.min(configuration.highSum, ceiling - fixed);
    for (let sum = configuration.lowSum; sum <= highest; sum++) {
      const consistent =
        otherMissing ||
        otherPinned ||
        configuration.complementCount === 0 ||
        visibleSum + fixed + sum <= minCell - 1 ||
        firstPublicationPinned(fixed + sum);
      if (!consistent) continue;
      const ranges = cellRanges(configuration, sum, sum);
      if (!ranges) continue;
      candidates++;
      possible.add(ranges);
    }
  }
  const hiddenRows = table.rows.filter((row) => row.suppressed);
  return {
    candidates,
    findings: hiddenRows.map(
      (row, position): HiddenCellFinding => ({
        decisionPoint: table.decisionPoint,
        dimension: table.dimension,
        group: row.group,
        possible: [...possible.values[position]!].sort((a, b) => a - b),
      }),
    ),
  };
};

/** Every hidden cell of a public report, with the values the attacker could not rule out. */
export const attackReport = (publication: Report, truth: Report): HiddenCellFinding[] =>
  publication.tables.flatMap((table) =>
    table.rows.some((row) => row.suppressed) ? attackTable(publication, truth, table).findings : [],
  );
