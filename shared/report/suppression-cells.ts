/** Counts from 1 to minCell - 1 are hidden in public reports; zero stays zero. */
export const isSmall = (value: number | null, minCell: number) =>
  value !== null && value >= 1 && value < minCell;

/** What a public report hides in one table (contracts section 5, "Public reports"). */
export interface CellSuppression {
  /** Per group row, in group order. */
  hidden: boolean[];
  /**
   * A primary cell is hidden and no non-zero visible cell was left to hide
   * with it: the groups' sum would give the hidden cells back, so the
   * decision point's totals and comparisons must go.
   */
  complementMissing: boolean;
}

/**
 * Primary suppression of the group cells from 1 to minCell - 1, then the
 * complement: the smallest non-zero visible cell, with every visible cell
 * of the same value (a complement tied with a visible cell would be pinned
 * by it). Zeros are never hidden: another table often shows them to be zero.
 */
export const suppressCells = (cells: readonly number[], minCell: number): CellSuppression => {
  const hidden = cells.map((value) => isSmall(value, minCell));
  if (!hidden.includes(true)) return { hidden, complementMissing: false };
  const candidates = cells.filter((value, index) => !hidden[index] && value > 0);
  if (candidates.length === 0) return { hidden, complementMissing: true };
  const complement = Math.min(...candidates);
  return {
    hidden: cells.map((value, index) => hidden[index] || value === complement),
    complementMissing: false,
  };
};

/**
 * A decision point's total, `notRecorded` and comparisons are withheld
 * where a small total would show, or where any of its tables hides a cell
 * that nothing else covers.
 */
export const withholdsTotals = (
  totalStudents: number,
  tables: readonly CellSuppression[],
  minCell: number,
) => isSmall(totalStudents, minCell) || tables.some((table) => table.complementMissing);
