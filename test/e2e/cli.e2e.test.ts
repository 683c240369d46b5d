import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "sro-report-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const example = JSON.parse(
  readFileSync(new URL("../fixtures/example-incident.json", import.meta.url), "utf8"),
);
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const dimensions = ["raceEthnicity", "gender", "disability", "englishLearner", "gradeBand"];
const enrollment = file(
  "enrollment.csv",
  [
    "schoolYear,schoolId,dimension,group,enrollment",
    ...dimensions.map((dimension) => `2025-26,${example.schoolId},${dimension},not_reported,500`),
    "2024-25,OLD,gender,male,1",
  ].join("\n"),
);
const incidents = file(
  "incidents.ndjson",
  `${[
    example,
    {
      ...example,
      incidentId: "7f1c2a34-9b7e-4d2a-8f51-0c3e5a7b9d10",
      occurredAt: "2025-10-01T09:00:00-07:00",
    },
    example,
  ]
    .map((event) => JSON.stringify(event))
    .join("\n")}\n`,
);

const report = (...args: string[]) =>
  spawnSync("node_modules/.bin/tsx", ["cli/report.ts", ...args], {
    encoding: "utf8",
    timeout: 60_000,
  });

describe("npm run report", () => {
  it("prints the JSON report, counting a repeated incident once", () => {
    const result = report(
      "--incidents",
      incidents,
      "--enrollment",
      enrollment,
      "--school-year",
      "2025-26",
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const json = JSON.parse(result.stdout);
    // Version-1 events: nothing corrected or voided, and no instant named without --as-of.
    expect(json.totals).toEqual({
      incidents: 2,
      subjects: 2,
      students: 1,
      corrected: 0,
      voided: 0,
    });
    expect(json.asOf).toBeNull();
    expect(json.tables).toHaveLength(55);
  });

  it("writes CSV to a file", () => {
    const out = join(dir, "report.csv");
    const result = report(
      "--incidents",
      incidents,
      "--enrollment",
      enrollment,
      "--school-year",
      "2025-26",
      "--format",
      "csv",
      "--out",
      out,
    );
    expect(result.status).toBe(0);
    const lines = readFileSync(out, "utf8").trim().split("\r\n");
    expect(lines[0]).toMatch(/^decisionPoint,dimension,group,/);
    expect(lines).toHaveLength(1 + 11 * (8 + 3 + 2 + 2 + 3));
  });

  it.each([
    [["--incidents", "x", "--school-year", "2025-26"], /--enrollment/],
    [["--incidents", "x", "--enrollment", "y", "--school-year", "2025-26", "--bogus"], /bogus/],
    [
      ["--incidents", "x", "--enrollment", "y", "--school-year", "2025-26", "--min-cell", "0"],
      /minCell/,
    ],
    [
      ["--incidents", "x", "--enrollment", "y", "--school-year", "2025-26", "--format", "pdf"],
      /--format/,
    ],
    [
      [
        "--incidents",
        "x",
        "--enrollment",
        "y",
        "--school-year",
        "2025-26",
        "--time-zone",
        "Nowhere/X",
      ],
      /time zone/,
    ],
    [
      ["--incidents", "x", "--enrollment", "y", "--school-year", "2025-26", "--from", "2027-01-01"],
      /outside the school year/,
    ],
    [
      [
        "--incidents",
        "x",
        "--enrollment",
        "y",
        "--school-year",
        "2025-26",
        "--public",
        "--school",
        "S1",
      ],
      /district/,
    ],
  ])("refuses %j with exit code 2", (args, message) => {
    const result = report(...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it("without --incidents, asks the local stack, and says so when none answers", () => {
    const result = report(
      "--school-year",
      "2025-26",
      "--url",
      "http://127.0.0.1:9",
      "--data-dir",
      dir,
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/no local stack answers at http:\/\/127\.0\.0\.1:9/);
  });

  it("names the line of bad NDJSON and of bad CSV, without quoting it", () => {
    const bad = file("bad.ndjson", `${JSON.stringify(example)}\n{"incidentId": "Marisol"\n`);
    const result = report(
      "--incidents",
      bad,
      "--enrollment",
      enrollment,
      "--school-year",
      "2025-26",
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/line 2/);
    expect(result.stderr).not.toContain("Marisol");
    const invalid = file(
      "invalid.ndjson",
      `${JSON.stringify({ ...example, location: "Quintero" })}\n`,
    );
    const refused = report(
      "--incidents",
      invalid,
      "--enrollment",
      enrollment,
      "--school-year",
      "2025-26",
    );
    expect(refused.stderr).toMatch(/line 1: VALIDATION_FAILED at location/);
    expect(refused.stderr).not.toContain("Quintero");
    const csv = file(
      "bad.csv",
      "schoolYear,schoolId,dimension,group,enrollment\n2025-26,S1,gender,male,=1+1\n",
    );
    const csvResult = report(
      "--incidents",
      incidents,
      "--enrollment",
      csv,
      "--school-year",
      "2025-26",
    );
    expect(csvResult.status).toBe(2);
    expect(csvResult.stderr).toMatch(/line 2: enrollment must be a whole number/);
  });
});

describe("npm run report's progress", () => {
  it("stays silent on standard error in a pipe, in CI or not", () => {
    for (const CI of [undefined, "true"]) {
      const result = spawnSync(
        "node_modules/.bin/tsx",
        [
          "cli/report.ts",
          "--incidents",
          incidents,
          "--enrollment",
          enrollment,
          "--school-year",
          "2025-26",
        ],
        { encoding: "utf8", timeout: 60_000, env: { ...process.env, CI } },
      );
      expect(result.status).toBe(0);
      expect(result.stderr).toBe("");
    }
  });

  it.each([
    ["a huge cell", `2025-26,S1,gender,"${"Marisol".repeat(1000)}",1`, /line 2: a row is longer/],
    [
      "many columns",
      `2025-26,S1,gender,male,1,Marisol${",".repeat(10_000)}`,
      /line 2: a row has exactly 5 fields/,
    ],
    [
      "an unbalanced quote",
      `2025-26,S1,gender,male,1\r\n2025-26,S1,"Marisol,male,1`,
      /line 3: a quoted field is not closed/,
    ],
  ])("refuses enrollment with %s with exit code 2, never quoting it", (_name, rows, message) => {
    const csv = file(
      "hostile.csv",
      `schoolYear,schoolId,dimension,group,enrollment\r\n${rows}\r\n`,
    );
    const result = report(
      "--incidents",
      incidents,
      "--enrollment",
      csv,
      "--school-year",
      "2025-26",
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain("Marisol");
  });
});

describe("npm run redrive", () => {
  const redrive = (...args: string[]) =>
    spawnSync("node_modules/.bin/tsx", ["cli/redrive.ts", ...args], {
      encoding: "utf8",
      timeout: 60_000,
    });

  it.each([
    [["--queue", "everything"], 2, /--queue must be intake or redaction/],
    [["--dlq-url", "https://example.org/q"], 2, /go together/],
    [["--dlq-url", "http://evil", "--queue-url", "http://evil"], 2, /must be an SQS queue URL/],
    [["--queue", "intake", "--data-dir", dir], 1, /no local stack is running/],
  ])("refuses %j", (args, status, message) => {
    const result = redrive(...args);
    expect(result.status).toBe(status);
    expect(result.stderr).toMatch(message);
  });
});
