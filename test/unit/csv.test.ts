import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvCell } from "../../shared/report/csv.ts";

describe("CSV export cells", () => {
  it.each([
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ["+1+1", "'+1+1"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tx", "'\tx"],
    ['say "hi", then', '"say ""hi"", then"'],
    ["plain", "plain"],
  ])("writes %j as %j", (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it("keeps numbers, booleans and nulls as they are", () => {
    expect([csvCell(-1.5), csvCell(true), csvCell(null)]).toEqual(["-1.5", "true", ""]);
  });

  it("never lets a text cell start a formula, and always round-trips quoting", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const cell = csvCell(text);
        const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
        expect(unquoted).not.toMatch(/^[=+\-@\t\r]/);
        expect(unquoted.endsWith(text)).toBe(true);
      }),
    );
  });
});
