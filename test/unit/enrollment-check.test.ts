import { readFileSync } from "node:fs";
import { runInNewContext } from "node:vm";
import { build } from "esbuild";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BROWSER_ALIASES } from "../../shared/csv.ts";
import {
  checkEnrollmentCsv,
  ENROLLMENT_HEADER,
  MAX_ENROLLMENT_PROBLEMS,
} from "../../shared/report/enrollment.ts";

const EXAMPLE = readFileSync(
  new URL("../fixtures/example-enrollment.csv", import.meta.url),
  "utf8",
);
const DIMENSIONS = ["raceEthnicity", "gender", "disability", "englishLearner", "gradeBand"];
const balanced = (school: string, count = 7) =>
  DIMENSIONS.map((dimension) => `2025-26,${school},${dimension},not_reported,${count}`);

const where = (csv: string) =>
  checkEnrollmentCsv(csv, "2025-26", "refuse").problems.map(({ line, column }) => [line, column]);

describe("checkEnrollmentCsv", () => {
  it("accepts the example file with no problems", () => {
    const check = checkEnrollmentCsv(EXAMPLE, "2025-26", "refuse");
    expect(check.problems).toEqual([]);
    expect(check.enrollment.size).toBe(1);
  });

  it("lists every problem of every row with its line and column, in file order", () => {
    const csv = [
      ENROLLMENT_HEADER,
      ...balanced("S1"),
      "2025-26,S2,gender,martian,7", // line 7: group
      "",
      "2024-25,bad/id,colour,red,-3", // line 9: year, school, dimension, count (no group: unknown dimension)
      "2025-26,S3,gender,male", // line 10: row length
      ...balanced("S1"), // lines 11-15: duplicates
    ].join("\r\n");
    expect(where(csv)).toEqual([
      [7, 4],
      [9, 1],
      [9, 2],
      [9, 3],
      [9, 5],
      [10, null],
      [11, null],
      [12, null],
      [13, null],
      [14, null],
      [15, null],
    ]);
  });

  it("names the line of a school whose dimensions do not add up, only when its rows all pass", () => {
    const csv = [
      ENROLLMENT_HEADER,
      ...balanced("S1"),
      ...balanced("S2").map((row, index) => (index === 1 ? row.replace(/7$/, "8") : row)),
      ...balanced("S3").map((row, index) => (index === 1 ? row.replace(/7$/, "x") : row)),
    ].join("\n");
    const { problems } = checkEnrollmentCsv(csv, "2025-26", "refuse");
    expect(problems.map(({ line, column, school }) => [line, column, school ?? false])).toEqual([
      [7, null, true],
      [13, 5, false],
    ]);
  });

  it("stops at a row it cannot split, after the problems before it", () => {
    const csv = [ENROLLMENT_HEADER, "2025-26,S1,gender,male,x", '2025-26,"S1,gender'].join("\n");
    expect(checkEnrollmentCsv(csv, "2025-26", "refuse").problems).toEqual([
      { line: 2, column: 5, message: "enrollment must be a whole number from 0" },
      { line: 3, column: null, message: "a quoted field is not closed" },
    ]);
  });

  it("reads no row under a wrong header, and says so once", () => {
    expect(where("school,year\n1,2\n3,4")).toEqual([[1, null]]);
    expect(where("")).toEqual([[1, null]]);
  });

  it(`lists at most ${MAX_ENROLLMENT_PROBLEMS} problems and says the list is cut`, () => {
    const rows = Array.from({ length: 500 }, () => "2025-26,S1,gender,male,x");
    const check = checkEnrollmentCsv([ENROLLMENT_HEADER, ...rows].join("\n"), "2025-26", "refuse");
    expect(check.problems).toHaveLength(MAX_ENROLLMENT_PROBLEMS);
    expect(check.truncated).toBe(true);
  });

  it("finds exactly the cells that were spoiled, and never quotes them", () => {
    const good = EXAMPLE.trimEnd().split("\n");
    const bad = [
      ["2025/26", '=HYPERLINK("x")', "20250-26"],
      ["bad id!", "<script>", "Jane Doe"],
      ["Gender", "ethnicity", "\u0000"],
      ["males", "WHITE", "Robert'); DROP"],
      ["-1", "1e3", "12.5", "ten", "1234567890"],
    ];
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: good.length - 1 }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 6, maxLength: 6 }),
        fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
        (lines, columns, picks) => {
          const rows = [...good];
          const spoiled: Array<[number, number, string]> = [];
          lines.forEach((line, index) => {
            const column = columns[index]!;
            const values = bad[column]!;
            const value = values[picks[index]! % values.length]!;
            const cells = rows[line]!.split(",");
            cells[column] = `"${value.replaceAll('"', '""')}"`;
            rows[line] = cells.join(",");
            spoiled.push([line + 1, column + 1, value]);
          });
          const { problems } = checkEnrollmentCsv(rows.join("\n"), "2025-26", "refuse");
          // A spoiled dimension hides its group's check: the group cannot be judged.
          expect(problems.map(({ line, column }) => [line, column])).toEqual(
            spoiled
              .map(([line, column]) => [line, column])
              .sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!),
          );
          for (const problem of problems) {
            for (const [, , value] of spoiled) {
              if (value.length > 2) expect(problem.message).not.toContain(value);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("never throws on arbitrary text, and every problem has a line within the file", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 400 }),
          fc
            .array(fc.constantFrom(...EXAMPLE.split(/(,|\n)/), '"', "\r", "\r\n", " ", ""), {
              maxLength: 200,
            })
            .map((parts) => parts.join("")),
        ),
        (text) => {
          const { problems } = checkEnrollmentCsv(text, "2025-26", "refuse");
          const lines = text.split(/\r\n|\r|\n/).length;
          for (const problem of problems) {
            expect(problem.line).toBeGreaterThanOrEqual(1);
            expect(problem.line).toBeLessThanOrEqual(lines);
            expect([null, 1, 2, 3, 4, 5]).toContain(problem.column);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("the enrollment check in a browser bundle", () => {
  it("bundles with no Node built-in and gives the same problems with no Node globals", async () => {
    const entry = `export { checkEnrollmentCsv } from ${JSON.stringify(new URL("../../shared/report/enrollment.ts", import.meta.url).pathname)};`;
    const result = await build({
      stdin: { contents: entry, resolveDir: process.cwd(), loader: "ts" },
      bundle: true,
      write: false,
      platform: "browser",
      format: "iife",
      globalName: "enrollmentCheck",
      alias: BROWSER_ALIASES,
      logLevel: "silent",
    });
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/require\(["']node:|from ["']node:/);
    const csv = [ENROLLMENT_HEADER, ...balanced("S1"), "2025-26,S2,gender,martian,x"].join("\n");
    // A context with a browser's globals only: no Buffer, process or require.
    const context: Record<string, unknown> = { TextDecoder, TextEncoder, console };
    runInNewContext(
      `${code}\nresult = enrollmentCheck.checkEnrollmentCsv(csv, "2025-26", "refuse");`,
      Object.assign(context, { csv }),
    );
    expect(JSON.parse(JSON.stringify(context.result))).toEqual(
      JSON.parse(JSON.stringify(checkEnrollmentCsv(csv, "2025-26", "refuse"))),
    );
  });
});
