import * as z from "zod";
import { contractObject, IncidentEventV1Schema } from "./schema.ts";

/** The intake queue's message: the validated event and who submitted it when. */
export const IntakeMessageSchema = contractObject({
  incidentKey: z.string().min(1).max(64),
  officerId: z.string().min(1).max(256),
  receivedAt: z.iso.datetime(),
  requestId: z.string().max(256).optional(),
  event: IncidentEventV1Schema,
});
export type IntakeMessage = z.infer<typeof IntakeMessageSchema>;

/** The redaction queue's message: the stored event, for the redact stage. */
export const RedactionMessageSchema = contractObject({
  incidentKey: z.string().min(1).max(64),
  receivedAt: z.iso.datetime(),
  /** The API request that brought the incident in, for log correlation. */
  requestId: z.string().max(256).optional(),
  event: IncidentEventV1Schema,
});
export type RedactionMessage = z.infer<typeof RedactionMessageSchema>;

/** Incident ids are UUIDs; any letter case names the same incident. */
export { incidentKey } from "./key.ts";
