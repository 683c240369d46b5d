import { formatPath } from "../../../shared/incident/forbidden.ts";
import { type IncidentEventV1, IncidentEventV1Schema } from "../../../shared/incident/schema.ts";
import { zonedDateTimeToIso } from "../../../shared/time/zoned.ts";

/**
 * The new report's values as the form holds them. Every control's `name`
 * is the JSON path of the field it edits (contracts section 7), which is
 * also the path in these values, except `occurredAt`, held as the wall
 * clock a datetime-local control shows and sent with the district zone's
 * offset at that instant.
 */
export interface StudentValues {
  ref: { localId: string; firstName: string; lastName: string; dateOfBirth: string };
  role: string;
  grade: string;
  age: string;
  raceEthnicity: string[];
  gender: string;
  disability: string;
  englishLearner: string;
  actions: string[];
  contraband: string[];
}

export interface PersonValues {
  role: string;
  firstName: string;
  lastName: string;
}

export interface FormValues {
  incidentId: string;
  occurredAt: string;
  schoolId: string;
  location: string;
  initiatedBy: string;
  category: string;
  educationCodeSections: string[];
  students: StudentValues[];
  otherPersons: PersonValues[];
  narrative: string;
}

export const emptyStudent = (): StudentValues => ({
  ref: { localId: "", firstName: "", lastName: "", dateOfBirth: "" },
  role: "",
  grade: "",
  age: "",
  raceEthnicity: [],
  gender: "",
  disability: "",
  englishLearner: "",
  actions: [],
  contraband: [],
});

export const emptyPerson = (): PersonValues => ({ role: "", firstName: "", lastName: "" });

export const emptyForm = (occurredAt: string, schoolId = ""): FormValues => ({
  incidentId: crypto.randomUUID(),
  occurredAt,
  schoolId,
  location: "",
  initiatedBy: "",
  category: "",
  educationCodeSections: [],
  students: [emptyStudent()],
  otherPersons: [],
  narrative: "",
});

/** `students[0].ref.firstName` → ["students", 0, "ref", "firstName"]. */
export const parsePath = (path: string): Array<string | number> =>
  [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((match) =>
    match[2] === undefined ? match[1]! : Number(match[2]),
  );

export const getAt = (values: unknown, path: string): unknown =>
  parsePath(path).reduce<unknown>(
    (node, key) => (node as Record<string | number, unknown> | undefined)?.[key],
    values,
  );

/** A copy of `values` with one field changed; only the objects on the path are copied. */
export const setAt = <T>(values: T, path: string, value: unknown): T => {
  const keys = parsePath(path);
  const write = (node: unknown, depth: number): unknown => {
    const key = keys[depth]!;
    const copy = Array.isArray(node) ? [...node] : { ...(node as object) };
    (copy as Record<string | number, unknown>)[key] =
      depth === keys.length - 1
        ? value
        : write((node as Record<string | number, unknown>)[key], depth + 1);
    return copy;
  };
  return write(values, 0) as T;
};

const text = (value: string) => {
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
};

const withoutUndefined = <T extends object>(object: T): T =>
  Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;

/**
 * The event as the API takes it. Empty optional fields are left out; a
 * required one left empty stays empty, so the schema names it.
 */
export const toEvent = (values: FormValues, timeZone: string): Record<string, unknown> =>
  withoutUndefined({
    incidentId: values.incidentId,
    schemaVersion: 1,
    occurredAt: zonedDateTimeToIso(values.occurredAt, timeZone) ?? values.occurredAt,
    schoolId: values.schoolId,
    location: values.location,
    initiatedBy: values.initiatedBy,
    category: values.category,
    educationCodeSections:
      values.educationCodeSections.length > 0
        ? values.educationCodeSections.map((section) => section.trim())
        : undefined,
    students: values.students.map((student) =>
      withoutUndefined({
        ref: withoutUndefined({
          localId: text(student.ref.localId),
          firstName: text(student.ref.firstName),
          lastName: text(student.ref.lastName),
          dateOfBirth: text(student.ref.dateOfBirth),
        }),
        role: student.role,
        grade: student.grade,
        age: student.age.trim() === "" ? undefined : Number(student.age),
        raceEthnicity: student.raceEthnicity,
        gender: student.gender,
        disability: student.disability,
        englishLearner: student.englishLearner,
        actions: student.actions,
        contraband: student.contraband.length > 0 ? student.contraband : undefined,
      }),
    ),
    otherPersons:
      values.otherPersons.length > 0
        ? values.otherPersons.map((person) =>
            withoutUndefined({
              role: person.role,
              firstName: text(person.firstName),
              lastName: text(person.lastName),
            }),
          )
        : undefined,
    narrative: text(values.narrative) === undefined ? undefined : values.narrative,
  });

/** The values back from an event (a report returned by the server or kept in the outbox). */
export const fromEvent = (
  event: IncidentEventV1,
  wallClock: (iso: string) => string,
): FormValues => ({
  incidentId: event.incidentId,
  occurredAt: wallClock(event.occurredAt),
  schoolId: event.schoolId,
  location: event.location,
  initiatedBy: event.initiatedBy,
  category: event.category,
  educationCodeSections: event.educationCodeSections ?? [],
  students: event.students.map((student) => ({
    ref: {
      localId: student.ref.localId ?? "",
      firstName: student.ref.firstName ?? "",
      lastName: student.ref.lastName ?? "",
      dateOfBirth: student.ref.dateOfBirth ?? "",
    },
    role: student.role,
    grade: student.grade,
    age: student.age === undefined ? "" : String(student.age),
    raceEthnicity: [...student.raceEthnicity],
    gender: student.gender,
    disability: student.disability,
    englishLearner: student.englishLearner,
    actions: [...student.actions],
    contraband: [...(student.contraband ?? [])],
  })),
  otherPersons: (event.otherPersons ?? []).map((person) => ({
    role: person.role,
    firstName: person.firstName ?? "",
    lastName: person.lastName ?? "",
  })),
  narrative: event.narrative ?? "",
});

/** Field errors by path, from the one schema the API uses. */
export const validate = (event: Record<string, unknown>): Map<string, string> => {
  const errors = new Map<string, string>();
  const result = IncidentEventV1Schema.safeParse(event);
  if (result.success) return errors;
  for (const issue of result.error.issues) {
    const path = formatPath(issue.path.filter((key) => typeof key !== "symbol"));
    if (!errors.has(path)) errors.set(path, issue.message);
  }
  return errors;
};
