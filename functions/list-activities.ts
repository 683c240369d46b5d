import { listActivities } from "#shared/activity/list.ts";
import { queryActivities } from "#shared/adapters/activities-table.ts";
import { appendAuditEntry } from "#shared/adapters/audit-log.ts";
import { listCursors } from "#shared/adapters/cursor-key.ts";
import { unavailableOnFailure } from "#shared/http/errors.ts";
import { httpHandler } from "#shared/http/handler.ts";
import { json } from "#shared/http/responses.ts";
import { observability } from "#shared/observability.ts";

const { logger, metrics } = observability("list-activities");
const frame = { logger, metrics, audit: appendAuditEntry };

/** GET /activities?schoolId=&from=&to=&cursor=&limit=: newest date first. */
export const handler = httpHandler(frame, "activity.list", async (request) => {
  const page = await listActivities(
    request.event.queryStringParameters,
    request.principal,
    request.audit,
    { queryActivities: (query) => unavailableOnFailure(() => queryActivities(query)) },
    listCursors(request, "activities"),
  );
  return json(200, page);
});
