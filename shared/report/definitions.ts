import { RACE_ETHNICITIES } from "../incident/schema.ts";
import type { RedactedIncident } from "../privacy/redact.ts";

/** Contracts section 5: decision points in report order, and the actions that make each. */
export const DECISION_POINTS = [
  ["contact", []],
  ["search", ["searched_person", "searched_property"]],
  ["restraint", ["handcuffed"]],
  ["use_of_force", ["use_of_force"]],
  ["citation", ["citation"]],
  ["arrest", ["arrest"]],
  ["referral_to_prosecution", ["referral_to_prosecution"]],
  ["referral_to_school_administrator", ["referral_to_school_administrator"]],
  ["referral_to_support_services", ["referral_to_support_services"]],
  ["removed_from_campus", ["removed_from_campus"]],
  ["psychiatric_hold", ["psychiatric_hold"]],
] as const satisfies ReadonlyArray<readonly [string, readonly string[]]>;

export type DecisionPoint = (typeof DECISION_POINTS)[number][0];
export const DECISION_POINT_NAMES: readonly DecisionPoint[] = DECISION_POINTS.map(([name]) => name);

type RedactedStudent = RedactedIncident["students"][number];

/** Dimensions in report order: their groups in order, the reference group, and a student's group. */
export const DIMENSIONS = [
  {
    name: "raceEthnicity",
    groups: [...RACE_ETHNICITIES, "multiracial"],
    reference: "white",
    groupOf: (student: RedactedStudent): string | undefined => {
      const values = student.raceEthnicity as readonly string[];
      if (values.length === 1 && values[0] === "not_recorded") return undefined;
      return values.length > 1 ? "multiracial" : values[0];
    },
  },
  {
    name: "gender",
    groups: ["male", "female", "nonbinary"],
    reference: undefined,
    groupOf: (student: RedactedStudent) =>
      student.gender === "not_recorded" ? undefined : student.gender,
  },
  {
    name: "disability",
    groups: ["yes", "no"],
    reference: undefined,
    groupOf: (student: RedactedStudent) =>
      student.disability === "not_recorded" ? undefined : student.disability,
  },
  {
    name: "englishLearner",
    groups: ["yes", "no"],
    reference: undefined,
    groupOf: (student: RedactedStudent) =>
      student.englishLearner === "not_recorded" ? undefined : student.englishLearner,
  },
  {
    name: "gradeBand",
    groups: ["elementary", "middle", "high"],
    reference: undefined,
    groupOf: (student: RedactedStudent) => gradeBandOf(student.grade),
  },
] as const;

export type DimensionName = (typeof DIMENSIONS)[number]["name"];

const GRADE_BANDS: Record<string, string | undefined> = {
  TK: "elementary",
  K: "elementary",
  "1": "elementary",
  "2": "elementary",
  "3": "elementary",
  "4": "elementary",
  "5": "elementary",
  "6": "middle",
  "7": "middle",
  "8": "middle",
  "9": "high",
  "10": "high",
  "11": "high",
  "12": "high",
  ungraded: undefined,
};

export const gradeBandOf = (grade: string): string | undefined => GRADE_BANDS[grade];

/** Enrollment may also count students whose value a school does not know. */
export const NOT_REPORTED = "not_reported";

export const decisionPointsOf = (actions: readonly string[]): DecisionPoint[] =>
  DECISION_POINTS.filter(
    ([name, needed]) =>
      name === "contact" ||
      (needed as readonly string[]).some((action) => actions.includes(action)),
  ).map(([name]) => name);
