import type { Principal } from "../auth/claims.ts";
import { ApiError } from "../http/errors.ts";
import type { AuditNote } from "../http/handler.ts";
import { isVoided, type RedactedRecord } from "../privacy/redact-stage.ts";
import { incidentKey, isIncidentId } from "./key.ts";
import {
  type StoredItem,
  statusOf,
  type Version,
  type VersionHead,
  versionChain,
  versionsView,
} from "./versions.ts";

export interface RestrictedReadPorts {
  /** The head of the version chain: the intake receipt. */
  getHead(incidentKey: string): Promise<VersionHead | undefined>;
  /**
   * Versions 1..upTo from the restricted table, in any order, the ones not
   * stored yet left out: only the reads of this module reach that table.
   */
  getVersions(incidentKey: string, upTo: number): Promise<StoredItem[]>;
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
 * The stored versions of an incident the caller may read. The head comes
 * first, so another officer's request is refused before anything of the
 * restricted table is read; the head may run ahead of the store stage, and
 * the chain stops where the stored versions do (versionChain).
 */
export const readChain = async (
  key: string,
  principal: Principal,
  audit: AuditNote,
  ports: RestrictedReadPorts,
): Promise<Version[]> => {
  const head = await ports.getHead(key);
  if (!head) throw notFound();
  if (principal.role === "sro" && head.officerId !== principal.userId) throw denied(audit);
  const chain = versionChain(await ports.getVersions(key, Math.max(1, head.currentVersion)));
  if (chain.length === 0) throw notFound();
  return chain;
};

/**
 * One incident's current version, unredacted (contracts sections 2 and 8):
 * to its author, and to a records custodian who states a reason, with
 * `version` and `status` beside it (a voided one too, with the content it
 * withdrew). Anyone who may not see it gets the same 404 as for an unknown
 * id. Other roles never get here: 403.
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
  const chain = await readChain(key, principal, audit, ports);
  const current = chain[chain.length - 1]!;
  return {
    view: "full" as const,
    incident: current.event,
    receivedAt: chain[0]!.at,
    version: current.version,
    status: statusOf(current),
  };
};

/** The versions route's key, as API Gateway names it in the event it hands a function. */
export const VERSIONS_ROUTE = "GET /incidents/{incidentId}/versions";
/** The custodian's search by student: served from the restricted table too. */
export const STUDENT_SEARCH_ROUTE = "GET /custodian/incidents";

/**
 * Whether the incident-read route function hands a request to the
 * restricted read: the author's and the custodian's reads, every versions
 * read and the custodian's search. A role that may never make a versions
 * read or a search is refused here, with that request's audit action.
 */
export const handsToRestrictedRead = (
  routeKey: string | undefined,
  incidentId: string | undefined,
  principal: Principal,
  audit: AuditNote,
): boolean => {
  if (routeKey === VERSIONS_ROUTE) {
    audit.action = "incident.versions";
    // A refusal names the incident it refused, as the read's refusals do.
    if (isIncidentId(incidentId)) audit.target = incidentKey(incidentId);
    if (!readsVersions(principal)) {
      throw new ApiError("FORBIDDEN", "Your role may not read an incident's versions.");
    }
    return true;
  }
  if (routeKey === STUDENT_SEARCH_ROUTE) {
    audit.action = "incident.search";
    if (principal.role !== "records_custodian") {
      throw new ApiError("FORBIDDEN", "Only a records custodian may search by student.");
    }
    return true;
  }
  return readsRestrictedTable(principal);
};

/** Who reads an incident's versions (contracts section 8); all of them from the restricted table. */
export const readsVersions = (principal: Principal): boolean =>
  readsRestrictedTable(principal) || principal.role === "district_analyst";

/**
 * GET /incidents/{id}/versions, oldest first: the author (its own; another
 * officer's is a 404) and a custodian with `sub` and the reasons as
 * written; a district analyst without `sub` and with each reason redacted
 * as a narrative is. A custodian may state an `X-Access-Reason`, which the
 * audit entry keeps; the contract asks for none here.
 */
export const readIncidentVersions = async (
  incidentId: string | undefined,
  accessReason: string | undefined,
  principal: Principal,
  audit: AuditNote,
  ports: RestrictedReadPorts,
) => {
  if (!readsVersions(principal)) {
    throw new ApiError("FORBIDDEN", "Your role may not read an incident's versions.");
  }
  const key = keyOf(incidentId, audit);
  if (principal.role === "records_custodian" && accessReason !== undefined) {
    audit.reason = validateAccessReason(accessReason);
  }
  const chain = await readChain(key, principal, audit, ports);
  return versionsView(chain, principal.role === "district_analyst" ? "redacted" : "full");
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
