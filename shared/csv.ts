// Only the sync entry points: the stream ones would pull Node stream code into every Lambda bundle.
import { CsvError, parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";

/**
 * What a browser bundle (web/vite.config.ts) resolves these imports to. The
 * Node builds use the global Buffer at load; the packages' browser builds
 * carry their own, so the web app's enrollment preview and audit download run
 * this very module rather than a copy.
 */
export const BROWSER_ALIASES = {
  "csv-parse/sync": "csv-parse/browser/esm/sync",
  "csv-stringify/sync": "csv-stringify/browser/esm/sync",
} as const;

/**
 * CSV for spreadsheets, read and written in one place (docs/csv.md): what the
 * report writes, the enrollment upload's reader reads back cell for cell.
 */

/** Characters that make a spreadsheet run a text cell as a formula (OWASP's list). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text cell a spreadsheet would run as a formula gets a leading `'`, which
 * spreadsheets read as "this is text". Numbers and booleans never pass here:
 * a negative number the report computed must stay a number.
 */
export const neutraliseFormula = (text: string): string =>
  FORMULA_START.test(text) ? `'${text}` : text;

export type CsvValue = string | number | boolean | null | undefined;

const writeOptions = {
  record_delimiter: "\r\n",
  // csv-stringify quotes only the record delimiter it writes; a lone CR or LF
  // in a cell must be quoted too, or a reader that accepts any line ending splits the row.
  quoted_match: /[\r\n]/,
  cast: {
    // Its default writes true as 1 and false as an empty cell.
    boolean: (value: boolean) => String(value),
    string: neutraliseFormula,
  },
} as const;

/** RFC 4180 with CRLF line endings, text cells neutralised; null and undefined are empty cells. */
export const writeCsv = (header: readonly string[], rows: readonly (readonly CsvValue[])[]) =>
  stringify([header as CsvValue[], ...(rows as CsvValue[][])], writeOptions);

/** One cell exactly as writeCsv writes it. */
export const csvCell = (value: CsvValue): string =>
  stringify([[value]], { ...writeOptions, eof: false });

/** A row the reader could not split into cells; the message never quotes the file. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = "CsvSyntaxError";
  }
}

const LINE_BREAK = /\r\n|\r|\n/g;

const syntaxReason = (error: CsvError, maxRowBytes: number) => {
  switch (error.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return "a quoted field is not closed";
    case "CSV_MAX_RECORD_SIZE":
      return `a row is longer than ${maxRowBytes} bytes`;
    default:
      return "the row is not valid CSV";
  }
};

/**
 * Reads CSV as spreadsheets export it: a byte order mark, CRLF, LF or CR line
 * endings (mixed too), quoted fields holding commas, quotes and line breaks,
 * and empty lines anywhere (skipped). `onRow` gets each row's cells with the
 * physical line the row starts on, in file order, so a caller that throws on
 * a bad row reports the first problem of the file. Rows may differ in length;
 * callers check their own.
 */
export const readCsv = (
  text: string | Uint8Array,
  onRow: (cells: string[], line: number) => void,
  { maxRowBytes = 65_536 }: { maxRowBytes?: number } = {},
): void => {
  // Counted from the cells rather than the parser's line counter, which
  // counts a CRLF inside a quoted field as two lines.
  let line = 1;
  try {
    parse(text, {
      bom: true,
      record_delimiter: ["\r\n", "\n", "\r"],
      relax_column_count: true,
      // A stray quote inside an unquoted cell stays text, as spreadsheets read it;
      // the cell's own checks then refuse it with a clearer reason.
      relax_quotes: true,
      max_record_size: maxRowBytes,
      // Empty lines are kept as rows so that every physical line is counted.
      skip_empty_lines: false,
      on_record: (cells: string[]) => {
        const start = line;
        for (const cell of cells) line += cell.match(LINE_BREAK)?.length ?? 0;
        line++;
        if (!(cells.length === 1 && cells[0]!.trim() === "")) onRow(cells, start);
        return null;
      },
    });
  } catch (error) {
    if (error instanceof CsvError) throw new CsvSyntaxError(line, syntaxReason(error, maxRowBytes));
    throw error;
  }
};
