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

export interface StorePorts {
  putIncidentOnce(incident: StoredIncident): Promise<boolean>;
  forwardToRedaction(message: RedactionMessage): Promise<void>;
  now(): Date;
}

/**
 * Exactly-once effect from at-least-once delivery: the write is conditional
 * on the incident key, and the forward happens on every delivery, because a
 * delivery that wrote and then failed before forwarding must be completed by
 * the next one. The redact stage is idempotent in its turn.
 */
export const storeIncident = async (
  message: IntakeMessage,
  ports: StorePorts,
): Promise<{ written: boolean }> => {
  const written = await ports.putIncidentOnce({
    incidentKey: message.incidentKey,
    officerId: message.officerId,
    receivedAt: message.receivedAt,
    storedAt: ports.now().toISOString(),
    ...(message.requestId ? { requestId: message.requestId } : {}),
    event: message.event,
  });
  await ports.forwardToRedaction({
    incidentKey: message.incidentKey,
    receivedAt: message.receivedAt,
    ...(message.requestId ? { requestId: message.requestId } : {}),
    event: message.event,
  });
  return { written };
};

/** What the submitting officer reads back: the event exactly as submitted, beside its receipt. */
export const authorView = (incident: StoredIncident) => ({
  view: "full" as const,
  incident: incident.event,
  receivedAt: incident.receivedAt,
});
