import { appendAuditEntry } from "#shared/adapters/audit-log.ts";
import { commitCorrection, getCorrectionReceipt, getHead } from "#shared/adapters/corrections.ts";
import { sendToQueue } from "#shared/adapters/queues.ts";
import { header, httpHandler, rawBody } from "#shared/http/handler.ts";
import { json } from "#shared/http/responses.ts";
import { correctIncident } from "#shared/incident/correct.ts";
import { parseCorrectionBody } from "#shared/incident/correction-request.ts";
import { observability } from "#shared/observability.ts";

const { logger, metrics } = observability("correct-incident");
const frame = { logger, metrics, audit: appendAuditEntry };

/** POST /incidents/{incidentId}/corrections: a correction or a void (contracts section 8). */
export const handler = httpHandler(frame, "incident.correct", async (request) => {
  const { event, principal } = request;
  const answer = await correctIncident(
    event.pathParameters?.incidentId,
    () => parseCorrectionBody({ contentType: header(event, "content-type"), body: rawBody(event) }),
    principal,
    event.requestContext.requestId,
    request.audit,
    {
      getCorrectionReceipt,
      getHead,
      commit: commitCorrection,
      enqueue: (message) => sendToQueue("intake", message.incidentKey, message),
      now: () => new Date(),
    },
  );
  logger.info("correction accepted", {
    incidentId: answer.incidentId,
    version: answer.version,
    action: request.audit.action,
  });
  return json(202, answer);
});
