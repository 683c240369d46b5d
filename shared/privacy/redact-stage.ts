import { activeEventOf, type RedactionMessage, versionOf } from "../incident/messages.ts";
import { type RedactedIncident, redactIncident } from "./redact.ts";

/** Whether an incident counts: a voided one leaves every redacted read, list and report. */
export type IncidentStatus = "active" | "voided";

/**
 * The redacted table's item: the current version's redacted incident and the
 * keys of its indexes. `version` absent means 1 and `status` absent means
 * active (items written before corrections existed). A voided item keeps
 * its index keys and the incident of its last active version, so reports
 * can count it among `totals.voided`.
 */
export interface RedactedRecord {
  incidentId: string;
  schoolId: string;
  district: "district";
  /** `occurredAt` as a UTC instant, then the incident key: orders by time, unique. */
  occurredKey: string;
  receivedAt: string;
  redactedAt: string;
  version?: number;
  status?: IncidentStatus;
  incident: RedactedIncident;
}

/** One student's membership in one incident, for the custodian's search by student. */
export interface StudentIncidentRecord {
  studentKey: string;
  incidentId: string;
  schoolId: string;
  occurredAt: string;
  version: number;
}

export interface RedactPorts {
  secret(): Promise<string>;
  /** Writes the record only over an older version (or none); true when this call wrote it. */
  putRedactedIfNewer(record: RedactedRecord): Promise<boolean>;
  /** The same rule for one student's item. */
  putStudentIncidentIfNewer(record: StudentIncidentRecord): Promise<boolean>;
  now(): Date;
}

export const occurredKey = (occurredAt: string, incidentKey: string): string =>
  `${new Date(occurredAt).toISOString()}#${incidentKey}`;

export const isVoided = (record: Pick<RedactedRecord, "status">): boolean =>
  record.status === "voided";

/**
 * Idempotent and order-free: redaction is deterministic for a given
 * secret, and every write is conditional on the stored version being older,
 * so a redelivery changes nothing and a version that arrives after a newer
 * one is dropped. Whatever order the queue delivers versions in, the item
 * ends at the highest.
 *
 * The students' items go first: if the record's write then fails, the
 * redelivery writes it, while the other order would leave the students of
 * an applied version unwritten (its redelivery is no longer newer).
 */
export const recordRedactedIncident = async (
  message: RedactionMessage,
  ports: RedactPorts,
): Promise<{ written: boolean }> => {
  const incident = redactIncident(activeEventOf(message), await ports.secret());
  const version = versionOf(message);
  const students = new Set(
    incident.students.flatMap((student) => (student.studentKey ? [student.studentKey] : [])),
  );
  for (const studentKey of students) {
    await ports.putStudentIncidentIfNewer({
      studentKey,
      incidentId: message.incidentKey,
      schoolId: incident.schoolId,
      occurredAt: incident.occurredAt,
      version,
    });
  }
  const written = await ports.putRedactedIfNewer({
    incidentId: message.incidentKey,
    schoolId: incident.schoolId,
    district: "district",
    occurredKey: occurredKey(incident.occurredAt, message.incidentKey),
    receivedAt: message.receivedAt,
    redactedAt: ports.now().toISOString(),
    version,
    status: message.kind === "voided" ? "voided" : "active",
    incident,
  });
  return { written };
};
