import { readPorts } from "#functions/wiring/report-ports.ts";
import { appendAuditEntry } from "#shared/adapters/audit-log.ts";
import { httpHandler } from "#shared/http/handler.ts";
import { observability } from "#shared/observability.ts";
import { readReport } from "#shared/report/api.ts";

const { logger, metrics } = observability("read-report");
const frame = { logger, metrics, audit: appendAuditEntry };

/** GET /reports/{reportId}?format=json|csv|html */
export const handler = httpHandler(frame, "report.read", async (request) => {
  const { contentType, body, format } = await readReport(
    request.event.pathParameters?.reportId,
    request.event.queryStringParameters?.format,
    request.principal,
    request.audit,
    readPorts(),
  );
  return {
    statusCode: 200,
    headers: {
      "content-type": contentType,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      // The board page is self-contained: nothing may load from anywhere.
      ...(format === "html"
        ? {
            "content-security-policy":
              "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
          }
        : {}),
    },
    body,
  };
});
