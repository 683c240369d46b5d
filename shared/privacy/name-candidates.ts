import { findNames, foldForMatching, type NamedPerson } from "./names.ts";

/**
 * The names check before a report is submitted (contracts section 7): the
 * redaction replaces only the names listed in the report, so words of the
 * narrative that look like a person's name and are not listed are offered
 * to the officer to add as a student or other person. It runs on the
 * officer's device, in the browser, and so imports nothing of Node.
 */

export interface NameCandidate {
  /** The words as written, e.g. "Jordan Smith". */
  text: string;
  firstName?: string;
  lastName?: string;
}

/** Words that stand before a surname, and after which a full stop does not end a sentence. */
const TITLES = new Set([
  "mr",
  "mrs",
  "ms",
  "miss",
  "mx",
  "dr",
  "coach",
  "officer",
  "deputy",
  "sgt",
  "sergeant",
  "principal",
  "teacher",
  "nurse",
  "counselor",
]);

/** Capitalised words that are not names: titles, calendar words, places and subjects at school, pronouns. */
const COMMON = new Set([
  ...TITLES,
  ..."i i'm i've i'd he she they we it you his her their our my me him them this that these those there here then when while after before during at in on by with from to of for and or but not no yes ok".split(
    " ",
  ),
  ..."monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december".split(
    " ",
  ),
  ..."school high middle elementary academy campus district department police station room hall hallway gym cafeteria library office building street st avenue ave road rd boulevard blvd parking lot bus field court".split(
    " ",
  ),
  ..."english spanish math mathematics science history biology chemistry physics art music pe algebra geometry government economics health".split(
    " ",
  ),
  ..."am pm sro vice assistant security staff student students parent parents guardian mom dad mother father sister brother grandma grandmother grandpa grandfather aunt uncle".split(
    " ",
  ),
]);

const WORD = /\p{Lu}[\p{L}'’-]*/uy;
const SENTENCE_END = /[.!?:;"“”(\n]/u;

interface Word {
  text: string;
  start: number;
  end: number;
  capital: boolean;
  afterTitle: boolean;
  sentenceStart: boolean;
}

/** The narrative's words with where they are and what stands before them. */
const wordsOf = (narrative: string): Word[] => {
  const words: Word[] = [];
  const pattern = /[\p{L}][\p{L}'’-]*/gu;
  for (const match of narrative.matchAll(pattern)) {
    const start = match.index;
    const text = match[0].replace(/['’-]+$/u, "");
    let before = start - 1;
    while (before >= 0 && /[ \t]/.test(narrative[before]!)) before--;
    const previous = words.at(-1);
    const previousIsTitle =
      previous !== undefined && TITLES.has(previous.text.toLowerCase()) && previous.end <= start;
    const sentenceStart = before < 0 || (SENTENCE_END.test(narrative[before]!) && !previousIsTitle);
    WORD.lastIndex = 0;
    words.push({
      text,
      start,
      end: start + text.length,
      capital: WORD.test(text) && /^\p{Lu}\p{Ll}/u.test(text),
      afterTitle: previousIsTitle && previous!.end + 2 >= start,
      sentenceStart,
    });
  }
  return words;
};

export const nameCandidates = (
  narrative: string,
  listed: readonly Omit<NamedPerson, "token">[],
): NameCandidate[] => {
  const spans = findNames(
    foldForMatching(narrative),
    listed.map((person, index) => ({ ...person, token: String(index) })),
  );
  const isListed = (word: Word) =>
    spans.some((span) => span.start < word.end && word.start < span.end);
  const looksLikeName = (word: Word) =>
    word.capital && !COMMON.has(word.text.toLowerCase()) && !isListed(word);

  const found: NameCandidate[] = [];
  const seen = new Set<string>();
  const words = wordsOf(narrative);
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    if (!looksLikeName(word) || (word.sentenceStart && !word.afterTitle)) continue;
    // "Jordan Smith": a capitalised word right after, on the same line, is the surname.
    const next = words[index + 1];
    const joined =
      next !== undefined &&
      looksLikeName(next) &&
      /^[ \t]+$/.test(narrative.slice(word.end, next.start));
    const candidate: NameCandidate = word.afterTitle
      ? { text: word.text, lastName: word.text }
      : joined
        ? {
            text: `${word.text} ${next.text}`,
            firstName: word.text,
            lastName: next.text,
          }
        : { text: word.text, firstName: word.text };
    if (joined && !word.afterTitle) index++;
    const key = candidate.text.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    found.push(candidate);
  }
  return found;
};
