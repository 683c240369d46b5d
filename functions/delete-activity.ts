import { deleteActivity } from "#shared/activity/delete.ts";
import { getActivity, markActivityDeleted } from "#shared/adapters/activities-table.ts";
import { appendAuditEntry } from "#shared/adapters/audit-log.ts";
import { httpHandler } from "#shared/http/handler.ts";
import { observability } from "#shared/observability.ts";

const { logger, metrics } = observability("delete-activity");
const frame = { logger, metrics, audit: appendAuditEntry };

/** DELETE /activities/{activityId}: 204 with no body. */
export const handler = httpHandler(frame, "activity.delete", async (request) => {
  await deleteActivity(request.event.pathParameters?.activityId, request.principal, request.audit, {
    getActivity,
    markDeleted: markActivityDeleted,
    now: () => new Date(),
  });
  return { statusCode: 204, headers: { "cache-control": "no-store" } };
});
