/**
 * Education Code 234.7: the system refuses citizenship and immigration data
 * rather than hiding it. Both checks run on the raw parsed body, before the
 * schema, so a forbidden key is reported as such and not as an unknown field.
 */

export const FORBIDDEN_FIELD_NAMES: ReadonlySet<string> = new Set([
  "citizenship",
  "citizen",
  "citizenshipstatus",
  "immigration",
  "immigrationstatus",
  "nationality",
  "countryofbirth",
  "birthcountry",
  "placeofbirth",
  "visa",
  "visastatus",
  "passport",
  "passportnumber",
  "aliennumber",
  "alienregistrationnumber",
  "greencard",
  "residencystatus",
  "legalstatus",
  "documentationstatus",
]);

export const FORBIDDEN_NARRATIVE_TERMS = [
  "undocumented",
  "immigration",
  "immigration status",
  "citizenship status",
  "not a citizen",
  "noncitizen",
  "non-citizen",
  "green card",
  "visa status",
  "deport",
  "deported",
  "deportation",
  "illegal alien",
  "illegal immigrant",
  "DACA",
  "asylum",
  "refugee status",
] as const;

export type JsonPath = ReadonlyArray<string | number>;

/** Lower-cases a key and keeps only letters and digits, as the contract defines. */
export const normaliseFieldName = (key: string): string =>
  key.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");

const isForbiddenKey = (key: string) => FORBIDDEN_FIELD_NAMES.has(normaliseFieldName(key));

interface Visit {
  node: unknown;
  key?: string | number;
  parent?: Visit;
}

const pathOf = (visit: Visit): JsonPath => {
  const path: Array<string | number> = [];
  for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) path.push(at.key);
  return path.reverse();
};

/**
 * Paths of every forbidden key at any depth. Iterative, and building a path
 * only for a hit, so a hostile, deeply nested body costs linear time and no
 * stack.
 */
export const findForbiddenFields = (value: unknown): JsonPath[] => {
  const found: JsonPath[] = [];
  const pending: Visit[] = [{ node: value }];
  while (pending.length > 0) {
    const visit = pending.pop()!;
    const { node } = visit;
    if (Array.isArray(node)) {
      node.forEach((child, index) => {
        pending.push({ node: child, key: index, parent: visit });
      });
    } else if (node !== null && typeof node === "object") {
      for (const [key, child] of Object.entries(node)) {
        const childVisit = { node: child, key, parent: visit };
        if (isForbiddenKey(key)) found.push(pathOf(childVisit));
        pending.push(childVisit);
      }
    }
  }
  return found.sort((a, b) => formatPath(a).localeCompare(formatPath(b)));
};

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Whole words or phrases: not preceded or followed by a letter or digit. A
 * hyphen is a boundary, so "anti-immigration" is caught; any run of
 * whitespace may separate the words of a phrase.
 */
const termPattern = (term: string) =>
  new RegExp(
    `(?<![\\p{L}\\p{N}])${escapeRegExp(term).replace(/ /g, "\\s+")}(?![\\p{L}\\p{N}])`,
    "iu",
  );

const TERM_PATTERNS = FORBIDDEN_NARRATIVE_TERMS.map((term) => ({
  term,
  pattern: termPattern(term),
}));

/** The listed terms found in a narrative, in list order. */
export const findForbiddenTerms = (narrative: string): string[] =>
  TERM_PATTERNS.filter(({ pattern }) => pattern.test(narrative)).map(({ term }) => term);

/** `students[0].ref.localId`: the path notation of the contract's error details. */
export const formatPath = (path: JsonPath): string =>
  path.reduce<string>((text, segment) => {
    if (typeof segment === "number") return `${text}[${segment}]`;
    const safe = segment === "*" || /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment);
    if (safe) return text === "" ? segment : `${text}.${segment}`;
    return `${text}[${JSON.stringify(segment)}]`;
  }, "");
