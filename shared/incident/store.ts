import type { IntakeMessage, RedactionMessage } from "./messages.ts";
import type { IncidentEventV1 } from "./schema.ts";

export interface StoredIncident {
  incidentKey: string;
  officerId: string;
  receivedAt: string;
  storedAt: string;
  requestId?: string;
  event: IncidentEventV1;
}

/**
 * Version n >= 2 of an incident in the restricted table, beside version 1
 * (storage model of issue 12). `event` is the complete corrected event; a
 * void has none.
 */
export interface StoredVersion {
  incidentKey: string;
  version: number;
  kind: "corrected" | "voided";
  at: string;
  by: string;
  reason: string;
  storedAt: string;
  requestId?: string;
  event?: IncidentEventV1;
}

export interface StorePorts {
  putIncidentOnce(incident: StoredIncident): Promise<boolean>;
  /** Writes version n unless it is there already; true when this call wrote it. */
  putVersionOnce(version: StoredVersion): Promise<boolean>;
  forwardToRedaction(message: RedactionMessage): Promise<void>;
  now(): Date;
}

/** The redaction queue's copy of an intake message: everything but the officer. */
const redactionMessageOf = (message: IntakeMessage): RedactionMessage => {
  const { officerId: _officer, ...rest } = message;
  return rest;
};

/**
 * Exactly-once effect from at-least-once delivery: each version's write is
 * conditional on its own key, so a version is written once and never
 * overwritten, and the forward happens on every delivery, because a
 * delivery that wrote and then failed before forwarding must be completed by
 * the next one. The redact stage is idempotent in its turn, and applies a
 * version only over an older one, so the order in which versions arrive
 * does not matter.
 */
export const storeIncident = async (
  message: IntakeMessage,
  ports: StorePorts,
): Promise<{ written: boolean }> => {
  const storedAt = ports.now().toISOString();
  const requestId = message.requestId ? { requestId: message.requestId } : {};
  const written =
    message.kind === "corrected" || message.kind === "voided"
      ? await ports.putVersionOnce({
          incidentKey: message.incidentKey,
          version: message.version,
          kind: message.kind,
          at: message.at,
          by: message.by,
          reason: message.reason,
          storedAt,
          ...requestId,
          ...(message.kind === "corrected" ? { event: message.event } : {}),
        })
      : await ports.putIncidentOnce({
          incidentKey: message.incidentKey,
          officerId: message.officerId,
          receivedAt: message.receivedAt,
          storedAt,
          ...requestId,
          event: message.event,
        });
  await ports.forwardToRedaction(redactionMessageOf(message));
  return { written };
};

/** What the submitting officer reads back: the event exactly as submitted, beside its receipt. */
export const authorView = (incident: StoredIncident) => ({
  view: "full" as const,
  incident: incident.event,
  receivedAt: incident.receivedAt,
});
