import { appendAuditEntry } from "#shared/adapters/audit-log.ts";
import { listCursors } from "#shared/adapters/cursor-key.ts";
import { queryRedacted } from "#shared/adapters/redacted-incidents-table.ts";
import { unavailableOnFailure } from "#shared/http/errors.ts";
import { httpHandler } from "#shared/http/handler.ts";
import { json } from "#shared/http/responses.ts";
import { listIncidents } from "#shared/incident/list.ts";
import { observability } from "#shared/observability.ts";

const { logger, metrics } = observability("list-incidents");
const frame = { logger, metrics, audit: appendAuditEntry };

/** GET /incidents?schoolId=&from=&to=&cursor=&limit=: redacted incidents, oldest first. */
export const handler = httpHandler(frame, "incident.list", async (request) => {
  const page = await listIncidents(
    request.event.queryStringParameters,
    request.principal,
    request.audit,
    { queryRedacted: (query) => unavailableOnFailure(() => queryRedacted(query)) },
    listCursors(request, "incidents"),
  );
  return json(200, page);
});
