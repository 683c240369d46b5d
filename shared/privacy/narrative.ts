import type { Person, Student } from "../incident/schema.ts";
import { findNames, foldForMatching, type NamedPerson } from "./names.ts";

export { foldForMatching };

/**
 * Narrative scrubbing (contracts section 3). Every rule proposes spans of the
 * original text; overlapping spans are merged and replaced by the token of
 * the longest (on equal length, of the rule listed first). So a name inside
 * an e-mail address goes with the address, and "May 5, 2010" is a date of
 * birth even for a student named May.
 */

export const PERSON_TOKEN_PREFIX: Record<Person["role"], string> = {
  staff: "STAFF",
  parent_guardian: "PARENT",
  other_adult: "ADULT",
  non_student_minor: "MINOR",
};

interface Span {
  start: number;
  end: number;
  token: string;
  priority: number;
}

/** A rule: what it finds, in a text already folded for matching. */
interface Rule {
  name: string;
  find(folded: string, people: NarrativeSubjects): Array<Omit<Span, "priority">>;
}

export interface NarrativeSubjects {
  students: ReadonlyArray<Pick<Student, "ref">>;
  otherPersons: ReadonlyArray<Person>;
}

const LETTER_OR_DIGIT = "\\p{L}\\p{N}";
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const allMatches = (pattern: RegExp, folded: string, token: string) =>
  Array.from(folded.matchAll(pattern), (match) => ({
    start: match.index,
    end: match.index + match[0].length,
    token,
  }));

const namedPeople = ({ students, otherPersons }: NarrativeSubjects): NamedPerson[] => {
  const counters: Record<string, number> = {};
  return [
    ...students.map((student, index) => ({
      token: `[STUDENT ${index + 1}]`,
      firstName: student.ref.firstName,
      lastName: student.ref.lastName,
    })),
    ...otherPersons.map((person) => {
      const prefix = PERSON_TOKEN_PREFIX[person.role];
      counters[prefix] = (counters[prefix] ?? 0) + 1;
      return {
        token: `[${prefix} ${counters[prefix]}]`,
        firstName: person.firstName,
        lastName: person.lastName,
      };
    }),
  ];
};

const nameRule: Rule = {
  name: "names",
  find: (folded, subjects) => findNames(folded, namedPeople(subjects)),
};

/**
 * The part before the "@" is found as a whole run of the characters it may
 * hold, never from each position inside the run: trying every start in a
 * long run without an "@" took quadratic time.
 */
const EMAIL_LOCAL_RUN = /[\p{L}\p{N}._%+'-]+/gu;
const EMAIL_DOMAIN = /@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/uy;

const emailRule: Rule = {
  name: "email",
  find: (folded) =>
    Array.from(folded.matchAll(EMAIL_LOCAL_RUN)).flatMap((local) => {
      const at = local.index + local[0].length;
      EMAIL_DOMAIN.lastIndex = at;
      const domain = EMAIL_DOMAIN.exec(folded);
      return domain ? [{ start: local.index, end: at + domain[0].length, token: "[EMAIL]" }] : [];
    }),
};

const phoneRule: Rule = {
  name: "phone",
  find: (folded) =>
    allMatches(
      /(?<![\p{N}])(?:(?:\+?1[\s.\-‐‑‒–—]?)?(?:\(\d{3}\)\s?|\d{3}[\s.\-‐‑‒–—]?))?\d{3}[\s.\-‐‑‒–—]\d{4}(?:\s?(?:x|ext\.?)\s?\d{1,5})?(?![\p{N}])|(?<![\p{N}])(?:\+?1)?\d{10}(?![\p{N}])/gu,
      folded,
      "[PHONE]",
    ),
};

const ssnRule: Rule = {
  name: "ssn",
  find: (folded) =>
    allMatches(/(?<![\p{N}])\d{3}([\s.\-‐‑‒–—]?)\d{2}\1\d{4}(?![\p{N}])/gu, folded, "[SSN]"),
};

const MONTHS = [
  ["january", "jan"],
  ["february", "feb"],
  ["march", "mar"],
  ["april", "apr"],
  ["may", "may"],
  ["june", "jun"],
  ["july", "jul"],
  ["august", "aug"],
  ["september", "sept?"],
  ["october", "oct"],
  ["november", "nov"],
  ["december", "dec"],
] as const;

/** Every common way of writing one calendar date, as regex alternatives. */
export const datePatterns = (isoDate: string): string[] => {
  const [yearText, monthText, dayText] = isoDate.split("-");
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  const [longMonth, shortMonth] = MONTHS[month - 1]!;
  const monthName = `(?:${longMonth}|${shortMonth}\\.?)`;
  const dayNumber = `0?${day}(?:st|nd|rd|th)?`;
  const monthNumber = `0?${month}`;
  const twoDigitYear = String(year % 100).padStart(2, "0");
  const anyYear = `(?:${year}|['’]?${twoDigitYear})`;
  const sep = "[\\/.\\-‐‑‒–—]";
  const gap = "[\\s,.\\-/]*";
  const mm = String(month).padStart(2, "0");
  const dd = String(day).padStart(2, "0");
  return [
    `${year}${sep}${monthNumber}${sep}0?${day}`, // 2009-11-23, 2009/11/23
    `${monthNumber}${sep}0?${day}${sep}${anyYear}`, // 11/23/2009, 11-23-09
    `0?${day}${sep}${monthNumber}${sep}${anyYear}`, // 23/11/2009, 23.11.2009
    `${monthName}${gap}${dayNumber}${gap}(?:of${gap})?${anyYear}`, // Nov 23, 2009; Nov-23-09; Apr 5, '10
    `${dayNumber}${gap}(?:of${gap})?${monthName}${gap}${anyYear}`, // 23 November 2009; 05APR2010; 5-Apr-2010
    `${mm}${dd}${year}`, // 11232009
    `${year}${mm}${dd}`, // 20091123
  ];
};

const dobRule: Rule = {
  name: "dateOfBirth",
  find: (folded, { students }) => {
    const dates = [...new Set(students.flatMap((student) => student.ref.dateOfBirth ?? []))];
    return dates.length === 0
      ? []
      : allMatches(
          new RegExp(
            `(?<![${LETTER_OR_DIGIT}])(?:${dates.flatMap(datePatterns).join("|")})(?![${LETTER_OR_DIGIT}])`,
            "gu",
          ),
          folded,
          "[DOB]",
        );
  },
};

/** Ids of five or more characters are found even inside longer tokens ("IDS3000123"). */
const LOCAL_ID_SUBSTRING_MIN = 5;

const localIdRule: Rule = {
  name: "localId",
  find: (folded, { students }) =>
    students.flatMap((student) => {
      const localId = student.ref.localId;
      if (!localId) return [];
      const id = escapeRegExp(foldForMatching(localId));
      const pattern =
        localId.length >= LOCAL_ID_SUBSTRING_MIN
          ? new RegExp(id, "gu")
          : new RegExp(`(?<![${LETTER_OR_DIGIT}])${id}(?![${LETTER_OR_DIGIT}])`, "gu");
      return allMatches(pattern, folded, "[STUDENT ID]");
    }),
};

const STREET_SUFFIXES = [
  "street",
  "st",
  "avenue",
  "ave",
  "av",
  "road",
  "rd",
  "boulevard",
  "blvd",
  "lane",
  "ln",
  "drive",
  "dr",
  "court",
  "ct",
  "way",
  "place",
  "pl",
  "circle",
  "cir",
  "terrace",
  "ter",
  "parkway",
  "pkwy",
  "highway",
  "hwy",
  "trail",
  "trl",
  "square",
  "sq",
  "loop",
  "alley",
];

const addressRule: Rule = {
  name: "streetAddress",
  find: (folded) =>
    allMatches(
      new RegExp(
        `(?<![${LETTER_OR_DIGIT}])\\d{1,6}[a-z]?\\s+(?:[nsew]\\.?\\s+|north\\s+|south\\s+|east\\s+|west\\s+)?(?:(?:\\d+(?:st|nd|rd|th)|\\p{L}[\\p{L}'’.-]*)\\s+){1,6}?(?:${STREET_SUFFIXES.join("|")})\\.?(?![${LETTER_OR_DIGIT}])(?:,?\\s+(?:apt|apartment|unit|suite|ste|#)\\.?\\s*#?[\\p{L}\\p{N}-]+)?`,
        "gu",
      ),
      folded,
      "[ADDRESS]",
    ),
};

/** In the contract's order of priority: names first, street addresses last. */
export const NARRATIVE_RULES: readonly Rule[] = [
  nameRule,
  emailRule,
  phoneRule,
  ssnRule,
  dobRule,
  localIdRule,
  addressRule,
];

/**
 * Overlapping spans merge into one, so every character any rule matched is
 * replaced; the merged span takes the token of its longest part (on equal
 * length, of the rule listed first).
 */
const mergeSpans = (spans: Span[]): Span[] => {
  const merged: Array<Span & { length: number }> = [];
  for (const span of [...spans].sort((a, b) => a.start - b.start || b.end - a.end)) {
    const last = merged.at(-1);
    const length = span.end - span.start;
    if (last && span.start < last.end) {
      const better =
        length > last.length || (length === last.length && span.priority < last.priority);
      last.end = Math.max(last.end, span.end);
      if (better) Object.assign(last, { token: span.token, priority: span.priority, length });
    } else {
      merged.push({ ...span, length });
    }
  }
  return merged;
};

export const scrubNarrative = (narrative: string, subjects: NarrativeSubjects): string => {
  const text = narrative.normalize("NFC");
  const folded = foldForMatching(text);
  const spans = NARRATIVE_RULES.flatMap((rule, priority) =>
    rule.find(folded, subjects).map((span) => ({ ...span, priority })),
  ).filter((span) => span.end > span.start);
  let result = "";
  let position = 0;
  for (const span of mergeSpans(spans)) {
    result += text.slice(position, span.start) + span.token;
    position = span.end;
  }
  return result + text.slice(position);
};
