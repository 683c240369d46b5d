import type { Indicator, Indicators, ReportTable } from "./model.ts";
import { isSmall } from "./suppression-cells.ts";

/**
 * Where a public indicator would give a hidden number back, beyond the
 * contract's small-number rule. Counts are (incident, subject) pairs, and a
 * student with an action is in at least one pair with it: a pair count is a
 * ceiling on the distinct students of its decision points. Where those
 * decision points withhold their totals (the groups' sum would pin a hidden
 * cell), that ceiling can pin it just as well, so the count goes too. Read
 * from the published tables, so the board page can say why a number is missing.
 */
export interface IndicatorCover {
  useOfForceCount: boolean;
  useOfForceBase: boolean;
  justiceCount: boolean;
  supportCount: boolean;
  restraintElementary: boolean;
}

const totalsWithheld = (tables: readonly ReportTable[], decisionPoint: string) =>
  tables.some((table) => table.decisionPoint === decisionPoint && table.totalStudents === null);

const rowSuppressed = (tables: readonly ReportTable[], decisionPoint: string, group: string) =>
  tables.some(
    (table) =>
      table.decisionPoint === decisionPoint &&
      table.dimension === "gradeBand" &&
      table.rows.some((row) => row.group === group && row.suppressed),
  );

export const indicatorCover = (tables: readonly ReportTable[]): IndicatorCover => ({
  useOfForceCount: totalsWithheld(tables, "use_of_force"),
  // Every subject pair is a contact: the base bounds the contact total as totals.subjects does.
  useOfForceBase: totalsWithheld(tables, "contact"),
  justiceCount: ["citation", "arrest", "referral_to_prosecution"].some((point) =>
    totalsWithheld(tables, point),
  ),
  supportCount: totalsWithheld(tables, "referral_to_support_services"),
  restraintElementary:
    rowSuppressed(tables, "restraint", "elementary") ||
    rowSuppressed(tables, "contact", "elementary"),
});

const share = (count: number | null, base: number | null) =>
  count === null || base === null || base === 0 ? null : count / base;

/** The public indicators (contracts section 9), given the already published tables. */
export const publishIndicators = (
  indicators: Indicators,
  tables: readonly ReportTable[],
  minCell: number,
): Indicators => {
  const cover = indicatorCover(tables);
  const shown = (value: number | null, covered = false) =>
    covered || isSmall(value, minCell) ? null : value;
  const published = (
    { count, base }: Indicator,
    countCovered = false,
    baseCovered = false,
  ): Indicator => {
    const shownCount = shown(count, countCovered);
    const shownBase = shown(base, baseCovered);
    return { count: shownCount, base: shownBase, share: share(shownCount, shownBase) };
  };
  const { justiceVersusSupport: versus } = indicators;
  const count = shown(versus.count, cover.justiceCount);
  const supportCount = shown(versus.supportCount, cover.supportCount);
  // Either part and the sum would give the other back.
  const base = count === null || supportCount === null ? null : shown(versus.base);
  return {
    routineDiscipline: published(indicators.routineDiscipline),
    mentalHealth: published(indicators.mentalHealth),
    useOfForce: published(indicators.useOfForce, cover.useOfForceCount, cover.useOfForceBase),
    restraintElementary: cover.restraintElementary
      ? { count: null, base: null, share: null }
      : published(indicators.restraintElementary),
    // Its base is justiceVersusSupport's count: the same number, withheld alike.
    underTwelveJustice: published(indicators.underTwelveJustice, false, cover.justiceCount),
    justiceVersusSupport: { count, base, share: share(count, base), supportCount },
  };
};
