import { appendAuditEntry, queryAudit } from "#shared/adapters/audit-log.ts";
import { listCursors } from "#shared/adapters/cursor-key.ts";
import { listAudit } from "#shared/audit/list.ts";
import { unavailableOnFailure } from "#shared/http/errors.ts";
import { httpHandler } from "#shared/http/handler.ts";
import { json } from "#shared/http/responses.ts";
import { observability } from "#shared/observability.ts";

const { logger, metrics } = observability("read-audit");
const frame = { logger, metrics, audit: appendAuditEntry };

/** GET /audit?from=&to=&user=&cursor=&limit=: records custodians only, newest first. */
export const handler = httpHandler(frame, "audit.read", async (request) => {
  const page = await listAudit(
    request.event.queryStringParameters,
    request.principal,
    request.audit,
    {
      queryAudit: (query) => unavailableOnFailure(() => queryAudit(query)),
      now: () => new Date(),
    },
    listCursors(request, "audit"),
  );
  return json(200, page);
});
