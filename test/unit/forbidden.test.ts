import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  FORBIDDEN_FIELD_NAMES,
  FORBIDDEN_NARRATIVE_TERMS,
  findForbiddenFields,
  findForbiddenTerms,
  formatPath,
  normaliseFieldName,
} from "../../shared/incident/forbidden.ts";

describe("forbidden field names (Education Code 234.7)", () => {
  it.each([
    ["Immigration-Status", ["Immigration-Status"]],
    ["immigration_status", ["immigration_status"]],
    ["CITIZENSHIP", ["CITIZENSHIP"]],
    ["Country Of Birth", ["Country Of Birth"]],
    ["green.card", ["green.card"]],
    ["a_lien_number", ["a_lien_number"]],
  ])("finds %s at the top level", (key, path) => {
    expect(findForbiddenFields({ [key]: "x" })).toEqual([path]);
  });

  it("finds them at any depth, inside arrays, with their paths", () => {
    const body = {
      students: [{ ref: { visaStatus: "x" } }, { ref: {}, extra: [{ PASSPORT: 1 }] }],
      nested: { deeper: { "legal-status": { nationality: true } } },
    };
    expect(findForbiddenFields(body).map(formatPath).sort()).toEqual(
      [
        'nested.deeper["legal-status"]',
        'nested.deeper["legal-status"].nationality',
        "students[0].ref.visaStatus",
        "students[1].extra[0].PASSPORT",
      ].sort(),
    );
  });

  it("leaves other keys alone, including citizenship-like words that are not on the list", () => {
    expect(
      findForbiddenFields({
        citizenshipAward: 1,
        visitor: 2,
        passportPhotoTaken: 3,
        narrative: "visa",
      }),
    ).toEqual([]);
  });

  it("finds every listed name however it is cased and punctuated", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FORBIDDEN_FIELD_NAMES),
        fc.array(fc.constantFrom("", "_", "-", " ", ".", "$"), { minLength: 40, maxLength: 40 }),
        fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
        (name, separators, upper) => {
          const key = [...name]
            .map((char, index) => `${upper[index] ? char.toUpperCase() : char}${separators[index]}`)
            .join("");
          expect(normaliseFieldName(key)).toBe(name);
          expect(findForbiddenFields({ a: [{ [key]: 1 }] })).toHaveLength(1);
        },
      ),
    );
  });

  it("walks hostile nesting without overflowing the stack", () => {
    let deep: unknown = { immigration: 1 };
    for (let i = 0; i < 20_000; i++) deep = [deep];
    expect(findForbiddenFields(deep)).toHaveLength(1);
  });
});

describe("forbidden narrative terms", () => {
  it.each(FORBIDDEN_NARRATIVE_TERMS.map((term) => [term]))("finds %s in any case", (term) => {
    expect(findForbiddenTerms(`Officer noted: ${term.toUpperCase()}.`)).toContain(term);
    expect(findForbiddenTerms(`${term.toLowerCase()}, then left`)).toContain(term);
  });

  it.each([
    ["She received the citizenship award.", []],
    ["His deportment was calm.", []],
    ["The immigrations office", []],
    ["Undocumented visitor on campus", ["undocumented"]],
    ["asked about his green\n card", ["green card"]],
    ["The boy is a non-citizen", ["non-citizen"]],
    ["noncitizen", ["noncitizen"]],
    ["mentions daca and asylum", ["DACA", "asylum"]],
    ["threatened to have them deported", ["deported"]],
    [
      "talked about deportation and immigration status",
      ["immigration", "immigration status", "deportation"],
    ],
    ["an anti-immigration rally", ["immigration"]],
    ["deport-ready", ["deport"]],
  ])("%s → %j", (narrative, terms) => {
    expect(findForbiddenTerms(narrative)).toEqual(terms);
  });
});

describe("formatPath", () => {
  it("writes the contract's path notation", () => {
    expect(formatPath(["students", 0, "ref", "localId"])).toBe("students[0].ref.localId");
    expect(formatPath(["a-b", 2])).toBe('["a-b"][2]');
    expect(formatPath([])).toBe("");
  });
});
