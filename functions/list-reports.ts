import { readPorts } from "#functions/wiring/report-ports.ts";
import { appendAuditEntry } from "#shared/adapters/audit-log.ts";
import { listCursors } from "#shared/adapters/cursor-key.ts";
import { httpHandler } from "#shared/http/handler.ts";
import { json } from "#shared/http/responses.ts";
import { observability } from "#shared/observability.ts";
import { listReports } from "#shared/report/api.ts";

const { logger, metrics } = observability("list-reports");
const frame = { logger, metrics, audit: appendAuditEntry };

/** GET /reports: analysts see every report, the board the public ones. */
export const handler = httpHandler(frame, "report.list", async (request) =>
  json(
    200,
    await listReports(
      request.event.queryStringParameters,
      request.principal,
      request.audit,
      readPorts(),
      listCursors(request, "reports"),
    ),
  ),
);
