import { appendAuditEntry } from "#shared/adapters/audit-log.ts";
import { listCursors } from "#shared/adapters/cursor-key.ts";
import { queryReceiptsByOfficer } from "#shared/adapters/intake-receipts.ts";
import { unavailableOnFailure } from "#shared/http/errors.ts";
import { httpHandler } from "#shared/http/handler.ts";
import { json } from "#shared/http/responses.ts";
import { listMyIncidents } from "#shared/incident/mine.ts";
import { observability } from "#shared/observability.ts";

const { logger, metrics } = observability("list-my-incidents");
const frame = { logger, metrics, audit: appendAuditEntry };

/** GET /me/incidents?from=&to=&cursor=&limit=: the officer's own reports, newest first. */
export const handler = httpHandler(frame, "incident.list_mine", async (request) => {
  const page = await listMyIncidents(
    request.event.queryStringParameters,
    request.principal,
    request.audit,
    { queryReceipts: (query) => unavailableOnFailure(() => queryReceiptsByOfficer(query)) },
    listCursors(request, "my-incidents"),
  );
  return json(200, page);
});
