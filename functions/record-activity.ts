import { recordActivity } from "#shared/activity/record.ts";
import { parseActivityBody, validateActivity } from "#shared/activity/schema.ts";
import { putActivity } from "#shared/adapters/activities-table.ts";
import { appendAuditEntry } from "#shared/adapters/audit-log.ts";
import { requireRole } from "#shared/auth/claims.ts";
import { header, httpHandler, rawBody } from "#shared/http/handler.ts";
import { json } from "#shared/http/responses.ts";
import { observability } from "#shared/observability.ts";

const { logger, metrics } = observability("record-activity");
const frame = { logger, metrics, audit: appendAuditEntry };

/** POST /activities */
export const handler = httpHandler(frame, "activity.record", async (request) => {
  const { event, principal } = request;
  requireRole(principal, "sro");
  const body = parseActivityBody({
    contentType: header(event, "content-type"),
    body: rawBody(event),
  });
  const activity = validateActivity(body);
  request.audit.target = activity.activityId.toLowerCase();
  const { activityId, repeat } = await recordActivity(activity, principal, {
    putActivity,
    now: () => new Date(),
  });
  logger.info("activity recorded", { activityId: activityId.toLowerCase(), repeat });
  return json(202, { activityId, status: "accepted" });
});
