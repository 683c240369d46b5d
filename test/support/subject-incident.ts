import fc from "fast-check";
import type { RedactedIncident } from "../../shared/privacy/redact.ts";

/**
 * Redacted incidents of one subject student, described by indexes into
 * small lists of values so that property tests (trend.test.ts,
 * public-suppression.test.ts) shrink to readable cases. Each test gives its
 * own list of race/ethnicity answers.
 */
export const GENDERS = ["male", "female", "nonbinary", "not_recorded"] as const;
export const YES_NO = ["yes", "no", "not_recorded"] as const;
export const GRADES = ["K", "3", "7", "10", "12", "ungraded"] as const;
export const ACTIONS = [
  "searched_person",
  "handcuffed",
  "citation",
  "arrest",
  "referral_to_support_services",
  "use_of_force",
] as const;

/** A subject student as indexes into the lists above (race into the test's own list). */
export interface StudentSpec {
  race: number;
  gender: number;
  disability: number;
  englishLearner: number;
  grade: number;
  actions: number[];
}

/** An index below `size`, skewed towards the `first` ones so that small cells are common. */
export const skewed = (size: number, first: readonly number[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...first) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: size - 1 }) },
  );

/** The arbitraries of a StudentSpec's fields, to spread into an fc.record. */
export const studentSpecFields = (raceCount: number, first: readonly number[]) => ({
  race: skewed(raceCount, first),
  gender: skewed(GENDERS.length, first),
  disability: skewed(YES_NO.length, first),
  englishLearner: skewed(YES_NO.length, first),
  grade: skewed(GRADES.length, first),
  actions: fc.array(fc.integer({ min: 0, max: ACTIONS.length - 1 }), { maxLength: 3 }),
});

let sequence = 0;

/** A hallway incident at a staff request with one subject student, under a fresh incident id. */
export const subjectIncident = ({
  occurredAt,
  schoolId,
  category,
  studentKey,
  student,
  races,
  age,
}: {
  occurredAt: string;
  schoolId: string;
  category: string;
  studentKey: string;
  student: StudentSpec;
  races: ReadonlyArray<readonly string[]>;
  age?: number | null;
}): RedactedIncident =>
  ({
    incidentId: `00000000-0000-4000-8000-${String(++sequence).padStart(12, "0")}`,
    schemaVersion: 1,
    occurredAt,
    schoolId,
    location: "hallway",
    initiatedBy: "staff_request",
    category,
    students: [
      {
        role: "subject",
        studentKey,
        grade: GRADES[student.grade]!,
        raceEthnicity: [...races[student.race]!],
        gender: GENDERS[student.gender]!,
        disability: YES_NO[student.disability]!,
        englishLearner: YES_NO[student.englishLearner]!,
        actions: [...new Set(student.actions)].map((action) => ACTIONS[action]!),
        ...(age === null || age === undefined ? {} : { age }),
      },
    ],
  }) as RedactedIncident;
