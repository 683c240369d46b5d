import { canonicalJson } from "./digest.ts";
import { formatPath, type JsonPath } from "./forbidden.ts";

/**
 * Contracts section 8: the JSON paths whose value differs between two
 * versions of an incident, never the values themselves.
 *
 * - Objects are compared key by key (key order ignored), down to the leaves.
 * - An array that holds objects (`students`, `otherPersons`) is compared
 *   index by index; an element only one side has is reported at its own
 *   path (`students[2]`), so an added or removed student is one path, not
 *   one per field.
 * - Any other array (`actions`, `raceEthnicity`, `contraband`,
 *   `educationCodeSections`) is one value at its own path.
 * - An absent object array is read as an empty one, so adding the first
 *   person is `otherPersons[0]`; absent against an explicit `[]` still
 *   differs as a value and is reported at the array's path.
 *
 * Paths come out sorted as strings, so the answer does not depend on the key
 * order of either version.
 */
export const changedPaths = (before: unknown, after: unknown): string[] => {
  const found: JsonPath[] = [];
  collect(before, after, [], found);
  return found.map(formatPath).sort(compareStrings);
};

const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

const holdsObjects = (value: unknown): value is unknown[] =>
  Array.isArray(value) && value.some(isPlainObject);

const sameValue = (a: unknown, b: unknown) =>
  a === b || (a !== undefined && b !== undefined && canonicalJson(a) === canonicalJson(b));

const collect = (before: unknown, after: unknown, path: JsonPath, found: JsonPath[]): void => {
  if (sameValue(before, after)) return;
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const key of keys) collect(before[key], after[key], [...path, key], found);
    return;
  }
  const elementWise =
    (holdsObjects(before) || holdsObjects(after)) &&
    (Array.isArray(before) || before === undefined) &&
    (Array.isArray(after) || after === undefined);
  if (elementWise) {
    const left = (before ?? []) as unknown[];
    const right = (after ?? []) as unknown[];
    const length = Math.max(left.length, right.length);
    for (let index = 0; index < length; index += 1) {
      if (index >= left.length || index >= right.length) found.push([...path, index]);
      else collect(left[index], right[index], [...path, index], found);
    }
    return;
  }
  found.push(path);
};
