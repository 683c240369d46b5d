import type { Principal } from "../auth/claims.ts";
import { ApiError, unavailableOnFailure } from "../http/errors.ts";
import { submissionDigest } from "./digest.ts";
import { type IntakeMessage, incidentKey } from "./messages.ts";
import { recordsProtectedAction } from "./protected-actions.ts";
import type { IncidentEventV1 } from "./schema.ts";
import { type ListingSummary, listingSummary } from "./summary.ts";

export interface IntakeReceipt extends Partial<ListingSummary> {
  incidentKey: string;
  digest: string;
  officerId: string;
  receivedAt: string;
  /** The head of the version chain keeps it for the void rule (shared/incident/protected-actions.ts). */
  recordsProtectedAction?: boolean;
}

export interface IntakePorts {
  /** Conditional put: returns the receipt already kept for this incident, if any. */
  recordReceipt(receipt: IntakeReceipt): Promise<IntakeReceipt | undefined>;
  enqueue(message: IntakeMessage): Promise<void>;
  now(): Date;
}

export const mayReportFor = (principal: Principal, schoolId: string): boolean =>
  principal.role === "sro" && principal.schoolIds.has(schoolId);

/**
 * Records what was accepted before queueing it, so that a repeat is
 * recognised for as long as the incident is kept. A repeat with the same
 * content from the same officer is queued again: the first attempt may have
 * failed between the receipt and the queue, and the store stage is idempotent.
 */
export const acceptIncident = async (
  event: IncidentEventV1,
  principal: Principal,
  requestId: string | undefined,
  ports: IntakePorts,
): Promise<{ incidentId: string; repeat: boolean }> => {
  if (!mayReportFor(principal, event.schoolId)) {
    throw new ApiError("FORBIDDEN", "You may not report incidents for this school.");
  }
  const receipt: IntakeReceipt = {
    incidentKey: incidentKey(event.incidentId),
    digest: submissionDigest(event, principal.userId),
    officerId: principal.userId,
    receivedAt: ports.now().toISOString(),
    // Written with the receipt, so "my reports" lists it at once (GET /me/incidents).
    ...listingSummary(event),
    recordsProtectedAction: recordsProtectedAction(event),
  };
  const existing = await unavailableOnFailure(() => ports.recordReceipt(receipt));
  if (existing && existing.digest !== receipt.digest) {
    throw new ApiError(
      "CONFLICT",
      "An incident with this incidentId was already accepted with other content or from another officer. Use a new incidentId for a new report.",
    );
  }
  const accepted = existing ?? receipt;
  await unavailableOnFailure(() =>
    ports.enqueue({
      incidentKey: accepted.incidentKey,
      officerId: accepted.officerId,
      receivedAt: accepted.receivedAt,
      ...(requestId ? { requestId } : {}),
      event,
    }),
  );
  return { incidentId: event.incidentId, repeat: existing !== undefined };
};
