import { z } from "zod";
import type { Principal } from "../auth/claims.ts";
import { ApiError } from "../http/errors.ts";
import type { AuditNote } from "../http/handler.ts";
import type { RedactedRecord } from "../privacy/redact-stage.ts";
import { incidentKey } from "./messages.ts";
import { authorView, type StoredIncident } from "./store.ts";

export interface ReadPorts {
  /** The restricted table: only the author's and the custodian's reads reach it. */
  getIncident(incidentKey: string): Promise<StoredIncident | undefined>;
  getRedacted(incidentKey: string): Promise<RedactedRecord | undefined>;
}

const IncidentIdParam = z.guid();
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

/**
 * One incident, in the view the caller's role allows (contracts section 2):
 * the author and a custodian with a stated reason get it as submitted; a
 * school admin of its school and a district analyst get it redacted, from
 * the redacted table only. Anyone who may not see it gets the same 404 as
 * for an unknown id; roles that never read incidents get 403.
 */
export const readIncident = async (
  incidentId: string | undefined,
  accessReason: string | undefined,
  principal: Principal,
  audit: AuditNote,
  ports: ReadPorts,
) => {
  if (!["sro", "records_custodian", "school_admin", "district_analyst"].includes(principal.role)) {
    throw new ApiError("FORBIDDEN", "Your role may not read incidents.");
  }
  if (!IncidentIdParam.safeParse(incidentId).success) {
    throw new ApiError(
      "VALIDATION_FAILED",
      "The incident id is not a UUID.",
      [{ path: "incidentId", message: "must be a UUID" }],
      400,
    );
  }
  const key = incidentKey(incidentId!);
  audit.target = key;
  switch (principal.role) {
    case "sro": {
      const incident = await ports.getIncident(key);
      if (!incident) throw notFound();
      if (incident.officerId !== principal.userId) throw denied(audit);
      return authorView(incident);
    }
    case "records_custodian": {
      audit.action = "incident.read_unredacted";
      audit.reason = validateAccessReason(accessReason);
      const incident = await ports.getIncident(key);
      if (!incident) throw notFound();
      return authorView(incident);
    }
    default: {
      const record = await ports.getRedacted(key);
      if (!record) throw notFound();
      if (principal.role === "school_admin" && !principal.schoolIds.has(record.schoolId)) {
        throw denied(audit);
      }
      return redactedView(record);
    }
  }
};
