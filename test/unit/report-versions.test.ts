import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type RedactedIncident, redactIncident } from "../../shared/privacy/redact.ts";
import { type CountedIncident, ReportAccumulator } from "../../shared/report/engine.ts";
import { parseEnrollmentCsv } from "../../shared/report/enrollment.ts";
import { exportLine, isExportLine, parseExportLine } from "../../shared/report/export.ts";
import { reportRequest } from "../../shared/report/request.ts";
import { incidentArbitrary } from "../support/incident-arbitrary.ts";

/**
 * Reports count the current version of each incident and leave voided ones
 * out of everything but `totals.voided` (contracts section 8); export lines
 * carry exactly what the engine needs to count them again.
 */
const SECRET = "a-secret-of-at-least-thirty-two-characters";
const enrollment = parseEnrollmentCsv(
  readFileSync(new URL("../fixtures/example-enrollment.csv", import.meta.url), "utf8"),
  "2025-26",
  "ignore",
);

const standingArbitrary = fc.oneof(
  fc.constant({ status: "active" as const, version: 1 }),
  fc.record({ status: fc.constant("active" as const), version: fc.integer({ min: 2, max: 9 }) }),
  fc.record({ status: fc.constant("voided" as const), version: fc.integer({ min: 2, max: 9 }) }),
);

const incidentsArbitrary = fc
  .array(fc.tuple(incidentArbitrary(), standingArbitrary), { minLength: 1, maxLength: 25 })
  .map((pairs) =>
    pairs.map(([event, standing], index): [RedactedIncident, typeof standing] => [
      redactIncident(
        {
          ...(event as any),
          incidentId: `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`,
        },
        SECRET,
      ),
      standing,
    ]),
  );

const counted = (incident: RedactedIncident, standing: { status: string; version: number }) =>
  (standing.status === "voided"
    ? {
        status: "voided",
        version: standing.version,
        schoolId: incident.schoolId,
        occurredAt: incident.occurredAt,
      }
    : { status: "active", version: standing.version, incident }) as CountedIncident;

const requestArbitrary = fc.record({
  public: fc.boolean(),
  school: fc.constantFrom(undefined, "19647330000003"),
  minCell: fc.integer({ min: 1, max: 5 }),
});

const reportOf = (
  inputs: Iterable<Parameters<ReportAccumulator["add"]>[0]>,
  options: { public: boolean; school: string | undefined; minCell: number },
) => {
  const request = reportRequest({
    schoolYear: "2025-26",
    minCell: options.minCell,
    minN: 1,
    ...(options.public ? { public: true } : { schoolId: options.school }),
  });
  const accumulator = new ReportAccumulator(request);
  for (const input of inputs) accumulator.add(input);
  return accumulator.report(enrollment, "2026-03-01T00:00:00.000Z");
};

describe("reports over versions", () => {
  it("count an active version as its content and a void in totals.voided alone", () => {
    fc.assert(
      fc.property(incidentsArbitrary, requestArbitrary, (pairs, options) => {
        const report = reportOf(
          pairs.map(([incident, standing]) => counted(incident, standing)),
          options,
        );
        const active = pairs.filter(([, standing]) => standing.status === "active");
        // The same report as from the active incidents alone, as bare version-1 incidents.
        const bare = reportOf(
          active.map(([incident]) => incident),
          options,
        );
        const { corrected, voided, ...totals } = report.totals;
        const { corrected: noCorrections, voided: noVoids, ...bareTotals } = bare.totals;
        expect({ ...report, totals }).toEqual({ ...bare, totals: bareTotals });
        expect([noCorrections, noVoids]).toEqual([0, 0]);
        const inScope = ([incident]: [RedactedIncident, unknown]) =>
          options.public || !options.school || incident.schoolId === options.school;
        const count = (status: string, minimum: number) =>
          pairs.filter(
            ([incident, standing]) =>
              inScope([incident, standing]) &&
              standing.status === status &&
              standing.version >= minimum,
          ).length;
        const shown = (value: number) =>
          options.public && value >= 1 && value < options.minCell ? null : value;
        expect(corrected).toBe(shown(count("active", 2)));
        expect(voided).toBe(shown(count("voided", 1)));
        expect(report.asOf).toBe("2026-03-01T00:00:00.000Z");
      }),
      { numRuns: 60 },
    );
  });

  it("export lines read back as what was written, and a void's line holds no content", () => {
    fc.assert(
      fc.property(incidentsArbitrary, (pairs) => {
        for (const [incident, standing] of pairs) {
          const written = counted(incident, standing);
          const line = JSON.parse(exportLine(written));
          expect(isExportLine(line)).toBe(true);
          expect(parseExportLine(line)).toEqual({ ok: true, counted: written });
          if (standing.status === "voided") {
            expect(Object.keys(line).sort()).toEqual([
              "occurredAt",
              "schoolId",
              "status",
              "version",
            ]);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it("names the path of a bad export line, never its value", () => {
    const [incident] = fc
      .sample(incidentArbitrary(), 1)
      .map((event) => redactIncident(event as any, SECRET));
    const line = JSON.parse(exportLine({ status: "active", version: 2, incident: incident! }));
    expect(parseExportLine({ ...line, version: 0 })).toMatchObject({ ok: false, path: "version" });
    expect(
      parseExportLine({ ...line, students: [{ ...line.students[0], ref: { firstName: "Ana" } }] }),
    ).toMatchObject({ ok: false, path: "students.0" });
    const voided = {
      status: "voided",
      version: 3,
      schoolId: "S1",
      occurredAt: incident!.occurredAt,
    };
    expect(parseExportLine({ ...voided, narrative: "Ana" })).toMatchObject({
      ok: false,
      path: "line",
    });
    expect(JSON.stringify(parseExportLine({ ...voided, schoolId: "Ana Quintero" }))).not.toContain(
      "Ana",
    );
  });
});
