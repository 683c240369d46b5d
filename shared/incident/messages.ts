import * as z from "zod";
import { contractObject, IncidentEventV1Schema } from "./schema.ts";

/** Contracts section 8: a correction's or void's reason, 1 to 500 characters. */
export const MAX_REASON_LENGTH = 500;

/** How a version came to be: version 1 is `submitted`, later ones `corrected` or `voided`. */
export const VERSION_KINDS = ["submitted", "corrected", "voided"] as const;
export type VersionKind = (typeof VERSION_KINDS)[number];

const incidentKeyField = z.string().min(1).max(64);
/** The API request that brought the version in, for log correlation. */
const requestIdField = z.string().max(256).optional();

/**
 * What a correction or void adds to a queue message (storage model of issue
 * 12). A version-1 message has none of it: `version` absent means 1.
 */
const versionFields = {
  version: z.int().min(2),
  /** When the correction was accepted (the head update). */
  at: z.iso.datetime(),
  /** The `sub` of whoever made it. */
  by: z.string().min(1).max(256),
  reason: z.string().min(1).max(MAX_REASON_LENGTH),
};

const correctionFields = {
  ...versionFields,
  kind: z.literal("corrected"),
  event: IncidentEventV1Schema,
};

/** A void carries no event (storage model of issue 12). */
const voidFields = {
  ...versionFields,
  kind: z.literal("voided"),
};

/**
 * On the redaction queue, a void also carries the event of the version it
 * withdraws, which the store stage reads from the restricted table: the
 * redact stage can then keep a voided item's index keys and last active
 * incident even when the void overtakes that version on the queue, and it
 * never reads the restricted table itself. (An addition to the storage
 * model; `event` stays absent for a void.)
 */
const redactionVoidFields = {
  ...voidFields,
  lastActiveEvent: IncidentEventV1Schema,
};

const submissionFields = {
  version: z.literal(1).optional(),
  kind: z.literal("submitted").optional(),
  event: IncidentEventV1Schema,
};

/** The intake queue's message: a submitted event, a correction or a void, and who sent it when. */
const intakeBase = {
  incidentKey: incidentKeyField,
  /** The submitting officer; for a correction too, so the store stage keeps it beside each version. */
  officerId: z.string().min(1).max(256),
  /** When intake first accepted the incident (version 1). */
  receivedAt: z.iso.datetime(),
  requestId: requestIdField,
};

const IntakeSubmissionSchema = contractObject({ ...intakeBase, ...submissionFields });
const IntakeCorrectionSchema = contractObject({ ...intakeBase, ...correctionFields });
const IntakeVoidSchema = contractObject({ ...intakeBase, ...voidFields });
export const IntakeMessageSchema = z.union([
  IntakeSubmissionSchema,
  IntakeCorrectionSchema,
  IntakeVoidSchema,
]);
export type IntakeMessage = z.infer<typeof IntakeMessageSchema>;
export type IntakeSubmission = z.infer<typeof IntakeSubmissionSchema>;
export type IntakeCorrection = z.infer<typeof IntakeCorrectionSchema>;
export type IntakeVoid = z.infer<typeof IntakeVoidSchema>;

/** The redaction queue's message: the stored version, for the redact stage. */
const redactionBase = {
  incidentKey: incidentKeyField,
  receivedAt: z.iso.datetime(),
  requestId: requestIdField,
};

export const RedactionSubmissionSchema = contractObject({ ...redactionBase, ...submissionFields });
export const RedactionMessageSchema = z.union([
  RedactionSubmissionSchema,
  contractObject({ ...redactionBase, ...correctionFields }),
  contractObject({ ...redactionBase, ...redactionVoidFields }),
]);
export type RedactionMessage = z.infer<typeof RedactionMessageSchema>;
export type RedactionSubmission = z.infer<typeof RedactionSubmissionSchema>;

/** A message's version number: absent means 1. */
export const versionOf = (message: { version?: number }): number => message.version ?? 1;

/** The event a message's version leaves current in the redacted store: for a void, the one it withdraws. */
export const activeEventOf = (message: RedactionMessage) =>
  "lastActiveEvent" in message ? message.lastActiveEvent : message.event;

/** Incident ids are UUIDs; any letter case names the same incident. */
export { incidentKey } from "./key.ts";
