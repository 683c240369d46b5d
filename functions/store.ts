import { sendToDeadLetterQueue } from "#shared/adapters/dead-letter-queue.ts";
import {
  getVersionEvent,
  putIncidentOnce,
  putVersionOnce,
} from "#shared/adapters/incidents-table.ts";
import { sendToQueue } from "#shared/adapters/queues.ts";
import { IntakeMessageSchema } from "#shared/incident/messages.ts";
import { storeIncident } from "#shared/incident/store.ts";
import { observability } from "#shared/observability.ts";
import { queueConsumer } from "#shared/queue/consumer.ts";

const { logger, metrics } = observability("store");

/** Intake queue → restricted incidents table → redaction queue. */
export const handler = queueConsumer(
  { logger, metrics, queue: "intake", sendToDeadLetter: sendToDeadLetterQueue },
  IntakeMessageSchema,
  async (message) => {
    const { written } = await storeIncident(message, {
      putIncidentOnce,
      putVersionOnce,
      getVersionEvent,
      forwardToRedaction: (forward) => sendToQueue("redaction", forward.incidentKey, forward),
      now: () => new Date(),
    });
    logger.info(written ? "incident stored" : "duplicate delivery, already stored", {
      incidentId: message.incidentKey,
      version: message.version ?? 1,
      requestId: message.requestId,
    });
  },
);
