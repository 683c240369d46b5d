import type { Principal } from "../auth/claims.ts";
import { ApiError } from "../http/errors.ts";
import type { AuditNote } from "../http/handler.ts";
import { isVoided, type RedactedRecord } from "../privacy/redact-stage.ts";
import { incidentKey, isIncidentId } from "./key.ts";
import { authorView, type StoredIncident } from "./store.ts";

export interface RestrictedReadPorts {
  /** The restricted table: only the author's and the custodian's reads reach it. */
  getIncident(incidentKey: string): Promise<StoredIncident | undefined>;
}

export interface RedactedReadPorts {
  getRedacted(incidentKey: string): Promise<RedactedRecord | undefined>;
}

export const MAX_ACCESS_REASON_LENGTH = 500;

const notFound = () => new ApiError("NOT_FOUND", "No incident with this id that you may read.");

/** An incident the caller may not see gets the same 404, but the audit log says "refused". */
const denied = (audit: AuditNote) => {
  audit.outcome = "refused";
  return notFound();
};

/** The stated reason for an unredacted read: required, one line, bounded. */
export const validateAccessReason = (reason: string | undefined): string => {
  const trimmed = reason?.trim() ?? "";
  const problem =
    trimmed.length === 0
      ? "required for an unredacted read: state why you need it"
      : trimmed.length > MAX_ACCESS_REASON_LENGTH
        ? `at most ${MAX_ACCESS_REASON_LENGTH} characters`
        : /\p{Cc}/u.test(trimmed)
          ? "must be one line of text"
          : undefined;
  if (problem) {
    throw new ApiError(
      "VALIDATION_FAILED",
      "A records custodian must state a reason.",
      [{ path: "X-Access-Reason", message: problem }],
      400,
    );
  }
  return trimmed;
};

export const redactedView = (record: RedactedRecord) => ({
  view: "redacted" as const,
  incident: record.incident,
});

/** The author's and the custodian's reads: served by the one function that may read the restricted table. */
export const readsRestrictedTable = (principal: Principal): boolean =>
  principal.role === "sro" || principal.role === "records_custodian";

const forbidden = () => new ApiError("FORBIDDEN", "Your role may not read incidents.");

/** The path's incident id as the tables key it, named in the audit entry; a 400 if it is not a UUID. */
const keyOf = (incidentId: string | undefined, audit: AuditNote): string => {
  if (!isIncidentId(incidentId)) {
    throw new ApiError(
      "VALIDATION_FAILED",
      "The incident id is not a UUID.",
      [{ path: "incidentId", message: "must be a UUID" }],
      400,
    );
  }
  const key = incidentKey(incidentId!);
  audit.target = key;
  return key;
};

/**
 * One incident as submitted (contracts section 2): to its author, and to a
 * records custodian who states a reason. Anyone who may not see it gets the
 * same 404 as for an unknown id. Other roles never get here: 403.
 */
export const readRestrictedIncident = async (
  incidentId: string | undefined,
  accessReason: string | undefined,
  principal: Principal,
  audit: AuditNote,
  ports: RestrictedReadPorts,
) => {
  if (!readsRestrictedTable(principal)) throw forbidden();
  const key = keyOf(incidentId, audit);
  if (principal.role === "records_custodian") {
    audit.action = "incident.read_unredacted";
    audit.reason = validateAccessReason(accessReason);
  }
  const incident = await ports.getIncident(key);
  if (!incident) throw notFound();
  if (principal.role === "sro" && incident.officerId !== principal.userId) throw denied(audit);
  return authorView(incident);
};

/**
 * One incident redacted, from the redacted table only: to a school admin of
 * its school and to a district analyst. An incident of another school gets
 * the same 404 as an unknown id; roles that never read incidents get 403.
 */
export const readRedactedIncident = async (
  incidentId: string | undefined,
  principal: Principal,
  audit: AuditNote,
  ports: RedactedReadPorts,
) => {
  if (principal.role !== "school_admin" && principal.role !== "district_analyst") {
    throw forbidden();
  }
  const record = await ports.getRedacted(keyOf(incidentId, audit));
  // A voided incident has left every redacted read (contracts section 8).
  if (!record || isVoided(record)) throw notFound();
  if (principal.role === "school_admin" && !principal.schoolIds.has(record.schoolId)) {
    throw denied(audit);
  }
  return redactedView(record);
};
