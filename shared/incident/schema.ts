import * as z from "zod";
import { isCalendarDate } from "../time/zoned.ts";

/** Contracts section 1: the incident event, version 1. Every object is strict. */

export const LOCATIONS = [
  "classroom",
  "hallway",
  "cafeteria",
  "restroom",
  "office",
  "gym_or_athletics",
  "parking_lot",
  "school_grounds_other",
  "school_bus",
  "off_campus_school_activity",
  "other",
] as const;

export const INITIATED_BY = [
  "staff_request",
  "officer_observed",
  "call_for_service",
  "student_or_parent_report",
  "other",
] as const;

export const CATEGORIES = [
  "fight_or_assault",
  "weapon",
  "drugs_or_alcohol",
  "theft",
  "vandalism",
  "threat",
  "trespass",
  "disruption",
  "bullying_or_harassment",
  "mental_health_crisis",
  "welfare_check",
  "traffic",
  "other",
] as const;

export const STUDENT_ROLES = ["subject", "victim", "witness", "reporting_party"] as const;

export const GRADES = [
  "TK",
  "K",
  "1",
  "2",
  "3",
  "4",
  "5",
  "6",
  "7",
  "8",
  "9",
  "10",
  "11",
  "12",
  "ungraded",
] as const;

export const RACE_ETHNICITIES = [
  "american_indian_alaska_native",
  "asian",
  "black",
  "hispanic_latino",
  "middle_eastern_north_african",
  "native_hawaiian_pacific_islander",
  "white",
] as const;

export const GENDERS = ["male", "female", "nonbinary", "not_recorded"] as const;
export const YES_NO_NOT_RECORDED = ["yes", "no", "not_recorded"] as const;

export const STUDENT_ACTIONS = [
  "questioned",
  "statement_obtained",
  "searched_person",
  "searched_property",
  "property_seized",
  "handcuffed",
  "detained",
  "removed_from_campus",
  "use_of_force",
  "warning",
  "citation",
  "arrest",
  "referral_to_prosecution",
  "referral_to_school_administrator",
  "referral_to_support_services",
  "parent_contacted",
  "psychiatric_hold",
] as const;

export const CONTRABAND = [
  "firearm",
  "ammunition",
  "other_weapon",
  "drugs",
  "alcohol",
  "money",
  "drug_paraphernalia",
  "stolen_property",
  "electronic_device",
  "other",
] as const;

export const PERSON_ROLES = [
  "staff",
  "parent_guardian",
  "other_adult",
  "non_student_minor",
] as const;

export const MAX_NARRATIVE_LENGTH = 8000;
export const MAX_STUDENTS = 60;
export const MAX_OTHER_PERSONS = 60;
/** How far ahead of the server clock `occurredAt` may be (clock skew on officers' devices). */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;
export const EARLIEST_OCCURRED_AT = Date.parse("2000-01-01T00:00:00Z");

const distinct = <T>(values: readonly T[]) => new Set(values).size === values.length;

const name = z.string().min(1).max(64);

/**
 * Zod's message for unknown keys quotes them, and a key can be anything an
 * officer typed (a student's name). This one counts them instead.
 */
const unknownFieldsMessage = (issue: z.core.$ZodRawIssue) => {
  if (issue.code !== "unrecognized_keys") return undefined;
  const count = issue.keys.length;
  return `${count} unknown field${count === 1 ? "" : "s"}: only the fields of the contract are allowed`;
};

/** A strict object whose errors never quote a submitted key. */
export const contractObject = <Shape extends z.core.$ZodLooseShape>(shape: Shape) =>
  z.strictObject(shape, { error: unknownFieldsMessage });

export const StudentRefSchema = contractObject({
  localId: z.string().min(1).max(32).optional(),
  firstName: name.optional(),
  lastName: name.optional(),
  dateOfBirth: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
    .refine(isCalendarDate, "must be a real calendar date")
    .optional(),
});

const raceEthnicity = z.union([
  z.array(z.enum(RACE_ETHNICITIES)).min(1).max(7).refine(distinct, "categories must be distinct"),
  z.tuple([z.literal("not_recorded")]),
]);

export const StudentSchema = contractObject({
  ref: StudentRefSchema,
  role: z.enum(STUDENT_ROLES),
  grade: z.enum(GRADES),
  age: z.int().min(3).max(22).optional(),
  raceEthnicity,
  gender: z.enum(GENDERS),
  disability: z.enum(YES_NO_NOT_RECORDED),
  englishLearner: z.enum(YES_NO_NOT_RECORDED),
  actions: z.array(z.enum(STUDENT_ACTIONS)).max(STUDENT_ACTIONS.length).refine(distinct, {
    message: "actions must be distinct",
  }),
  contraband: z
    .array(z.enum(CONTRABAND))
    .max(CONTRABAND.length)
    .refine(distinct, "contraband values must be distinct")
    .optional(),
});

export const PersonSchema = contractObject({
  role: z.enum(PERSON_ROLES),
  firstName: name.optional(),
  lastName: name.optional(),
});

const occurredAt = z.iso
  .datetime({ offset: true, local: false })
  .refine((value) => Date.parse(value) >= EARLIEST_OCCURRED_AT, "must not be before 2000-01-01")
  .refine(
    (value) => Date.parse(value) <= Date.now() + FUTURE_TOLERANCE_MS,
    "must not be more than 5 minutes in the future",
  );

/** The event's fields, for schemas derived from it (the redacted incident). */
export const INCIDENT_EVENT_FIELDS = {
  incidentId: z.guid(),
  schemaVersion: z.literal(1),
  occurredAt,
  schoolId: z.string().regex(/^[A-Za-z0-9-]{1,32}$/, "must be 1-32 letters, digits or hyphens"),
  location: z.enum(LOCATIONS),
  initiatedBy: z.enum(INITIATED_BY),
  category: z.enum(CATEGORIES),
  educationCodeSections: z
    .array(
      z
        .string()
        .max(32)
        .regex(
          /^\d{5}(\.\d{1,2})?(\([a-z0-9]{1,3}\))*$/,
          "must be an Education Code section such as 48900(a)(1) or 48900.2",
        ),
    )
    .max(50)
    .optional(),
  students: z.array(StudentSchema).min(1).max(MAX_STUDENTS),
  otherPersons: z.array(PersonSchema).max(MAX_OTHER_PERSONS).optional(),
  narrative: z.string().max(MAX_NARRATIVE_LENGTH).optional(),
};

export const IncidentEventV1Schema = contractObject(INCIDENT_EVENT_FIELDS).superRefine(
  (event, ctx) => {
    const seen = new Set<string>();
    event.students.forEach((student, index) => {
      const localId = student.ref.localId;
      if (localId === undefined) return;
      if (seen.has(localId)) {
        ctx.addIssue({
          code: "custom",
          path: ["students", index, "ref", "localId"],
          message: "the same student localId appears twice in one incident",
        });
      }
      seen.add(localId);
    });
  },
);

export type IncidentEventV1 = z.infer<typeof IncidentEventV1Schema>;
export type Student = z.infer<typeof StudentSchema>;
export type Person = z.infer<typeof PersonSchema>;
