import { describe, expect, it } from "vitest";
import { parseEnrollmentCsv } from "../../shared/report/enrollment.ts";
import { ReportInputError } from "../../shared/report/request.ts";

const HEADER = "schoolYear,schoolId,dimension,group,enrollment";
const DIMENSIONS = ["raceEthnicity", "gender", "disability", "englishLearner", "gradeBand"];
/** One balanced school: every dimension's not_reported row holds all its students. */
const balanced = (school = "S1", count = 7) =>
  DIMENSIONS.map((dimension) => `2025-26,${school},${dimension},not_reported,${count}`);

const refusal = (csv: string) => {
  try {
    parseEnrollmentCsv(csv, "2025-26", "refuse");
  } catch (error) {
    if (error instanceof ReportInputError) return { message: error.message, field: error.field };
    throw error;
  }
  throw new Error("accepted");
};

describe("enrollment CSV as spreadsheets export it", () => {
  it("accepts a BOM, CRLF, quoted cells, padded cells and trailing empty lines", () => {
    const csv = `\uFEFF${[
      HEADER,
      ...balanced().map((row) =>
        row
          .split(",")
          .map((cell) => `"${cell}"`)
          .join(","),
      ),
    ].join("\r\n")}\r\n\r\n\r\n  \r\n`;
    const enrollment = parseEnrollmentCsv(csv, "2025-26", "refuse");
    expect(enrollment.get("S1")?.get("gradeBand")?.get("not_reported")).toBe(7);
  });

  it("accepts a header whose names are quoted, and a cell whose line break is only padding", () => {
    const rows = balanced();
    rows[1] = '2025-26,S1,gender,"not_reported\r\n",7';
    const csv = `"schoolYear","schoolId","dimension","group","enrollment"\r\n${rows.join("\r\n")}`;
    expect(parseEnrollmentCsv(csv, "2025-26", "refuse").get("S1")?.get("gender")?.size).toBe(1);
  });

  it("reads a quoted comma as part of its cell, not as a sixth field", () => {
    const csv = [HEADER, ...balanced(), '2025-26,S2,gender,"male,female",3'].join("\n");
    expect(refusal(csv).message).toMatch(/^line 7: unknown group for gender/);
  });

  it.each([
    ["LF", "\n"],
    ["CRLF", "\r\n"],
    ["CR", "\r"],
  ])("names the line a row starts on after a multi-line quoted cell (%s)", (_name, eol) => {
    const csv = [
      HEADER,
      '2025-26,S1,gender,"not_reported',
      "",
      '",7',
      "",
      "2025-26,S1,gender,nobody,3",
    ].join(eol);
    expect(refusal(csv)).toEqual({
      message: expect.stringMatching(/^line 6: unknown group for gender/),
      field: "line 6",
    });
  });

  it("names the line a multi-line row starts on when that row is wrong", () => {
    const csv = [HEADER, '2025-26,"S', '1",gender,male,1'].join("\r\n");
    expect(refusal(csv).message).toMatch(/^line 2: schoolId must be/);
  });

  it("reports the first problem of the file, even when a later row cannot be read at all", () => {
    const csv = [HEADER, "2025-26,S1,gender,male,x", '2025-26,S1,gender,"male,1'].join("\n");
    expect(refusal(csv).message).toMatch(/^line 2: enrollment must be a whole number/);
  });

  it("refuses an empty file, or a file without its header, at line 1", () => {
    expect(refusal("").message).toMatch(/^line 1: the header must be exactly/);
    expect(refusal("\r\n\r\n").message).toMatch(/^line 1: the header must be exactly/);
    expect(refusal(`"schoolYear,schoolId",dimension,group,enrollment`).message).toMatch(
      /^line 1: the header/,
    );
  });
});

describe("hostile enrollment CSV", () => {
  const secret = "Marisol-Quintero";

  it.each([
    [
      "a huge cell",
      `${HEADER}\n${balanced().join("\n")}\n2025-26,S1,gender,"${secret.repeat(100_000)}",1\n`,
      /^line 7: a row is longer than 1024 bytes$/,
    ],
    [
      "a huge unquoted cell",
      `${HEADER}\n2025-26,S1,gender,${secret.repeat(100_000)},1\n`,
      /^line 2: a row is longer than 1024 bytes$/,
    ],
    [
      "many columns",
      `${HEADER}\n2025-26,S1,gender,male,1${`,${secret}`.repeat(20)}${",".repeat(100_000)}\n`,
      /^line 2: a row has exactly 5 fields$/,
    ],
    [
      "an unbalanced quote",
      `${HEADER}\n${balanced().join("\n")}\n\n2025-26,S1,gender,"${secret},1\n2025-26,S1,gender,male,1\n`,
      /^line 8: a quoted field is not closed$/,
    ],
    [
      // Read as text, as spreadsheets do; the cell's own check refuses it.
      "text after a closing quote",
      `${HEADER}\n2025-26,S1,gender,"male"${secret},1\n`,
      /^line 2: unknown group for gender/,
    ],
  ])("refuses %s with its line, never quoting it", (_name, csv, message) => {
    const error = refusal(csv);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain("Marisol");
    expect(error.field).toMatch(/^line \d+$/);
  });
});
