import type { Principal } from "../auth/claims.ts";
import { ApiError, unavailableOnFailure } from "../http/errors.ts";
import type { AuditNote } from "../http/handler.ts";
import type { IncidentStatus } from "../privacy/redact-stage.ts";
import {
  type CorrectionRequest,
  claimedCorrectionId,
  validateCorrectionRequest,
} from "./correction-request.ts";
import { submissionDigest } from "./digest.ts";
import { incidentKey, isIncidentId } from "./key.ts";
import type { IntakeMessage } from "./messages.ts";
import { recordsProtectedAction } from "./protected-actions.ts";
import { type ListingSummary, listingSummary } from "./summary.ts";

/** The submitting officer may correct or void for 30 days after intake first accepted it. */
export const CORRECTION_WINDOW_HOURS = 720;

/** The intake receipt as the head of the version chain (storage model of issue 12). */
export interface IncidentHead {
  incidentKey: string;
  officerId: string;
  receivedAt: string;
  /** Absent on the item means 1. */
  currentVersion: number;
  /** Absent on the item means active. */
  status: IncidentStatus;
  /** The current version's school, from the listing summary, when the receipt has one. */
  schoolId?: string;
  /**
   * Whether the current version (the last active one, once voided) records
   * a protected action; undefined on a receipt written before it was kept.
   */
  recordsProtectedAction?: boolean;
}

/** A correction's idempotency record: what `correctionId` made, and of what request. */
export interface CorrectionReceipt {
  correctionId: string;
  incidentKey: string;
  /** Of the incident key, the request body and the caller. */
  digest: string;
  version: number;
  kind: "corrected" | "voided";
  at: string;
  by: string;
}

export interface HeadMove {
  incidentKey: string;
  baseVersion: number;
  version: number;
  status: IncidentStatus;
  /** A correction refreshes the listing summary and the protected-action bit in the same update. */
  summary?: ListingSummary;
  recordsProtectedAction?: boolean;
}

export type CommitOutcome = "committed" | "correction-exists" | "head-moved";

export interface CorrectPorts {
  getCorrectionReceipt(correctionId: string): Promise<CorrectionReceipt | undefined>;
  getHead(incidentKey: string): Promise<IncidentHead | undefined>;
  /**
   * Atomically records the receipt (unless its correctionId exists) and
   * moves the head from `baseVersion` (unless it moved): the condition on
   * the head is what lets exactly one of two concurrent corrections win.
   */
  commit(receipt: CorrectionReceipt, move: HeadMove): Promise<CommitOutcome>;
  enqueue(message: IntakeMessage): Promise<void>;
  now(): Date;
}

export interface CorrectionAnswer {
  incidentId: string;
  version: number;
  status: "accepted";
}

const notFound = () => new ApiError("NOT_FOUND", "No incident with this id that you may correct.");

const forbidden = (message: string) => new ApiError("FORBIDDEN", message);

const conflict = () =>
  new ApiError(
    "CONFLICT",
    "This correctionId was already used for another request. Use a new correctionId for a new correction.",
  );

const voided = () =>
  new ApiError("VOIDED", "The incident is voided; it can be neither corrected nor voided again.");

const versionConflict = (currentVersion: number) =>
  new ApiError(
    "VERSION_CONFLICT",
    "The incident was changed since the version this correction was made from. Read the current version and correct that.",
    [
      {
        path: "baseVersion",
        message: "is not the current version of the incident",
        currentVersion,
      },
    ],
  );

const correctionDigest = (key: string, body: unknown, principal: Principal) =>
  submissionDigest({ incidentKey: key, correction: body }, principal.userId);

const withinWindow = (head: IncidentHead, now: Date) =>
  now.getTime() - Date.parse(head.receivedAt) <= CORRECTION_WINDOW_HOURS * 3_600_000;

const messageFor = (
  head: IncidentHead,
  request: CorrectionRequest,
  receipt: CorrectionReceipt,
  requestId: string | undefined,
): IntakeMessage => {
  const common = {
    incidentKey: head.incidentKey,
    officerId: head.officerId,
    receivedAt: head.receivedAt,
    ...(requestId ? { requestId } : {}),
    version: receipt.version,
    at: receipt.at,
    by: receipt.by,
    reason: request.reason,
  };
  return request.incident
    ? { ...common, kind: "corrected", event: request.incident }
    : { ...common, kind: "voided" };
};

/**
 * Contracts section 8, checked in its order: a repeated correctionId; the
 * incident's visibility and the caller's right; the body; VOIDED;
 * baseVersion. A role that may never correct is refused before any of it,
 * as on every route, so it learns nothing of ids. The head's conditional
 * update decides between concurrent corrections; the version is queued
 * after it, so only the winner's version ever reaches the store.
 */
export const correctIncident = async (
  pathIncidentId: string | undefined,
  /** The body's framing (415, 413, 400) is checked after the role. */
  readBody: () => unknown,
  principal: Principal,
  requestId: string | undefined,
  audit: AuditNote,
  ports: CorrectPorts,
): Promise<CorrectionAnswer> => {
  if (principal.role !== "sro" && principal.role !== "records_custodian") {
    throw forbidden("Your role may not correct or void incidents.");
  }
  const body = readBody();
  if (!isIncidentId(pathIncidentId)) throw notFound();
  const key = incidentKey(pathIncidentId);
  audit.target = key;
  const digest = correctionDigest(key, body, principal);

  // 1. A repeated correctionId: the same request is answered alike (and its
  // version queued again, as intake does: the first attempt may have failed
  // between the head and the queue); any other is a conflict.
  const correctionId = claimedCorrectionId(body);
  if (correctionId) {
    const existing = await unavailableOnFailure(() => ports.getCorrectionReceipt(correctionId));
    if (existing) return repeat(existing, digest, key, body, requestId, audit, ports);
  }

  // 2. Visibility and right, as far as the stored head tells them.
  const head = await unavailableOnFailure(() => ports.getHead(key));
  if (!head) throw notFound();
  const now = ports.now();
  if (principal.role === "sro") {
    if (head.officerId !== principal.userId) {
      audit.outcome = "refused";
      throw notFound();
    }
    if (!withinWindow(head, now)) {
      throw forbidden(
        `An officer may correct or void an incident only within ${CORRECTION_WINDOW_HOURS} hours of its intake; ask a records custodian.`,
      );
    }
    if (head.schoolId !== undefined && !principal.schoolIds.has(head.schoolId)) {
      throw forbidden("You may not correct incidents of this school.");
    }
  }

  // 3. The body, exactly as intake validates an event.
  const request = validateCorrectionRequest(body, key);
  audit.action = request.void ? "incident.void" : "incident.correct";
  audit.reason = request.reason;

  // The rest of the caller's right depends on what the body asks.
  if (principal.role === "sro") {
    if (request.incident && !principal.schoolIds.has(request.incident.schoolId)) {
      throw forbidden("You may not report incidents for this school.");
    }
    // A receipt that does not say is treated as recording one: only a custodian may tell.
    if (request.void && head.recordsProtectedAction !== false) {
      throw forbidden(
        "An incident that records force, handcuffing, a citation, an arrest or a referral to prosecution may be voided only by a records custodian.",
      );
    }
  }

  // 4. and 5. A twin of this request sent at the same time may have moved the
  // head after check 1 read no receipt: it is then this request's repeat.
  if (head.status === "voided" || request.baseVersion !== head.currentVersion) {
    const twin = await unavailableOnFailure(() =>
      ports.getCorrectionReceipt(request.correctionId.toLowerCase()),
    );
    if (twin) return repeat(twin, digest, key, body, requestId, audit, ports);
    if (head.status === "voided") throw voided();
    throw versionConflict(head.currentVersion);
  }

  const receipt: CorrectionReceipt = {
    correctionId: request.correctionId.toLowerCase(),
    incidentKey: key,
    digest,
    version: head.currentVersion + 1,
    kind: request.void ? "voided" : "corrected",
    at: now.toISOString(),
    by: principal.userId,
  };
  const outcome = await unavailableOnFailure(() =>
    ports.commit(receipt, {
      incidentKey: key,
      baseVersion: request.baseVersion,
      version: receipt.version,
      status: request.void ? "voided" : "active",
      ...(request.incident
        ? {
            summary: listingSummary(request.incident),
            recordsProtectedAction: recordsProtectedAction(request.incident),
          }
        : {}),
    }),
  );
  if (outcome === "correction-exists") {
    const existing = await unavailableOnFailure(() =>
      ports.getCorrectionReceipt(receipt.correctionId),
    );
    if (!existing) throw conflict();
    return repeat(existing, digest, key, body, requestId, audit, ports);
  }
  if (outcome === "head-moved") {
    const twin = await unavailableOnFailure(() => ports.getCorrectionReceipt(receipt.correctionId));
    if (twin) return repeat(twin, digest, key, body, requestId, audit, ports);
    const moved = await unavailableOnFailure(() => ports.getHead(key));
    if (moved?.status === "voided") throw voided();
    throw versionConflict(moved?.currentVersion ?? head.currentVersion);
  }
  await unavailableOnFailure(() => ports.enqueue(messageFor(head, request, receipt, requestId)));
  return { incidentId: key, version: receipt.version, status: "accepted" };
};

/** The same request again: the same answer, its version queued again. */
const repeat = async (
  existing: CorrectionReceipt,
  digest: string,
  key: string,
  body: unknown,
  requestId: string | undefined,
  audit: AuditNote,
  ports: CorrectPorts,
): Promise<CorrectionAnswer> => {
  if (existing.digest !== digest || existing.incidentKey !== key) throw conflict();
  // The body was valid when it was accepted, and is the same body.
  const request = validateCorrectionRequest(body, key);
  audit.action = request.void ? "incident.void" : "incident.correct";
  audit.reason = request.reason;
  const head = await unavailableOnFailure(() => ports.getHead(key));
  if (!head) throw notFound();
  await unavailableOnFailure(() => ports.enqueue(messageFor(head, request, existing, requestId)));
  return { incidentId: key, version: existing.version, status: "accepted" };
};
