import { appendAuditEntry } from "#shared/adapters/audit-log.ts";
import { recordReceipt } from "#shared/adapters/intake-receipts.ts";
import { sendToQueue } from "#shared/adapters/queues.ts";
import { requireRole } from "#shared/auth/claims.ts";
import { header, httpHandler, rawBody } from "#shared/http/handler.ts";
import { json } from "#shared/http/responses.ts";
import { acceptIncident } from "#shared/incident/intake.ts";
import { parseJsonBody, validateIncidentEvent } from "#shared/incident/validate.ts";
import { observability } from "#shared/observability.ts";

const { logger, metrics } = observability("intake");
const frame = { logger, metrics, audit: appendAuditEntry };

/** POST /incidents */
export const handler = httpHandler(frame, "incident.submit", async (request) => {
  const { event, principal } = request;
  requireRole(principal, "sro");
  const body = parseJsonBody({ contentType: header(event, "content-type"), body: rawBody(event) });
  const incident = validateIncidentEvent(body);
  request.audit.target = incident.incidentId.toLowerCase();
  const { incidentId, repeat } = await acceptIncident(
    incident,
    principal,
    event.requestContext.requestId,
    {
      recordReceipt,
      enqueue: (message) => sendToQueue("intake", message.incidentKey, message),
      now: () => new Date(),
    },
  );
  logger.info("incident accepted", { incidentId: incidentId.toLowerCase(), repeat });
  return json(202, { incidentId, status: "accepted" });
});
