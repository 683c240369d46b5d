import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RedactedIncident } from "../../shared/privacy/redact.ts";
import { DIMENSIONS } from "../../shared/report/definitions.ts";
import { ReportAccumulator } from "../../shared/report/engine.ts";
import { parseEnrollmentCsv } from "../../shared/report/enrollment.ts";
import { publishIndicators } from "../../shared/report/indicators.ts";
import type { Report } from "../../shared/report/model.ts";
import { reportRequest } from "../../shared/report/request.ts";
import {
  attackReport,
  attackTable,
  type HiddenCellFinding,
} from "../support/differencing-attacker.ts";
import {
  type StudentSpec,
  studentSpecFields,
  subjectIncident,
} from "../support/subject-incident.ts";

const RACES = [
  ["american_indian_alaska_native"],
  ["asian"],
  ["black"],
  ["hispanic_latino"],
  ["middle_eastern_north_african"],
  ["native_hawaiian_pacific_islander"],
  ["white"],
  ["black", "white"],
  ["not_recorded"],
] as const;

const incidentOf = (student: StudentSpec, index: number): RedactedIncident =>
  subjectIncident({
    occurredAt: "2025-10-01T10:00:00-07:00",
    schoolId: "S1",
    category: "other",
    studentKey: `k${String(index).padStart(63, "0")}`,
    student,
    races: RACES,
  });

/** Enrollment is public: the same large even numbers per group, the rest not reported. */
const enrollment = (() => {
  const lines = ["schoolYear,schoolId,dimension,group,enrollment"];
  for (const dimension of DIMENSIONS) {
    for (const group of dimension.groups) lines.push(`2025-26,S1,${dimension.name},${group},200`);
    lines.push(`2025-26,S1,${dimension.name},not_reported,${4000 - 200 * dimension.groups.length}`);
  }
  return parseEnrollmentCsv(lines.join("\n"), "2025-26", "refuse");
})();

const reportsOf = (students: StudentSpec[], minCell: number) => {
  const [publication, truth] = [true, false].map((isPublic) => {
    const accumulator = new ReportAccumulator(
      reportRequest({ schoolYear: "2025-26", public: isPublic, minCell, minN: 30 }),
    );
    students.forEach((student, index) => {
      accumulator.add(incidentOf(student, index));
    });
    return accumulator.report(enrollment);
  }) as [Report, Report];
  return { publication, truth };
};

/** Skewed towards the first three values, so that small cells are common. */
const student = fc.record(studentSpecFields(RACES.length, [0, 1, 2]));

const valueIn = (truth: Report, finding: HiddenCellFinding) =>
  truth.tables
    .find(
      (table) =>
        table.decisionPoint === finding.decisionPoint && table.dimension === finding.dimension,
    )!
    .rows.find((row) => row.group === finding.group)!.students!;

/**
 * Hidden cells the attacker pins to one value. A complement (a cell of at
 * least minCell hidden to cover a small one) can be pinned where a visible
 * cell of another decision point equals it and its range is one value
 * wide (docs/privacy.md); the small cells themselves never are.
 */
const pinned = (
  { publication, truth }: { publication: Report; truth: Report },
  kind: "small" | "any" = "small",
) =>
  attackReport(publication, truth).filter(
    (finding) =>
      finding.possible.length < 2 &&
      (kind === "any" || valueIn(truth, finding) < publication.parameters.minCell),
  );

describe("public suppression against a differencing attacker", () => {
  it("leaves every hidden cell at least two possible values on random data", () => {
    fc.assert(
      fc.property(
        fc.array(student, {
          minLength: 1,
          maxLength: Number(process.env.DIFFERENCING_STUDENTS ?? 70),
        }),
        fc.integer({ min: 3, max: 11 }),
        (students, minCell) => {
          expect(pinned(reportsOf(students, minCell))).toEqual([]);
        },
      ),
      { numRuns: Number(process.env.DIFFERENCING_RUNS ?? 300) },
    );
  });

  it("finds the true data among the attacker's candidates (the attacker plays by the rules)", () => {
    fc.assert(
      fc.property(fc.array(student, { minLength: 1, maxLength: 40 }), (students) => {
        const { publication, truth } = reportsOf(students, 5);
        for (const table of publication.tables) {
          if (table.rows.some((row) => row.suppressed)) {
            expect(attackTable(publication, truth, table).candidates).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});

const studentsOf = (groups: Array<[Partial<StudentSpec>, number]>): StudentSpec[] =>
  groups.flatMap(([spec, count]) =>
    Array.from({ length: count }, () => ({
      race: 8,
      gender: 3,
      disability: 2,
      englishLearner: 2,
      grade: 5,
      actions: [],
      ...spec,
    })),
  );

describe("hand-made edge cases", () => {
  it.each([
    [
      "one primary of 1 and a complement of exactly minCell",
      [
        [{ gender: 0 }, 1],
        [{ gender: 1 }, 10],
        [{ gender: 2 }, 20],
      ],
    ],
    ["one hidden cell with every other cell zero", [[{ gender: 1 }, 3]]],
    [
      "one hidden cell, the rest not recorded",
      [
        [{ gender: 1 }, 3],
        [{}, 40],
      ],
    ],
    [
      "two primary cells of 1 and 1",
      [
        [{ gender: 0 }, 1],
        [{ gender: 1 }, 1],
        [{ gender: 2 }, 30],
      ],
    ],
    [
      "two primary cells of 9 and 9",
      [
        [{ gender: 0 }, 9],
        [{ gender: 1 }, 9],
        [{ gender: 2 }, 30],
      ],
    ],
    [
      "two primary cells of 9 and 9, nothing else",
      [
        [{ gender: 0 }, 9],
        [{ gender: 1 }, 9],
      ],
    ],
    [
      "a complement tied with a visible cell",
      [
        [{ race: 0 }, 2],
        [{ race: 1 }, 12],
        [{ race: 2 }, 12],
        [{ race: 3 }, 30],
      ],
    ],
    ["a small total carried by notRecorded", [[{}, 4]]],
    [
      "a complement equal to its contact cell",
      [
        [{ gender: 0 }, 1],
        [{ gender: 1, actions: [0] }, 10],
        [{ gender: 1 }, 0],
        [{ gender: 2 }, 25],
      ],
    ],
  ] as Array<[string, Array<[Partial<StudentSpec>, number]>]>)("%s", (_name, groups) => {
    expect(pinned(reportsOf(studentsOf(groups), 10), "any")).toEqual([]);
  });
});

describe("what the rules leave", () => {
  it("can pin a complement where a visible cell of another decision point equals it, never the small cell", () => {
    // minCell 3. Contact by gender: male 3, female 1, nonbinary 4; all three
    // male students were handcuffed. Female (1) is hidden, male (3) is its
    // complement; the restraint table shows male = 3, so contact(male) >= 3,
    // and below the visible 4 it can only be 3. The totals are withheld
    // (the first publication pinned female too), so female keeps 1 or 2.
    const { publication, truth } = reportsOf(
      studentsOf([
        [{ gender: 0, actions: [1] }, 3],
        [{ gender: 1 }, 1],
        [{ gender: 2 }, 4],
      ]),
      3,
    );
    expect(pinned({ publication, truth }, "any")).toEqual([
      { decisionPoint: "contact", dimension: "gender", group: "male", possible: [3] },
    ]);
    expect(pinned({ publication, truth })).toEqual([]);
  });
});

describe("policy indicators in a public report", () => {
  const indicators = {
    routineDiscipline: { count: 4, base: 40, share: 0.1 },
    mentalHealth: { count: 12, base: 40, share: 0.3 },
    useOfForce: { count: 0, base: 9, share: 0 },
    restraintElementary: { count: 10, base: 20, share: 0.5 },
    underTwelveJustice: { count: 1, base: 15, share: 1 / 15 },
    justiceVersusSupport: { count: 15, base: 18, share: 15 / 18, supportCount: 3 },
  };

  it("hides every count and base from 1 to minCell - 1, and the shares made from them", () => {
    expect(publishIndicators(indicators, [], 10)).toEqual({
      routineDiscipline: { count: null, base: 40, share: null },
      mentalHealth: { count: 12, base: 40, share: 0.3 },
      useOfForce: { count: 0, base: null, share: null },
      restraintElementary: { count: 10, base: 20, share: 0.5 },
      underTwelveJustice: { count: null, base: 15, share: null },
      // Its base less its count would give the hidden supportCount back.
      justiceVersusSupport: { count: 15, base: null, share: null, supportCount: null },
    });
  });

  it("hides restraintElementary where an elementary row of restraint or contact is hidden", () => {
    const { publication } = reportsOf(
      studentsOf([
        [{ grade: 0, actions: [1] }, 2],
        [{ grade: 0 }, 12],
        [{ grade: 2 }, 15],
        [{ grade: 3 }, 15],
      ]),
      3,
    );
    const restraint = publication.tables.find(
      (table) => table.decisionPoint === "restraint" && table.dimension === "gradeBand",
    )!;
    expect(restraint.rows[0]).toMatchObject({ group: "elementary", suppressed: true });
    expect(publication.indicators.restraintElementary).toEqual({
      count: null,
      base: null,
      share: null,
    });
    // The same data with the small cell grown past minCell shows all three.
    const shown = reportsOf(
      studentsOf([
        [{ grade: 0, actions: [1] }, 4],
        [{ grade: 0 }, 12],
        [{ grade: 2 }, 15],
        [{ grade: 3 }, 15],
      ]),
      3,
    ).publication.indicators.restraintElementary;
    expect(shown).toEqual({ count: 4, base: 16, share: 0.25 });
  });

  it("withholds a count that would bound a decision point whose totals are withheld", () => {
    // minCell 3. Three students referred to support services, each the only
    // one of their race: every cell is hidden with none left to cover them,
    // so the totals go. A published supportCount of 3 (pairs, at least the
    // students) would tell that the three hidden cells are 1 each.
    const { publication, truth } = reportsOf(
      studentsOf([
        [{ race: 0, actions: [4] }, 1],
        [{ race: 1, actions: [4] }, 1],
        [{ race: 2, actions: [4] }, 1],
      ]),
      3,
    );
    expect(truth.indicators.justiceVersusSupport.supportCount).toBe(3);
    expect(publication.indicators.justiceVersusSupport).toMatchObject({
      supportCount: null,
      base: null,
    });
    // The contact totals are withheld too: the subjects would bound them.
    expect(publication.indicators.useOfForce).toEqual({ count: 0, base: null, share: null });
    expect(pinned({ publication, truth })).toEqual([]);
    const contractOnly: Report = {
      ...publication,
      indicators: {
        ...publication.indicators,
        justiceVersusSupport: { ...truth.indicators.justiceVersusSupport, base: null, share: null },
      },
    };
    expect(pinned({ publication: contractOnly, truth }).map((finding) => finding.group)).toEqual([
      "american_indian_alaska_native",
      "asian",
      "black",
    ]);
  });
});
