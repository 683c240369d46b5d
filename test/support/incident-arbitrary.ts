import fc from "fast-check";
import {
  CATEGORIES,
  CONTRABAND,
  GENDERS,
  GRADES,
  INITIATED_BY,
  LOCATIONS,
  PERSON_ROLES,
  RACE_ETHNICITIES,
  STUDENT_ACTIONS,
  STUDENT_ROLES,
  YES_NO_NOT_RECORDED,
} from "../../shared/incident/schema.ts";

/** Valid version-1 events (contracts section 1), small enough to generate many of. */
const subset = <T>(values: readonly T[], min = 0, max = values.length) =>
  fc.uniqueArray(fc.constantFrom(...values), { minLength: min, maxLength: max });

const name = fc.stringMatching(/^[A-Z][a-z]{0,9}$/);

export const studentArbitrary = fc.record(
  {
    ref: fc.record(
      {
        localId: fc.stringMatching(/^S[0-9]{4,8}$/),
        firstName: name,
        lastName: name,
        dateOfBirth: fc.constantFrom("2010-04-05", "2011-12-31", "2009-02-28"),
      },
      { requiredKeys: [] },
    ),
    role: fc.constantFrom(...STUDENT_ROLES),
    grade: fc.constantFrom(...GRADES),
    age: fc.integer({ min: 3, max: 22 }),
    raceEthnicity: fc.oneof(
      subset(RACE_ETHNICITIES, 1, 3),
      fc.constant(["not_recorded"] as string[]),
    ),
    gender: fc.constantFrom(...GENDERS),
    disability: fc.constantFrom(...YES_NO_NOT_RECORDED),
    englishLearner: fc.constantFrom(...YES_NO_NOT_RECORDED),
    actions: subset(STUDENT_ACTIONS, 0, 4),
    contraband: subset(CONTRABAND, 0, 3),
  },
  {
    requiredKeys: [
      "ref",
      "role",
      "grade",
      "raceEthnicity",
      "gender",
      "disability",
      "englishLearner",
      "actions",
    ],
  },
);

export const personArbitrary = fc.record(
  { role: fc.constantFrom(...PERSON_ROLES), firstName: name, lastName: name },
  { requiredKeys: ["role"] },
);

/** Distinct local ids within an incident, as the contract requires. */
const distinctLocalIds = <S extends { ref: { localId?: string } }>(students: S[]) => {
  const seen = new Set<string>();
  return students.map((student, index) => {
    const localId = student.ref.localId;
    if (localId === undefined || !seen.has(localId)) {
      if (localId !== undefined) seen.add(localId);
      return student;
    }
    return { ...student, ref: { ...student.ref, localId: `${localId}${index}` } };
  });
};

export const incidentArbitrary = (incidentId = "6f1c2a34-9b7e-4d2a-8f51-0c3e5a7b9d10") =>
  fc
    .record(
      {
        incidentId: fc.constant(incidentId),
        schemaVersion: fc.constant(1 as const),
        occurredAt: fc.constantFrom(
          "2026-02-03T10:15:00-08:00",
          "2025-10-01T08:00:00-07:00",
          "2026-01-12T13:30:00Z",
        ),
        schoolId: fc.constantFrom("19647330000003", "OTHER-01"),
        location: fc.constantFrom(...LOCATIONS),
        initiatedBy: fc.constantFrom(...INITIATED_BY),
        category: fc.constantFrom(...CATEGORIES),
        educationCodeSections: subset(["48900(a)(1)", "48900.2", "48900.4"] as const),
        students: fc.array(studentArbitrary, { minLength: 1, maxLength: 4 }),
        otherPersons: fc.array(personArbitrary, { maxLength: 3 }),
        narrative: fc.constantFrom("Two students argued.", "A student was helped.", ""),
      },
      {
        requiredKeys: [
          "incidentId",
          "schemaVersion",
          "occurredAt",
          "schoolId",
          "location",
          "initiatedBy",
          "category",
          "students",
        ],
      },
    )
    .map((event) => ({ ...event, students: distinctLocalIds(event.students) }));
