import { countedBetween } from "#functions/wiring/report-ports.ts";
import { appendAuditEntry } from "#shared/adapters/audit-log.ts";
import { unavailableOnFailure } from "#shared/http/errors.ts";
import { httpHandler } from "#shared/http/handler.ts";
import { observability } from "#shared/observability.ts";
import { exportIncidents } from "#shared/report/export.ts";

const { logger, metrics } = observability("export-incidents");
const frame = { logger, metrics, audit: appendAuditEntry };

/** GET /exports/incidents?schoolYear=Y: NDJSON of the year's redacted current versions. */
export const handler = httpHandler(frame, "incident.export", async (request) => {
  // A read that fails part way is a 503: the use case's own refusals pass through.
  const { asOf, body } = await unavailableOnFailure(() =>
    exportIncidents(request.event.queryStringParameters, request.principal, request.audit, {
      countedBetween,
      now: () => new Date(),
    }),
  );
  return {
    statusCode: 200,
    headers: {
      "content-type": "application/x-ndjson; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "x-as-of": asOf,
    },
    body,
  };
});
