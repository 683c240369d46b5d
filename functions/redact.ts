import { sendToDeadLetterQueue } from "#shared/adapters/dead-letter-queue.ts";
import { putRedactedIfNewer } from "#shared/adapters/redacted-incidents-table.ts";
import { putStudentIncidentIfNewer } from "#shared/adapters/student-incidents-table.ts";
import { studentKeySecret } from "#shared/adapters/student-key-secret.ts";
import { RedactionMessageSchema } from "#shared/incident/messages.ts";
import { observability } from "#shared/observability.ts";
import { recordRedactedIncident } from "#shared/privacy/redact-stage.ts";
import { queueConsumer } from "#shared/queue/consumer.ts";

const { logger, metrics } = observability("redact");

/** Redaction queue → redacted incidents and student incidents tables. It never reads the restricted table. */
export const handler = queueConsumer(
  { logger, metrics, queue: "redaction", sendToDeadLetter: sendToDeadLetterQueue },
  RedactionMessageSchema,
  async (message) => {
    const { written } = await recordRedactedIncident(message, {
      secret: studentKeySecret,
      putRedactedIfNewer,
      putStudentIncidentIfNewer,
      now: () => new Date(),
    });
    logger.info(written ? "incident redacted" : "not newer than the redacted version, dropped", {
      incidentId: message.incidentKey,
      version: message.version ?? 1,
      requestId: message.requestId,
    });
  },
);
