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
  /** A stored version's event; undefined when it is not stored yet (or is a void's). */
  getVersionEvent(incidentKey: string, version: number): Promise<IncidentEventV1 | undefined>;
  forwardToRedaction(message: RedactionMessage): Promise<void>;
  now(): Date;
}

/**
 * A void's version arrived before the version it withdraws was stored (the
 * queue does not keep order): the delivery fails and is retried, by which
 * time that version is stored.
 */
export class WithdrawnVersionNotStored extends Error {
  constructor() {
    super("The version a void withdraws is not stored yet; the void is retried.");
    this.name = "WithdrawnVersionNotStored";
  }
}

/** The redaction queue's copy of an intake message: everything but the officer, and for a void the event it withdraws. */
const redactionMessageOf = async (
  message: IntakeMessage,
  ports: StorePorts,
): Promise<RedactionMessage> => {
  const { officerId: _officer, ...rest } = message;
  if (rest.kind !== "voided") return rest;
  const lastActiveEvent = await ports.getVersionEvent(rest.incidentKey, rest.version - 1);
  if (!lastActiveEvent) throw new WithdrawnVersionNotStored();
  return { ...rest, lastActiveEvent };
};

/**
 * Exactly-once effect from at-least-once delivery: each version's write is
 * conditional on its own key, so a version is written once and never
 * overwritten, and the forward happens on every delivery, because a
 * delivery that wrote and then failed before forwarding must be completed by
 * the next one. The redact stage is idempotent in its turn, and applies a
 * version only over an older one, so the order in which versions arrive
 * does not matter. A void is forwarded with the event it withdraws, read
 * back from this table: the only version that waits for another.
 */
export const storeIncident = async (
  message: IntakeMessage,
  ports: StorePorts,
): Promise<{ written: boolean }> => {
  const forward = await redactionMessageOf(message, ports);
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
  await ports.forwardToRedaction(forward);
  return { written };
};

/** What the submitting officer reads back: the event exactly as submitted, beside its receipt. */
export const authorView = (incident: StoredIncident) => ({
  view: "full" as const,
  incident: incident.event,
  receivedAt: incident.receivedAt,
});
