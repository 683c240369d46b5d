import type { RedactionMessage } from "../incident/messages.ts";
import { type RedactedIncident, redactIncident } from "./redact.ts";

/** The redacted table's item: the redacted incident and the keys of its indexes. */
export interface RedactedRecord {
  incidentId: string;
  schoolId: string;
  district: "district";
  /** `occurredAt` as a UTC instant, then the incident key: orders by time, unique. */
  occurredKey: string;
  receivedAt: string;
  redactedAt: string;
  incident: RedactedIncident;
}

export interface RedactPorts {
  secret(): Promise<string>;
  putRedactedOnce(record: RedactedRecord): Promise<boolean>;
  now(): Date;
}

export const occurredKey = (occurredAt: string, incidentKey: string): string =>
  `${new Date(occurredAt).toISOString()}#${incidentKey}`;

/**
 * Idempotent: redaction is deterministic for a given secret, and the write
 * is conditional on the incident key, so a redelivery changes nothing.
 */
export const recordRedactedIncident = async (
  message: RedactionMessage,
  ports: RedactPorts,
): Promise<{ written: boolean }> => {
  const incident = redactIncident(message.event, await ports.secret());
  const written = await ports.putRedactedOnce({
    incidentId: message.incidentKey,
    schoolId: incident.schoolId,
    district: "district",
    occurredKey: occurredKey(incident.occurredAt, message.incidentKey),
    receivedAt: message.receivedAt,
    redactedAt: ports.now().toISOString(),
    incident,
  });
  return { written };
};
