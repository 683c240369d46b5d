import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CsvValue, neutraliseFormula, readCsv, writeCsv } from "../../shared/csv.ts";
import { csvCell, reportCsv } from "../../shared/report/csv.ts";
import type { Report } from "../../shared/report/model.ts";

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

describe("CSV written for spreadsheets", () => {
  it("keeps a negative number the report computed as a number, and neutralises the same text", () => {
    const csv = writeCsv(["change", "note"], [[-0.5, "-0.5"]]);
    expect(csv).toBe("change,note\r\n-0.5,'-0.5\r\n");
  });

  it("quotes a lone CR or LF, so that a reader taking any line ending keeps the row whole", () => {
    expect(csvCell("a\nb")).toBe('"a\nb"');
    expect(csvCell("a\rb")).toBe('"a\rb"');
    expect(csvCell("\rb")).toBe(`"'\rb"`);
  });

  const specials = fc.constantFrom(
    ",",
    '"',
    "\r",
    "\n",
    "\r\n",
    "=",
    "+",
    "-",
    "@",
    "\t",
    "'",
    " ",
  );
  const text = fc.oneof(
    fc.string({ unit: fc.oneof(specials, fc.constantFrom("a", "1", "é", "😀")) }),
    fc.string({ unit: "grapheme" }),
  );
  const cell = fc.oneof(
    text,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
  );
  const expected = (value: CsvValue) =>
    value === null || value === undefined
      ? ""
      : typeof value === "string"
        ? neutraliseFormula(value)
        : String(value);

  it("reads back, with the upload's reader, every cell the writer wrote (text neutralised)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 8 }).chain((width) =>
          fc.tuple(
            fc.array(fc.string({ unit: fc.constantFrom("a", "b", "_"), minLength: 1 }), {
              minLength: width,
              maxLength: width,
            }),
            fc.array(fc.array(cell, { minLength: width, maxLength: width }), { maxLength: 20 }),
          ),
        ),
        ([header, rows]) => {
          const read: { cells: string[]; line: number }[] = [];
          readCsv(writeCsv(header, rows), (cells, line) => read.push({ cells, line }));
          expect(read.map(({ cells }) => cells)).toEqual([
            header,
            ...rows.map((row) => row.map(expected)),
          ]);
          // Each row starts on the line after the previous one's last line.
          let line = 1;
          read.forEach((row, index) => {
            expect(row.line).toBe(line);
            const source = index === 0 ? header : rows[index - 1]!.map(expected);
            line += source.join(",").split(/\r\n|\r|\n/).length;
          });
        },
      ),
    );
  });

  it("reads back the report's own CSV", () => {
    const report = {
      tables: [
        {
          decisionPoint: "arrest",
          dimension: "gender",
          totalStudents: 12,
          notRecorded: null,
          rows: [
            { group: "male", enrollment: 40, riskRatio: -0.5, riskRatioNote: null, flagged: false },
          ],
        },
      ],
    } as unknown as Report;
    const read: string[][] = [];
    readCsv(reportCsv(report), (cells) => read.push(cells));
    expect(read).toHaveLength(2);
    const row = Object.fromEntries(read[0]!.map((column, index) => [column, read[1]![index]]));
    expect(row).toMatchObject({
      decisionPoint: "arrest",
      group: "male",
      enrollment: "40",
      riskRatio: "-0.5",
      riskRatioNote: "",
      flagged: "false",
      totalStudents: "12",
      notRecorded: "",
    });
  });
});
