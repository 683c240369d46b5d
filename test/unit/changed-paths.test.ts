import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { changedPaths } from "../../shared/incident/changed-paths.ts";
import { canonicalJson } from "../../shared/incident/digest.ts";
import { INCIDENT_EVENT_FIELDS } from "../../shared/incident/schema.ts";
import { incidentArbitrary, studentArbitrary } from "../support/incident-arbitrary.ts";
import { EXAMPLE_INCIDENT } from "../support/local-stack.ts";

type Segment = string | number;

/** `students[0].ref.localId` → ["students", 0, "ref", "localId"] (the event's keys are identifiers). */
const parsePath = (path: string): Segment[] =>
  [...path.matchAll(/([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]/g)].map((match) =>
    match[1] !== undefined ? match[1] : Number(match[2]),
  );

const valueAt = (value: unknown, path: Segment[]): unknown =>
  path.reduce<unknown>(
    (node, segment) =>
      node !== null && typeof node === "object"
        ? (node as Record<string | number, unknown>)[segment]
        : undefined,
    value,
  );

const same = (a: unknown, b: unknown) =>
  a === b || (a !== undefined && b !== undefined && canonicalJson(a) === canonicalJson(b));

/**
 * Copies `after`'s value at each path into a copy of `before`: an element
 * path past `after`'s end removes the element (last first), and an object
 * array that ends empty where `after` has none is removed, as JSON would
 * not have it.
 */
const applyPaths = (before: unknown, after: unknown, paths: string[]) => {
  const result = structuredClone(before) as Record<string, any>;
  const parsed = paths.map(parsePath);
  const removals = parsed
    .filter((path) => valueAt(after, path) === undefined && typeof path.at(-1) === "number")
    .sort((a, b) => (b.at(-1) as number) - (a.at(-1) as number));
  for (const path of parsed) {
    if (removals.includes(path)) continue;
    const parent = path.slice(0, -1);
    const last = path.at(-1)!;
    let node: any = result;
    parent.forEach((segment, index) => {
      if (node[segment] === undefined)
        node[segment] =
          typeof parent[index + 1] === "number" ||
          (typeof last === "number" && index === parent.length - 1)
            ? []
            : {};
      node = node[segment];
    });
    const value = valueAt(after, path);
    if (value === undefined) delete node[last];
    else node[last] = structuredClone(value);
  }
  for (const path of removals) {
    const parent = path.slice(0, -1);
    const array = valueAt(result, parent) as unknown[];
    array.splice(path.at(-1) as number, 1);
    if (array.length === 0 && valueAt(after, parent) === undefined) {
      const holder = valueAt(result, parent.slice(0, -1)) as Record<Segment, unknown>;
      delete holder[parent.at(-1)!];
    }
  }
  return result;
};

const shuffleKeys = (value: unknown, seed: number): unknown => {
  if (Array.isArray(value)) return value.map((child) => shuffleKeys(child, seed));
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    const rotated = entries.map((_, index) => entries[(index + seed) % entries.length]!);
    return Object.fromEntries(rotated.map(([key, child]) => [key, shuffleKeys(child, seed + 1)]));
  }
  return value;
};

/** Two versions of one incident: unrelated, or the second a few edits away from the first. */
const versionPair = fc.oneof(
  fc.tuple(incidentArbitrary(), incidentArbitrary()),
  incidentArbitrary().chain((before) =>
    fc.tuple(
      fc.constant(before),
      fc
        .record({
          grade: fc.option(fc.constantFrom("9", "10", "K"), { nil: undefined }),
          dropLast: fc.boolean(),
          added: fc.option(studentArbitrary, { nil: undefined }),
          narrative: fc.option(fc.constantFrom("Rewritten.", undefined), { nil: null }),
        })
        .map(({ grade, dropLast, added, narrative }) => {
          const after = structuredClone(before) as any;
          if (grade !== undefined) after.students[0].grade = grade;
          if (dropLast && after.students.length > 1) after.students.pop();
          if (added) after.students.push({ ...added, ref: {} });
          if (narrative === undefined) delete after.narrative;
          else if (narrative !== null) after.narrative = narrative;
          return after;
        }),
    ),
  ),
);

const LEAF_PATH = /^[A-Za-z]+(\[\d+\])?(\.[A-Za-z]+(\[\d+\])?)*$/;

describe("changedPaths", () => {
  it("finds nothing between a version and itself, whatever its key order", () => {
    fc.assert(
      fc.property(incidentArbitrary(), fc.nat(20), (event, seed) => {
        expect(changedPaths(event, event)).toEqual([]);
        expect(changedPaths(event, shuffleKeys(event, seed))).toEqual([]);
      }),
    );
  });

  it("names only paths whose value differs, and every change: copying them over gives the new version", () => {
    fc.assert(
      fc.property(versionPair, fc.nat(20), ([before, after], seed) => {
        const paths = changedPaths(before, after);
        for (const path of paths) {
          expect(path).toMatch(LEAF_PATH);
          expect(same(valueAt(before, parsePath(path)), valueAt(after, parsePath(path)))).toBe(
            false,
          );
        }
        expect(canonicalJson(applyPaths(before, after, paths))).toBe(canonicalJson(after));
        expect(changedPaths(shuffleKeys(before, seed), after)).toEqual(paths);
        expect(changedPaths(after, before)).toEqual(paths);
      }),
    );
  });

  it("never holds a value: each path is made of the contract's keys and indexes only", () => {
    const keys = new Set([
      ...Object.keys(INCIDENT_EVENT_FIELDS),
      ...Object.keys(EXAMPLE_INCIDENT),
      ...Object.keys(EXAMPLE_INCIDENT.students[0]),
      "localId",
      "firstName",
      "lastName",
      "dateOfBirth",
      "age",
      "contraband",
      "otherPersons",
      "educationCodeSections",
      "narrative",
      "role",
    ]);
    fc.assert(
      fc.property(versionPair, ([before, after]) => {
        for (const path of changedPaths(before, after)) {
          for (const segment of parsePath(path)) {
            if (typeof segment === "string") expect(keys).toContain(segment);
          }
        }
      }),
    );
  });

  it("counts an enum or string array as one value at its own path", () => {
    const before = structuredClone(EXAMPLE_INCIDENT);
    const after = structuredClone(EXAMPLE_INCIDENT);
    after.students[0].actions = ["questioned", "arrest", "referral_to_school_administrator"];
    after.students[1].raceEthnicity = ["white", "asian"];
    after.educationCodeSections = ["48900.2"];
    after.students[0].contraband = ["other"];
    expect(changedPaths(before, after)).toEqual([
      "educationCodeSections",
      "students[0].actions",
      "students[0].contraband",
      "students[1].raceEthnicity",
    ]);
  });

  it("gives a leaf's path with array indexes", () => {
    const after = structuredClone(EXAMPLE_INCIDENT);
    after.students[0].grade = "11";
    after.students[0].ref.firstName = "Maria";
    delete after.students[0].age;
    after.otherPersons[0].role = "other_adult";
    expect(changedPaths(EXAMPLE_INCIDENT, after)).toEqual([
      "otherPersons[0].role",
      "students[0].age",
      "students[0].grade",
      "students[0].ref.firstName",
    ]);
  });

  it("gives an added or removed student or person as its element's path", () => {
    const added = structuredClone(EXAMPLE_INCIDENT);
    added.students.push(structuredClone(EXAMPLE_INCIDENT.students[1]));
    added.otherPersons.push({ role: "parent_guardian" });
    expect(changedPaths(EXAMPLE_INCIDENT, added)).toEqual(["otherPersons[1]", "students[2]"]);
    expect(changedPaths(added, EXAMPLE_INCIDENT)).toEqual(["otherPersons[1]", "students[2]"]);
    const withoutPersons = structuredClone(EXAMPLE_INCIDENT);
    delete withoutPersons.otherPersons;
    expect(changedPaths(EXAMPLE_INCIDENT, withoutPersons)).toEqual(["otherPersons[0]"]);
    expect(changedPaths(withoutPersons, { ...withoutPersons, otherPersons: [] })).toEqual([
      "otherPersons",
    ]);
  });
});
