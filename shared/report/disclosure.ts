import type { Report, ReportTable } from "./model.ts";
import { suppressCells } from "./suppression-cells.ts";

/**
 * What someone who knows the suppression rules can tell about the hidden
 * cells of one public table from everything else the report publishes.
 *
 * Every hidden cell is either primary (1 to minCell - 1) or holds the one
 * complement value that all complement cells share, which lies below every
 * visible non-zero cell. A configuration says which hidden cells hold the
 * complement and its value; the primary cells then only have ranges, and
 * their sum is what the groups' sum leaves. The publication rules use this
 * to withhold a decision point's totals where a hidden cell would still be
 * pinned; the differencing test replays it, that withholding included.
 */
export interface Bounds {
  low: number;
  high: number;
}

export interface TableKnowledge {
  minCell: number;
  /** Published cells, 0 where hidden. */
  visible: number[];
  hidden: boolean[];
  /** Per row: what other tables say about the cell. */
  bounds: Bounds[];
}

export interface Configuration {
  /** Per hidden cell, in row order: true where it holds the complement. */
  complementCells: boolean[];
  /** The complement value, 0 where the table had none. */
  complement: number;
  complementCount: number;
  /** Per hidden cell: its range where primary, undefined where complement. */
  primaryRanges: Array<Bounds | undefined>;
  lowSum: number;
  highSum: number;
}

/** Beyond this many values a complement's range is plainly not a single value. */
const COMPLEMENT_STEPS = 64;

/** A decision point's other tables bound a group's cell: none exceeds its contact cell. */
export const knowledgeOf = (report: Report, table: ReportTable): TableKnowledge => {
  const contact = report.tables.find(
    (candidate) => candidate.decisionPoint === "contact" && candidate.dimension === table.dimension,
  );
  return {
    minCell: report.parameters.minCell,
    visible: table.rows.map((row) => (row.suppressed ? 0 : (row.students ?? 0))),
    hidden: table.rows.map((row) => row.suppressed),
    bounds: table.rows.map((row) => {
      if (table.decisionPoint !== "contact") {
        const contactRow = contact?.rows.find((candidate) => candidate.group === row.group);
        return {
          low: 1,
          high: contactRow && !contactRow.suppressed ? (contactRow.students ?? 0) : Infinity,
        };
      }
      let low = 1;
      for (const other of report.tables) {
        if (other.dimension !== table.dimension) continue;
        const same = other.rows.find((candidate) => candidate.group === row.group);
        if (same && !same.suppressed) low = Math.max(low, same.students ?? 0);
      }
      return { low, high: Infinity };
    }),
  };
};

/** Every way the hidden cells could split into primaries and complement, replayed through the rules. */
export function* configurations(knowledge: TableKnowledge): Generator<Configuration> {
  const { minCell, visible, hidden, bounds } = knowledge;
  const hiddenRows = hidden.flatMap((isHidden, index) => (isHidden ? [index] : []));
  const visibleNonZero = visible.filter((value, index) => !hidden[index] && value > 0);
  const nextVisible = visibleNonZero.length > 0 ? Math.min(...visibleNonZero) : Infinity;
  for (let mask = 1; mask < 1 << hiddenRows.length; mask++) {
    // The mask marks the primary cells: the rules hide nothing without one.
    const complementCells = hiddenRows.map((_, position) => ((mask >> position) & 1) === 0);
    const complementCount = complementCells.filter(Boolean).length;
    if (complementCount === 0 && visibleNonZero.length > 0) continue;
    const primaryRanges = hiddenRows.map((row, position) =>
      complementCells[position]
        ? undefined
        : { low: bounds[row]!.low, high: Math.min(minCell - 1, bounds[row]!.high) },
    );
    if (primaryRanges.some((range) => range !== undefined && range.low > range.high)) continue;
    const lowSum = primaryRanges.reduce((sum, range) => sum + (range?.low ?? 0), 0);
    const highSum = primaryRanges.reduce((sum, range) => sum + (range?.high ?? 0), 0);
    if (complementCount === 0) {
      yield { complementCells, complement: 0, complementCount, primaryRanges, lowSum, highSum };
      continue;
    }
    let low = minCell;
    let high = nextVisible - 1;
    hiddenRows.forEach((row, position) => {
      if (!complementCells[position]) return;
      low = Math.max(low, bounds[row]!.low);
      high = Math.min(high, bounds[row]!.high);
    });
    for (let complement = low; complement <= Math.min(high, low + COMPLEMENT_STEPS); complement++) {
      const cells = [...visible];
      hiddenRows.forEach((row, position) => {
        cells[row] = complementCells[position] ? complement : primaryRanges[position]!.low;
      });
      const replay = suppressCells(cells, minCell).hidden;
      if (replay.some((isHidden, index) => isHidden !== hidden[index])) continue;
      yield { complementCells, complement, complementCount, primaryRanges, lowSum, highSum };
    }
  }
}

/**
 * Per hidden cell, the values it may take in one configuration where the
 * primaries sum to between sumLow and sumHigh (undefined: none fits).
 */
export const cellRanges = (
  configuration: Configuration,
  sumLow: number,
  sumHigh: number,
): Bounds[] | undefined => {
  const low = Math.max(sumLow, configuration.lowSum);
  const high = Math.min(sumHigh, configuration.highSum);
  if (low > high) return undefined;
  return configuration.primaryRanges.map((range) => {
    if (range === undefined)
      return { low: configuration.complement, high: configuration.complement };
    const othersLow = configuration.lowSum - range.low;
    const othersHigh = configuration.highSum - range.high;
    return {
      low: Math.max(range.low, low - othersHigh),
      high: Math.min(range.high, high - othersLow),
    };
  });
};

/** Collects up to two distinct values per hidden cell: two are enough to keep it hidden. */
export class PossibleValues {
  readonly values: Array<Set<number>>;
  constructor(size: number) {
    this.values = Array.from({ length: size }, () => new Set<number>());
  }
  add(ranges: Bounds[]) {
    ranges.forEach((range, position) => {
      const seen = this.values[position]!;
      if (seen.size >= 2 || range.low > range.high) return;
      seen.add(range.low);
      seen.add(range.high);
    });
  }
  get pinned(): boolean {
    return this.values.some((seen) => seen.size < 2);
  }
}

/**
 * Whether a hidden cell of a table whose groups' sum is published (the
 * hidden cells add up to hiddenSum) can be narrowed to one value.
 */
export const pinnedUnderSum = (knowledge: TableKnowledge, hiddenSum: number): boolean => {
  const possible = new PossibleValues(knowledge.hidden.filter(Boolean).length);
  for (const configuration of configurations(knowledge)) {
    if (configuration.complementCount === 0) continue;
    const rest = hiddenSum - configuration.complement * configuration.complementCount;
    const ranges = cellRanges(configuration, rest, rest);
    if (ranges) possible.add(ranges);
    if (!possible.pinned) return false;
  }
  return possible.pinned;
};
