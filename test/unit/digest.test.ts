import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, submissionDigest } from "../../shared/incident/digest.ts";

const shuffleKeys = (value: unknown, seed: number): unknown => {
  if (Array.isArray(value)) return value.map((child) => shuffleKeys(child, seed));
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    const rotated = entries.map((_, index) => entries[(index + seed) % entries.length]!);
    return Object.fromEntries(rotated.map(([key, child]) => [key, shuffleKeys(child, seed + 1)]));
  }
  return value;
};

describe("canonicalJson and the submission digest", () => {
  it("ignore key order at every depth", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(20), (value, seed) => {
        expect(canonicalJson(shuffleKeys(value, seed))).toBe(canonicalJson(value));
        expect(submissionDigest(shuffleKeys(value, seed), "o")).toBe(submissionDigest(value, "o"));
      }),
    );
  });

  it("round-trip to a deeply equal value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it("differ for other content or another officer", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        fc.pre(canonicalJson(a) !== canonicalJson(b));
        expect(submissionDigest(a, "o")).not.toBe(submissionDigest(b, "o"));
      }),
    );
    expect(submissionDigest({ a: 1 }, "o1")).not.toBe(submissionDigest({ a: 1 }, "o2"));
  });

  it("keep array order significant", () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });
});
