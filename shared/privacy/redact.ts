import { createHmac } from "node:crypto";
import * as z from "zod";
import {
  contractObject,
  INCIDENT_EVENT_FIELDS,
  type IncidentEventV1,
  PersonSchema,
  StudentSchema,
} from "../incident/schema.ts";
import { scrubNarrative } from "./narrative.ts";

/**
 * A student's pseudonymous key: HMAC-SHA-256 of the district's local id with
 * the district secret. Stable across incidents, meaningless without the secret.
 */
export const studentKey = (localId: string, secret: string): string =>
  createHmac("sha256", secret).update(localId, "utf8").digest("hex");

/** Contracts section 3: what flows past the restricted store. */
export const RedactedStudentSchema = contractObject({
  ...StudentSchema.omit({ ref: true }).shape,
  studentKey: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});

const { students: _students, otherPersons: _otherPersons, ...sharedFields } = INCIDENT_EVENT_FIELDS;

export const RedactedIncidentSchema = contractObject({
  ...sharedFields,
  students: z.array(RedactedStudentSchema),
  otherPersons: z.array(PersonSchema.pick({ role: true })).optional(),
});

export type RedactedIncident = z.infer<typeof RedactedIncidentSchema>;

export const redactIncident = (event: IncidentEventV1, secret: string): RedactedIncident => {
  const { students, otherPersons, narrative, ...rest } = event;
  return {
    ...rest,
    students: students.map(({ ref, ...student }) => ({
      ...student,
      ...(ref.localId !== undefined ? { studentKey: studentKey(ref.localId, secret) } : {}),
    })),
    ...(otherPersons ? { otherPersons: otherPersons.map(({ role }) => ({ role })) } : {}),
    ...(narrative !== undefined
      ? { narrative: scrubNarrative(narrative, { students, otherPersons: otherPersons ?? [] }) }
      : {}),
  };
};
