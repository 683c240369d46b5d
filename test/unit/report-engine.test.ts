import { describe, expect, it } from "vitest";
import type { RedactedIncident } from "../../shared/privacy/redact.ts";
import {
  katzInterval,
  type Report,
  ReportAccumulator,
  type ReportRow,
} from "../../shared/report/engine.ts";
import { parseEnrollmentCsv } from "../../shared/report/enrollment.ts";
import { reportHtml } from "../../shared/report/html.ts";
import { normalQuantile } from "../../shared/report/normal.ts";
import { type ReportRequestInput, reportRequest } from "../../shared/report/request.ts";

/** A distinct 64-character key per prefix and number. */
const keyOf = (prefix: string, i: number) =>
  `${prefix}${String(i).padStart(8, "0")}`.padEnd(64, "0");
type StudentSpec = Partial<RedactedIncident["students"][number]>;
let sequence = 0;
const incident = (occurredAt: string, students: StudentSpec[], schoolId = "S1"): RedactedIncident =>
  ({
    incidentId: `00000000-0000-4000-8000-${String(++sequence).padStart(12, "0")}`,
    schemaVersion: 1,
    occurredAt,
    schoolId,
    location: "hallway",
    initiatedBy: "staff_request",
    category: "other",
    students: students.map((student) => ({
      role: "subject",
      grade: "10",
      raceEthnicity: ["not_recorded"],
      gender: "not_recorded",
      disability: "not_recorded",
      englishLearner: "not_recorded",
      actions: [],
      ...student,
    })),
  }) as RedactedIncident;

/** Enrollment with the same total in every dimension, the rest as not_reported. */
const enrollmentCsv = (
  schools: Record<string, Record<string, Record<string, number>>>,
  total: number,
) => {
  const lines = ["schoolYear,schoolId,dimension,group,enrollment"];
  for (const [school, dimensions] of Object.entries(schools)) {
    for (const dimension of [
      "raceEthnicity",
      "gender",
      "disability",
      "englishLearner",
      "gradeBand",
    ]) {
      const groups = dimensions[dimension] ?? {};
      let sum = 0;
      for (const [group, count] of Object.entries(groups)) {
        lines.push(`2025-26,${school},${dimension},${group},${count}`);
        sum += count;
      }
      lines.push(`2025-26,${school},${dimension},not_reported,${total - sum}`);
    }
  }
  return parseEnrollmentCsv(lines.join("\n"), "2025-26", "refuse");
};

const run = (
  incidents: RedactedIncident[],
  enrollment: ReturnType<typeof enrollmentCsv>,
  input: ReportRequestInput = {},
) => {
  const accumulator = new ReportAccumulator(reportRequest({ schoolYear: "2025-26", ...input }));
  for (const item of incidents) accumulator.add(item);
  return accumulator.report(enrollment);
};

const row = (report: Report, decisionPoint: string, dimension: string, group: string): ReportRow =>
  report.tables
    .find((table) => table.decisionPoint === decisionPoint && table.dimension === dimension)!
    .rows.find((candidate) => candidate.group === group)!;

describe("normal quantile and the Katz interval", () => {
  it("uses the exact quantile", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489004, 13);
  });

  it("reproduces the published check, 11 of 25 against 3 of 34", () => {
    const rr = 11 / 25 / (3 / 34);
    expect(rr).toBeCloseTo(4.98667, 5);
    const exact = katzInterval(rr, [11, 25, 3, 34], normalQuantile(0.975));
    expect(exact.ciLow).toBeCloseTo(1.55156, 5);
    expect(exact.ciHigh).toBeCloseTo(16.02696, 4);
    const textbook = katzInterval(rr, [11, 25, 3, 34], 1.96);
    expect(textbook.ciLow).toBeCloseTo(1.55153, 5);
    expect(textbook.ciHigh).toBeCloseTo(16.02731, 4);
  });

  it("gives no interval when the variance is not positive", () => {
    expect(katzInterval(1, [40, 30, 100, 90], 1.96)).toEqual({ ciLow: null, ciHigh: null });
  });
});

describe("the report engine", () => {
  const published = () => {
    const students: StudentSpec[] = [
      ...Array.from({ length: 11 }, (_, i) => ({
        studentKey: keyOf("a", i),
        disability: "yes" as const,
        actions: ["arrest" as const],
      })),
      ...Array.from({ length: 3 }, (_, i) => ({
        studentKey: keyOf("b", i),
        disability: "no" as const,
        actions: ["arrest" as const],
      })),
    ];
    return students.map((student) => incident("2025-10-01T10:00:00-07:00", [student]));
  };
  const enrollment = enrollmentCsv({ S1: { disability: { yes: 25, no: 34 } } }, 59);

  it("computes the published check through the whole engine", () => {
    const report = run(published(), enrollment, { minCell: 3, minN: 20 });
    const yes = row(report, "arrest", "disability", "yes");
    expect(yes).toMatchObject({
      enrollment: 25,
      students: 11,
      events: 11,
      comparisonStudents: 3,
      comparisonEnrollment: 34,
    });
    expect(yes.riskRatio).toBeCloseTo(4.98667, 5);
    expect(yes.ciLow).toBeCloseTo(1.55156, 5);
    expect(yes.ciHigh).toBeCloseTo(16.02696, 4);
    expect(yes).toMatchObject({
      exceedsThreshold: true,
      significant: true,
      flagged: true,
      riskRatioNote: null,
    });
    expect(report.totals).toEqual({
      incidents: 14,
      subjects: 14,
      students: 14,
      corrected: 0,
      voided: 0,
    });
  });

  it.each([
    [{ minCell: 12, minN: 20 }, "yes", "below_min_cell"],
    [{ minCell: 3, minN: 26 }, "yes", "below_min_n"],
    [{ minCell: 4, minN: 20 }, "yes", "comparison_below_min_cell"],
    [{ minCell: 3, minN: 26 }, "no", "comparison_below_min_n"],
  ])("notes why a ratio is missing: %j %s → %s", (parameters, group, note) => {
    const report = run(published(), enrollment, parameters);
    const result = row(report, "arrest", "disability", group);
    expect(result.riskRatio).toBeNull();
    expect(result.riskRatioNote).toBe(note);
    expect(result).toMatchObject({
      ciLow: null,
      ciHigh: null,
      exceedsThreshold: false,
      significant: false,
      flagged: false,
    });
  });

  it("counts only subjects, and a student once across incidents and schools for the district", () => {
    const key = "c".repeat(64);
    const items = [
      incident(
        "2025-09-01T10:00:00-07:00",
        [
          { studentKey: key, actions: ["citation"] },
          { role: "witness", studentKey: "d".repeat(64) },
        ],
        "S1",
      ),
      incident("2025-09-02T10:00:00-07:00", [{ studentKey: key, actions: ["citation"] }], "S2"),
      incident("2025-09-03T10:00:00-07:00", [{ actions: ["citation"] }], "S2"),
      incident("2025-09-04T10:00:00-07:00", [{ actions: ["citation"] }], "S2"),
    ];
    const schools = enrollmentCsv({ S1: {}, S2: {} }, 100);
    const district = run(items, schools);
    expect(district.totals).toEqual({
      incidents: 4,
      subjects: 4,
      students: 3,
      corrected: 0,
      voided: 0,
    });
    const citation = district.tables.find(
      (t) => t.decisionPoint === "citation" && t.dimension === "gender",
    )!;
    expect(citation.totalStudents).toBe(3);
    expect(citation.notRecorded).toBe(3);
    const s2 = run(items, schools, { schoolId: "S2" });
    expect(s2.totals).toEqual({
      incidents: 3,
      subjects: 3,
      students: 3,
      corrected: 0,
      voided: 0,
    });
    expect(s2.scope).toEqual({ level: "school", schoolId: "S2" });
  });

  it("takes a student's groups from the earliest incident, ties broken by incident id", () => {
    const key = "e".repeat(64);
    const later = incident("2025-10-02T10:00:00-07:00", [
      { studentKey: key, gender: "male", actions: ["arrest"] },
    ]);
    const earlier = incident("2025-10-01T10:00:00-07:00", [{ studentKey: key, gender: "female" }]);
    const report = run(
      [later, earlier],
      enrollmentCsv({ S1: { gender: { male: 40, female: 40 } } }, 80),
    );
    expect(row(report, "arrest", "gender", "female")).toMatchObject({ students: 1, events: 1 });
    expect(row(report, "arrest", "gender", "male").students).toBe(0);
    expect(row(report, "contact", "gender", "female")).toMatchObject({ students: 1, events: 2 });

    const tieKey = "f".repeat(64);
    const first = incident("2025-10-05T10:00:00-07:00", [
      { studentKey: tieKey, gender: "nonbinary" },
    ]);
    const second = incident("2025-10-05T17:00:00Z", [{ studentKey: tieKey, gender: "male" }]);
    // Same instant: the lower incident id (the first created) wins.
    const tie = run([second, first], enrollmentCsv({ S1: {} }, 10));
    expect(row(tie, "contact", "gender", "nonbinary").students).toBe(1);
    expect(row(tie, "contact", "gender", "male").students).toBe(0);
  });

  it("orders instants below the millisecond before falling back to the incident id", () => {
    const key = keyOf("s", 1);
    const later = {
      ...incident("2025-09-01T10:00:00.0009Z", [{ studentKey: key, gender: "female" }]),
      incidentId: "00000000-0000-4000-8000-000000000001",
    };
    const earlier = {
      ...incident("2025-09-01T10:00:00.0001Z", [{ studentKey: key, gender: "male" }]),
      incidentId: "ffffffff-0000-4000-8000-000000000001",
    };
    const report = run([later, earlier], enrollmentCsv({ S1: {} }, 10));
    expect(row(report, "contact", "gender", "male").students).toBe(1);
    expect(row(report, "contact", "gender", "female").students).toBe(0);
  });

  it("echoes the time zone in its canonical spelling", () => {
    expect(
      run([], enrollmentCsv({ S1: {} }, 10), { timeZone: "america/los_angeles" }).parameters
        .timeZone,
    ).toBe("America/Los_Angeles");
  });

  it("reads the period's ends as calendar dates in the district's time zone", () => {
    const items = [
      incident("2025-09-30T23:59:00-07:00", [{}]), // 30 Sep, Pacific: in
      incident("2025-10-01T06:59:00Z", [{}]), // 30 Sep 23:59 Pacific: in
      incident("2025-10-01T07:00:00Z", [{}]), // 1 Oct 00:00 Pacific: out
      incident("2025-09-01T06:59:59Z", [{}]), // 31 Aug 23:59 Pacific: out
      incident("2025-09-01T07:00:00Z", [{}]), // 1 Sep 00:00 Pacific: in
    ];
    const report = run(items, enrollmentCsv({ S1: {} }, 10), {
      from: "2025-09-01",
      to: "2025-09-30",
    });
    expect(report.totals.incidents).toBe(3);
    const utc = run(items, enrollmentCsv({ S1: {} }, 10), {
      from: "2025-09-01",
      to: "2025-09-30",
      timeZone: "UTC",
    });
    expect(utc.totals.incidents).toBe(2);
    expect(report.period).toEqual({ from: "2025-09-01", to: "2025-09-30" });
  });

  it("computes the relative rate index against the reference group", () => {
    const students: StudentSpec[] = [
      ...Array.from({ length: 20 }, (_, i) => ({
        studentKey: keyOf("w", i),
        raceEthnicity: ["white" as const],
        actions: i < 5 ? ["arrest" as const] : [],
      })),
      ...Array.from({ length: 40 }, (_, i) => ({
        studentKey: keyOf("x", i),
        raceEthnicity: ["black" as const],
        actions: i < 20 ? ["arrest" as const] : [],
      })),
    ];
    const items = students.map((student) => incident("2025-10-01T10:00:00-07:00", [student]));
    const report = run(
      items,
      enrollmentCsv({ S1: { raceEthnicity: { white: 200, black: 100 } } }, 300),
      { minCell: 5, minN: 30 },
    );
    // contact: (40/100) / (20/200) = 4; arrest: (20/40) / (5/20) = 2
    expect(row(report, "contact", "raceEthnicity", "black").rri).toBeCloseTo(4, 12);
    expect(row(report, "arrest", "raceEthnicity", "black").rri).toBeCloseTo(2, 12);
    expect(row(report, "arrest", "raceEthnicity", "white").rri).toBeCloseTo(1, 12);
    expect(row(report, "arrest", "raceEthnicity", "asian").rri).toBeNull();
  });

  it("lists every table in order, every group as a row", () => {
    const report = run([], enrollmentCsv({ S1: {} }, 10));
    expect(report.tables).toHaveLength(11 * 5);
    expect(report.tables.slice(0, 5).map((table) => table.dimension)).toEqual([
      "raceEthnicity",
      "gender",
      "disability",
      "englishLearner",
      "gradeBand",
    ]);
    expect(report.tables[0]!.rows.map((r) => r.group)).toEqual([
      "american_indian_alaska_native",
      "asian",
      "black",
      "hispanic_latino",
      "middle_eastern_north_african",
      "native_hawaiian_pacific_islander",
      "white",
      "multiracial",
    ]);
    expect(Object.keys(report)).toEqual([
      "reportVersion",
      "schoolYear",
      "period",
      "scope",
      "parameters",
      "asOf",
      "totals",
      "tables",
      "indicators",
      "activities",
    ]);
    // The engine reads incidents only; computeReport adds the activities.
    expect(report.activities).toBeNull();
  });
});

describe("public reports", () => {
  const items = [
    ...Array.from({ length: 12 }, (_, i) =>
      incident("2025-10-01T10:00:00-07:00", [{ studentKey: keyOf("m", i), gender: "male" }]),
    ),
    ...Array.from({ length: 3 }, (_, i) =>
      incident("2025-10-01T10:00:00-07:00", [{ studentKey: keyOf("f", i), gender: "female" }]),
    ),
    ...Array.from({ length: 25 }, (_, i) =>
      incident("2025-10-01T10:00:00-07:00", [{ studentKey: keyOf("n", i), gender: "nonbinary" }]),
    ),
  ];
  const enrollment = enrollmentCsv(
    { S1: { gender: { male: 100, female: 100, nonbinary: 100 } } },
    300,
  );

  const hiddenRow = (group: string) => ({
    group,
    enrollment: 100,
    students: null,
    events: null,
    risk: null,
    comparisonStudents: null,
    comparisonEnrollment: 200,
    comparisonRisk: null,
    riskRatio: null,
    riskRatioNote: "suppressed",
    ciLow: null,
    ciHigh: null,
    exceedsThreshold: false,
    significant: false,
    flagged: false,
    rri: null,
    suppressed: true,
  });
  const table = (report: Report, decisionPoint: string, dimension: string) =>
    report.tables.find((t) => t.decisionPoint === decisionPoint && t.dimension === dimension)!;

  it("hides a small cell and its complement, and keeps the comparison that covers both", () => {
    const report = run(items, enrollment, { public: true });
    expect(report.totals).toEqual({
      incidents: 40,
      subjects: 40,
      students: 40,
      corrected: 0,
      voided: 0,
    });
    const riskRatio = 0.25 / (15 / 200);
    const interval = katzInterval(riskRatio, [25, 100, 15, 200], normalQuantile(0.975));
    // The hidden male (12) and female (3) add up to 15: the attacker knows
    // the sum, but not which of 10..14 the complement is.
    expect(table(report, "contact", "gender")).toEqual({
      decisionPoint: "contact",
      dimension: "gender",
      totalStudents: 40,
      notRecorded: 0,
      rows: [
        hiddenRow("male"),
        hiddenRow("female"),
        {
          group: "nonbinary",
          enrollment: 100,
          students: 25,
          events: 25,
          risk: 0.25,
          comparisonStudents: 15,
          comparisonEnrollment: 200,
          comparisonRisk: 15 / 200,
          riskRatio,
          riskRatioNote: null,
          ...interval,
          exceedsThreshold: true,
          significant: true,
          flagged: true,
          // male, the largest enrollment first in order, is the reference; it is hidden.
          rri: null,
          suppressed: false,
        },
      ],
    });
  });

  it("withholds a small total, notRecorded and the comparisons, keeps zeros", () => {
    const report = run(items.slice(12, 15), enrollment, { public: true });
    expect(report.totals).toEqual({
      incidents: null,
      subjects: null,
      students: null,
      corrected: 0,
      voided: 0,
    });
    const zeroRow = (group: string) => ({
      group,
      enrollment: 100,
      students: 0,
      events: 0,
      risk: 0,
      comparisonStudents: null,
      comparisonEnrollment: 200,
      comparisonRisk: null,
      riskRatio: null,
      riskRatioNote: "comparison_suppressed",
      ciLow: null,
      ciHigh: null,
      exceedsThreshold: false,
      significant: false,
      flagged: false,
      rri: null,
      suppressed: false,
    });
    expect(table(report, "contact", "gender")).toEqual({
      decisionPoint: "contact",
      dimension: "gender",
      totalStudents: null,
      notRecorded: null,
      rows: [zeroRow("male"), hiddenRow("female"), zeroRow("nonbinary")],
    });
    const arrest = table(report, "arrest", "gender");
    expect(arrest.totalStudents).toBe(0);
    expect(arrest.notRecorded).toBe(0);
    expect(arrest.rows.map((r) => [r.students, r.comparisonStudents, r.riskRatioNote])).toEqual([
      [0, 0, "below_min_cell"],
      [0, 0, "below_min_cell"],
      [0, 0, "below_min_cell"],
    ]);
  });

  it("withholds the comparisons where a hidden cell would otherwise be pinned", () => {
    // Contact: male 1 (small), female 10 (the complement), nonbinary 25.
    // All 10 female students were searched, so the search table shows that
    // contact(female) >= 10: with the sum 11 published, male = 1 exactly.
    const searched = [
      incident("2025-10-01T10:00:00-07:00", [{ studentKey: keyOf("a", 0), gender: "male" }]),
      ...Array.from({ length: 10 }, (_, i) =>
        incident("2025-10-01T10:00:00-07:00", [
          { studentKey: keyOf("b", i), gender: "female", actions: ["searched_person"] },
        ]),
      ),
      ...items.slice(15),
    ];
    const report = run(searched, enrollment, { public: true });
    const contact = table(report, "contact", "gender");
    expect(contact.rows.map((r) => r.suppressed)).toEqual([true, true, false]);
    expect(contact.totalStudents).toBeNull();
    expect(contact.notRecorded).toBeNull();
    expect(contact.rows[2]).toMatchObject({
      students: 25,
      comparisonStudents: null,
      riskRatio: null,
      riskRatioNote: "comparison_suppressed",
    });
    expect(report.totals).toEqual({
      incidents: 36,
      subjects: null,
      students: null,
      corrected: 0,
      voided: 0,
    });
    // Every dimension's contact table loses its sum: they share the total.
    expect(table(report, "contact", "raceEthnicity").totalStudents).toBeNull();
    expect(table(report, "search", "gender").totalStudents).toBe(10);
  });

  it("refuses a school scope or a period outside the partition", () => {
    expect(() => reportRequest({ schoolYear: "2025-26", public: true, schoolId: "S1" })).toThrow(
      /district/,
    );
    expect(() =>
      reportRequest({ schoolYear: "2025-26", public: true, from: "2025-07-01", to: "2025-12-31" }),
    ).toThrow(/partition/);
    expect(() =>
      reportRequest({
        schoolYear: "2025-26",
        public: true,
        partition: "semester",
        from: "2025-07-01",
        to: "2025-12-31",
      }),
    ).not.toThrow();
    expect(() =>
      reportRequest({ schoolYear: "2025-26", public: true, partition: "quarter" }),
    ).toThrow(/partition/);
  });
});

describe("report requests and enrollment", () => {
  it.each([
    [{ schoolYear: "2025-27" }, "schoolYear"],
    [{ schoolYear: "9999-00" }, "schoolYear"],
    [{ schoolYear: "2025-26", from: "2026-07-01" }, "from"],
    [{ schoolYear: "2025-26", minCell: 0 }, "minCell"],
    [{ schoolYear: "2025-26", minN: 2.5 }, "minN"],
    [{ schoolYear: "2025-26", riskRatioThreshold: 0 }, "riskRatioThreshold"],
    [{ schoolYear: "2025-26", confidenceLevel: 1 }, "confidenceLevel"],
    [{ schoolYear: "2025-26", timeZone: "Mars/Olympus" }, "timeZone"],
    [{ schoolYear: "2025-26", partition: "month" }, "partition"],
  ])("refuses %j", (input, field) => {
    expect(() => reportRequest(input)).toThrow(expect.objectContaining({ field }));
  });

  it.each([
    ["schoolYear,schoolId,group,dimension,enrollment\n", /line 1: the header/],
    [
      "schoolYear,schoolId,dimension,group,enrollment\n2025-26,S1,height,tall,3",
      /line 2: unknown dimension/,
    ],
    [
      "schoolYear,schoolId,dimension,group,enrollment\n2025-26,S1,gender,other,3",
      /line 2: unknown group/,
    ],
    [
      "schoolYear,schoolId,dimension,group,enrollment\n2025-26,S1,gender,male,-3",
      /line 2: enrollment/,
    ],
    [
      "schoolYear,schoolId,dimension,group,enrollment\n2025-26,S1,gender,male,3\n2025-26,S1,gender,male,3",
      /line 3: a second row/,
    ],
    [
      'schoolYear,schoolId,dimension,group,enrollment\n2025-26,S1,gender,"male,3',
      /line 2: a quoted field/,
    ],
    ["schoolYear,schoolId,dimension,group,enrollment\n2025-26,S1,gender,male,3", /does not add up/],
    [
      "schoolYear,schoolId,dimension,group,enrollment\n2024-25,S1,gender,male,3",
      /line 2: every row must be of the school year/,
    ],
  ])("refuses bad enrollment CSV %#", (csv, message) => {
    expect(() => parseEnrollmentCsv(csv, "2025-26", "refuse")).toThrow(message);
  });

  it("reads a BOM, CRLF and quoted fields, and skips other years when asked", () => {
    const csv =
      "\uFEFFschoolYear,schoolId,dimension,group,enrollment\r\n" +
      ["raceEthnicity", "gender", "disability", "englishLearner", "gradeBand"]
        .map((dimension) => `"2025-26","S1","${dimension}","not_reported","7"`)
        .join("\r\n") +
      "\r\n2024-25,S1,gender,male,3\r\n";
    const enrollment = parseEnrollmentCsv(csv, "2025-26", "ignore");
    expect(enrollment.get("S1")?.get("gender")?.get("not_reported")).toBe(7);
  });
});

describe("policy indicators", () => {
  const enrollment = enrollmentCsv({ S1: {} }, 1000);
  const inPeriod = "2025-10-01T10:00:00-07:00";
  const keyA = keyOf("a", 1);
  const as = (
    initiatedBy: string,
    category: string,
    students: StudentSpec[],
    occurredAt = inPeriod,
  ): RedactedIncident => ({
    ...incident(occurredAt, students),
    initiatedBy: initiatedBy as RedactedIncident["initiatedBy"],
    category: category as RedactedIncident["category"],
  });
  const incidents = () => [
    as("staff_request", "disruption", [
      {
        studentKey: keyA,
        grade: "3",
        age: 11,
        actions: ["citation", "referral_to_support_services"],
      },
      { grade: "5", age: 12, actions: ["arrest", "handcuffed"] },
    ]),
    as("officer_observed", "disruption", [
      { grade: "K", actions: ["referral_to_prosecution", "use_of_force", "handcuffed"] },
      { role: "witness", grade: "4", age: 9, actions: [] },
    ]),
    as("staff_request", "bullying_or_harassment", [
      { grade: "7", age: 11, actions: ["psychiatric_hold"] },
    ]),
    as("call_for_service", "mental_health_crisis", [
      { grade: "10", age: 16, actions: ["referral_to_support_services"] },
    ]),
    as("staff_request", "threat", [
      { studentKey: keyA, grade: "3", age: 11, actions: ["citation"] },
    ]),
    as(
      "staff_request",
      "disruption",
      [{ grade: "3", actions: ["use_of_force"] }],
      "2026-08-01T10:00:00-07:00",
    ),
  ];

  it("counts each by hand, over the bases the contract gives", () => {
    const report = run(incidents(), enrollment);
    expect(report.totals).toMatchObject({ incidents: 5, subjects: 6 });
    expect(report.indicators).toEqual({
      routineDiscipline: { count: 2, base: 5, share: 2 / 5 },
      mentalHealth: { count: 2, base: 5, share: 2 / 5 },
      useOfForce: { count: 1, base: 6, share: 1 / 6 },
      // Pairs, not students: the student in grade 3 counts in both incidents.
      restraintElementary: { count: 2, base: 4, share: 2 / 4 },
      // Age 11 twice; 12 and a missing age are not under 12.
      underTwelveJustice: { count: 2, base: 4, share: 2 / 4 },
      // A citation with a referral to support counts on both sides.
      justiceVersusSupport: { count: 4, base: 6, share: 4 / 6, supportCount: 2 },
    });
    expect(report.parameters.routineDisciplineCategories).toEqual([
      "disruption",
      "bullying_or_harassment",
    ]);
  });

  it("reads in plain language on the board page, a small public count as fewer than minCell", () => {
    const internal = reportHtml(run(incidents(), enrollment));
    expect(internal).toContain(
      "2 of 5 incidents (40.0%) were routine discipline referred by staff.",
    );
    expect(internal).toContain("in the categories “disruption” or “bullying or harassment”.");
    const published = reportHtml(run(incidents(), enrollment, { public: true, minCell: 3 }));
    expect(published).toContain(
      "fewer than 3 of 5 incidents were routine discipline referred by staff.",
    );
  });

  it("takes the routine-discipline categories as a parameter", () => {
    const report = run(incidents(), enrollment, { routineDisciplineCategories: ["threat"] });
    expect(report.indicators.routineDiscipline).toEqual({ count: 1, base: 5, share: 1 / 5 });
    expect(report.parameters.routineDisciplineCategories).toEqual(["threat"]);
  });

  it("gives null shares over empty bases", () => {
    const report = run([], enrollment);
    for (const value of Object.values(report.indicators)) {
      expect(value).toMatchObject({ count: 0, base: 0, share: null });
    }
  });

  it.each([[["disruption", "disruption"]], [["not_a_category"]], [[]], ["disruption"]])(
    "refuses routineDisciplineCategories %j",
    (value) => {
      expect(() =>
        reportRequest({ schoolYear: "2025-26", routineDisciplineCategories: value }),
      ).toThrow(/^routineDisciplineCategories must list/);
    },
  );
});
