/**
 * Finding people's names in a narrative in time linear in its length.
 *
 * A name may be written with whitespace, dashes and apostrophes in several
 * ways (D'Angelo, D’Angelo, DAngelo, D Angelo; Mary-Jane, Mary Jane,
 * MaryJane). One regular expression of optional separator classes side by
 * side backtracked exponentially on a run of separators: a name of 24
 * apostrophes against a run of spaces took seconds. And even an expression
 * that cannot backtrack costs, tried at every position, the length of the
 * name; with 120 people of 64-character names a narrative then took seconds
 * too. So the narrative is reduced to its other characters (the skeleton),
 * each carrying what kind of separator run stood before it, and every name
 * is matched at all positions at once, 32 positions to a machine word: per
 * letter of a name, one pass over the skeleton's bit sets.
 */

/**
 * Lower-cases and strips accents one code point at a time, keeping every
 * code point's length, so positions in the folded text are positions in the
 * original.
 */
export const foldForMatching = (text: string): string =>
  Array.from(text, (char) => {
    const folded = char.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
    if (folded.length === char.length) return folded;
    const lower = char.toLowerCase();
    return lower.length === char.length ? lower : char;
  }).join("");

const DASH_CHARS = "-‐‑‒–—";
const APOSTROPHE_CHARS = "'’ʼ`";
const WHITESPACE = /^\s$/u;
const WORD_CHAR = /^[\p{L}\p{N}]$/u;
const LETTER = /^\p{L}$/u;

const isSeparator = (char: string) =>
  APOSTROPHE_CHARS.includes(char) || DASH_CHARS.includes(char) || WHITESPACE.test(char);

/** What stands between two characters of the skeleton, as one bit of a set of kinds. */
const NONE = 1;
const SPACE = 2; // one whitespace character
const SPACES = 4; // two or more, all whitespace
const APOSTROPHE = 8; // one apostrophe
const QUOTED = 16; // two or more of apostrophes and whitespace, at least one apostrophe
const DASH = 32; // dashes and whitespace, at least one dash
const DASH_QUOTED = 64; // at least one dash and one apostrophe
const ANY_KIND = NONE | SPACE | SPACES | APOSTROPHE | QUOTED | DASH | DASH_QUOTED;

const runKind = (length: number, apostrophes: number, dashes: number): number => {
  if (dashes > 0) return apostrophes > 0 ? DASH_QUOTED : DASH;
  if (apostrophes === 0) return length === 1 ? SPACE : SPACES;
  return length === 1 ? APOSTROPHE : QUOTED;
};

/** What a name allows between two of its characters. */
const gapKinds = (apostrophes: number, boundary: boolean): number => {
  // A dash or whitespace in the name: any run of whitespace and dashes, or nothing.
  if (boundary) {
    return apostrophes > 0 ? ANY_KIND : NONE | SPACE | SPACES | DASH;
  }
  // An apostrophe in the name: an apostrophe, a space or nothing.
  if (apostrophes === 0) return NONE;
  return apostrophes === 1
    ? NONE | SPACE | APOSTROPHE
    : NONE | SPACE | SPACES | APOSTROPHE | QUOTED;
};

/** Between first and last name: whitespace, with the apostrophes a name may end or start with. */
const jointKinds = (edgeApostrophes: boolean) =>
  edgeApostrophes ? SPACE | SPACES | QUOTED : SPACE | SPACES;

/** Positions of the skeleton, 32 to a word. */
type Bits = Int32Array;

/**
 * `target &= source >> shift`: afterwards bit p of target is set only if
 * bit p + shift of source is. Says whether any bit is left.
 */
const andShifted = (target: Bits, source: Bits, shift: number): boolean => {
  const words = shift >>> 5;
  const offset = shift & 31;
  const size = target.length;
  let any = 0;
  for (let word = 0; word < size; word++) {
    const index = word + words;
    const low = index < size ? source[index]! : 0;
    const high = index + 1 < size ? source[index + 1]! : 0;
    const value = offset === 0 ? low : (low >>> offset) | (high << (32 - offset));
    const kept = target[word]! & value;
    target[word] = kept;
    any |= kept;
  }
  return any !== 0;
};

const hasBit = (bits: Bits, position: number) =>
  ((bits[position >>> 5]! >>> (position & 31)) & 1) === 1;

/** A name's characters, each with the kinds of run it allows before it. */
interface Element {
  unit: number;
  before: number;
}

/** The initial of "First M. Last": any letter. */
const ANY_LETTER = -1;

/** The narrative without separators, with what is needed to match names in it. */
class Skeleton {
  readonly size: number;
  /** Where each unit of the skeleton is in the folded text. */
  readonly at: number[] = [];
  private readonly units: number[] = [];
  private readonly kinds: number[] = [];
  private readonly words: boolean[] = [];
  /** From each position, how many plural letters ("s", "es") a name ending there takes; -1 where none may end. */
  readonly plural: Int8Array;
  /** Positions where a name may start: not right after a letter or digit. */
  readonly starts: Bits;
  /** Positions where a name may end, plural letters and all. */
  readonly ends: Bits;
  private readonly byUnit = new Map<number, Bits>();
  private readonly byKinds = new Map<number, Bits>();

  /** `wanted`: the units the names hold; only theirs are indexed. */
  constructor(
    folded: string,
    private readonly wanted: ReadonlySet<number>,
  ) {
    let kind = NONE;
    let runStart = -1;
    let apostrophes = 0;
    let dashes = 0;
    let index = 0;
    for (const char of folded) {
      if (isSeparator(char)) {
        if (runStart < 0) runStart = index;
        if (APOSTROPHE_CHARS.includes(char)) apostrophes++;
        else if (DASH_CHARS.includes(char)) dashes++;
        kind = runKind(index + 1 - runStart, apostrophes, dashes);
      } else {
        const word = WORD_CHAR.test(char);
        for (let unit = 0; unit < char.length; unit++) {
          this.at.push(index + unit);
          this.units.push(char.charCodeAt(unit));
          this.kinds.push(unit === 0 ? kind : NONE);
          this.words.push(word);
        }
        kind = NONE;
        runStart = -1;
        apostrophes = 0;
        dashes = 0;
      }
      index += char.length;
    }
    this.size = this.units.length;
    this.starts = this.empty();
    for (let position = 0; position < this.size; position++) {
      if (position === 0 || this.kinds[position] !== NONE || !this.words[position - 1]) {
        this.starts[position >>> 5]! |= 1 << (position & 31);
      }
    }
    this.plural = new Int8Array(this.size + 1).map((_, position) => this.pluralAt(position));
    this.ends = this.empty();
    this.plural.forEach((letters, position) => {
      if (letters >= 0) this.ends[position >>> 5]! |= 1 << (position & 31);
    });
  }

  private empty(): Bits {
    return new Int32Array((this.size >>> 5) + 2);
  }

  /** A name may end before this position: a separator, a character that is no letter or digit, or the end follows. */
  private endsAt(position: number): boolean {
    return position >= this.size || this.kinds[position] !== NONE || !this.words[position];
  }

  private joinedUnit(position: number, unit: string): boolean {
    return (
      position < this.size &&
      this.kinds[position] === NONE &&
      this.units[position] === unit.charCodeAt(0)
    );
  }

  /** Greedy, as `(?:e?s)?` followed by a word's end. */
  private pluralAt(position: number): number {
    if (
      this.joinedUnit(position, "e") &&
      this.joinedUnit(position + 1, "s") &&
      this.endsAt(position + 2)
    )
      return 2;
    if (this.joinedUnit(position, "s") && this.endsAt(position + 1)) return 1;
    return this.endsAt(position) ? 0 : -1;
  }

  /** Positions holding this unit, or undefined when none does. */
  unitBits(unit: number): Bits | undefined {
    if (this.byUnit.size === 0) {
      for (let position = 0; position < this.size; position++) {
        const code = this.units[position]!;
        if (!this.wanted.has(code)) continue;
        let bits = this.byUnit.get(code);
        if (!bits) {
          bits = this.empty();
          this.byUnit.set(code, bits);
        }
        bits[position >>> 5]! |= 1 << (position & 31);
      }
      const letters = this.empty();
      for (let position = 0; position < this.size; position++) {
        if (LETTER.test(String.fromCharCode(this.units[position]!))) {
          letters[position >>> 5]! |= 1 << (position & 31);
        }
      }
      this.byUnit.set(ANY_LETTER, letters);
    }
    return this.byUnit.get(unit);
  }

  /** Positions preceded by a run (or none) of one of these kinds. */
  kindBits(kinds: number): Bits {
    let bits = this.byKinds.get(kinds);
    if (!bits) {
      bits = this.empty();
      for (let position = 0; position < this.size; position++) {
        if (this.kinds[position]! & kinds) bits[position >>> 5]! |= 1 << (position & 31);
      }
      this.byKinds.set(kinds, bits);
    }
    return bits;
  }

  /** Where these elements match, or undefined when nowhere. */
  match(elements: readonly Element[]): Bits | undefined {
    const first = elements[0] && this.unitBits(elements[0].unit);
    if (!first) return undefined;
    const bits = first.slice();
    for (let offset = 1; offset < elements.length; offset++) {
      const { unit, before } = elements[offset]!;
      const units = this.unitBits(unit);
      if (!units) return undefined;
      if (before !== ANY_KIND && !andShifted(bits, this.kindBits(before), offset)) return undefined;
      if (!andShifted(bits, units, offset)) return undefined;
    }
    return bits;
  }
}

/**
 * A name as it may be written. Apostrophes before its first or after its
 * last letter identify no one, so they are left out of what is matched,
 * but they let the whitespace between first and last name hold apostrophes.
 */
interface NameShape {
  elements: Element[];
  /** Each part of a compound name ("Mary" of "Mary-Jane"): its first element and its length in characters. */
  parts: Array<{ from: number; chars: number }>;
  leading: boolean;
  trailing: boolean;
}

const nameShape = (name: string | undefined): NameShape | undefined => {
  if (name === undefined) return undefined;
  const elements: Element[] = [];
  const parts: NameShape["parts"] = [];
  let apostrophes = 0;
  let boundary = false;
  let leading = false;
  for (const char of foldForMatching(name.normalize("NFC"))) {
    if (APOSTROPHE_CHARS.includes(char)) apostrophes++;
    else if (isSeparator(char)) boundary = true;
    else {
      if (elements.length === 0) leading = apostrophes > 0;
      if (elements.length === 0 || boundary) parts.push({ from: elements.length, chars: 0 });
      parts.at(-1)!.chars++;
      for (let unit = 0; unit < char.length; unit++) {
        elements.push({
          unit: char.charCodeAt(unit),
          before: unit === 0 ? gapKinds(apostrophes, boundary) : NONE,
        });
      }
      apostrophes = 0;
      boundary = false;
    }
  }
  return elements.length === 0
    ? undefined
    : { elements, parts, leading, trailing: apostrophes > 0 };
};

export interface NamedPerson {
  token: string;
  firstName?: string;
  lastName?: string;
}

interface Variant {
  bits: Bits;
  length: number;
}

/** `base`, narrowed by each of `steps` shifted by its offset; undefined when nothing is left. */
const narrowed = (base: Bits, steps: ReadonlyArray<readonly [Bits | undefined, number]>) => {
  const bits = base.slice();
  for (const [step, offset] of steps) {
    if (!step || !andShifted(bits, step, offset)) return undefined;
  }
  return bits;
};

/**
 * Everywhere each way of writing one person's name matches, in the order
 * of preference: "First M. Last", "First M Last", "First Last",
 * "Last, First", "Last First", the first name, each part of it, the last
 * name, each part of it.
 */
const variantsOf = (skeleton: Skeleton, first?: NameShape, last?: NameShape): Variant[] => {
  const candidates: Array<{ bits: Bits | undefined; length: number }> = [];
  const partsOf = (shape: NameShape) =>
    shape.parts.length < 2
      ? []
      : shape.parts.flatMap((part, index) => {
          if (part.chars < 2) return [];
          const to = shape.parts[index + 1]?.from ?? shape.elements.length;
          const elements = shape.elements.slice(part.from, to);
          return [{ bits: skeleton.match(elements), length: elements.length }];
        });
  const firstBits = first && skeleton.match(first.elements);
  const lastBits = last && skeleton.match(last.elements);
  if (first && last && firstBits && lastBits) {
    const m1 = first.elements.length;
    const m2 = last.elements.length;
    const forward = skeleton.kindBits(jointKinds(first.trailing || last.leading));
    const backward = skeleton.kindBits(jointKinds(last.trailing || first.leading));
    const letters = skeleton.unitBits(ANY_LETTER);
    const joined = skeleton.kindBits(NONE);
    const dots = skeleton.unitBits(".".charCodeAt(0));
    const commas = skeleton.unitBits(",".charCodeAt(0));
    candidates.push(
      {
        bits: narrowed(firstBits, [
          [forward, m1],
          [letters, m1],
          [joined, m1 + 1],
          [dots, m1 + 1],
          [forward, m1 + 2],
          [lastBits, m1 + 2],
        ]),
        length: m1 + 2 + m2,
      },
      {
        bits: narrowed(firstBits, [
          [forward, m1],
          [letters, m1],
          [forward, m1 + 1],
          [lastBits, m1 + 1],
        ]),
        length: m1 + 1 + m2,
      },
      {
        bits: narrowed(firstBits, [
          [forward, m1],
          [lastBits, m1],
        ]),
        length: m1 + m2,
      },
      {
        bits: narrowed(lastBits, [
          [joined, m2],
          [commas, m2],
          [backward, m2 + 1],
          [firstBits, m2 + 1],
        ]),
        length: m2 + 1 + m1,
      },
      {
        bits: narrowed(lastBits, [
          [backward, m2],
          [firstBits, m2],
        ]),
        length: m2 + m1,
      },
    );
  }
  if (first) candidates.push({ bits: firstBits, length: first.elements.length }, ...partsOf(first));
  if (last) candidates.push({ bits: lastBits, length: last.elements.length }, ...partsOf(last));
  return candidates.flatMap(({ bits, length }) => {
    const whole =
      bits &&
      narrowed(bits, [
        [skeleton.starts, 0],
        [skeleton.ends, length],
      ]);
    return whole ? [{ bits: whole, length }] : [];
  });
};

/**
 * Where each person's name is written, as spans of the folded text. Where
 * several names start at one position only the longest (on equal length,
 * the first person's) is kept: the others could change nothing once spans
 * are merged, and many people of one name would otherwise make a span per
 * person per position.
 */
export const findNames = (
  folded: string,
  people: readonly NamedPerson[],
): Array<{ start: number; end: number; token: string }> => {
  const shaped = people.flatMap(({ token, firstName, lastName }) => {
    const first = nameShape(firstName);
    const last = nameShape(lastName);
    return first || last ? [{ token, first, last }] : [];
  });
  if (shaped.length === 0) return [];
  const wanted = new Set(
    shaped.flatMap(({ first, last }) =>
      [...(first?.elements ?? []), ...(last?.elements ?? [])].map(({ unit }) => unit),
    ),
  );
  wanted.add(".".charCodeAt(0)).add(",".charCodeAt(0));
  const skeleton = new Skeleton(folded, wanted);
  if (skeleton.size === 0) return [];
  const longest = new Int32Array(skeleton.size).fill(-1);
  const tokens: string[] = [];
  for (const { token, first, last } of shaped) {
    const variants = variantsOf(skeleton, first, last);
    if (variants.length === 0) continue;
    const any = variants[0]!.bits.slice();
    for (const { bits } of variants.slice(1)) {
      for (let index = 0; index < any.length; index++) any[index]! |= bits[index]!;
    }
    // As a regular expression scans: the leftmost match, then on after its end.
    let resume = 0;
    any.forEach((word, index) => {
      for (let rest = word; rest !== 0; rest &= rest - 1) {
        const start = index * 32 + (31 - Math.clz32(rest & -rest));
        if (start < resume) continue;
        const { length } = variants.find(({ bits }) => hasBit(bits, start))!;
        const end = start + length + skeleton.plural[start + length]!;
        if (end > longest[start]!) {
          longest[start] = end;
          tokens[start] = token;
        }
        resume = end;
      }
    });
  }
  const spans: Array<{ start: number; end: number; token: string }> = [];
  longest.forEach((end, start) => {
    if (end < 0) return;
    let foldedEnd = skeleton.at[end - 1]! + 1;
    // A plural possessive's apostrophe (the Parks' car) goes with the name.
    if (APOSTROPHE_CHARS.includes(folded[foldedEnd] ?? "") && !startsWord(folded, foldedEnd + 1)) {
      foldedEnd += 1;
    }
    spans.push({ start: skeleton.at[start]!, end: foldedEnd, token: tokens[start]! });
  });
  return spans;
};

const startsWord = (text: string, index: number): boolean => {
  const codePoint = text.codePointAt(index);
  return codePoint !== undefined && WORD_CHAR.test(String.fromCodePoint(codePoint));
};
