import { runPorts, trendPorts } from "#functions/wiring/report-ports.ts";
import { appendAuditEntry } from "#shared/adapters/audit-log.ts";
import { header, httpHandler, rawBody } from "#shared/http/handler.ts";
import { parseJsonRequestBody } from "#shared/http/json-body.ts";
import { json } from "#shared/http/responses.ts";
import { observability } from "#shared/observability.ts";
import {
  createReport,
  districtReportSettings,
  MAX_REPORT_REQUEST_BYTES,
} from "#shared/report/api.ts";
import { createTrend, isTrendBody } from "#shared/report/trend-api.ts";

const { logger, metrics } = observability("create-report");
const frame = { logger, metrics, audit: appendAuditEntry };

/** POST /reports: runs a period report or a trend now and answers with its index entry. */
export const handler = httpHandler(frame, "report.run", async (request) => {
  const parsed = parseJsonRequestBody(
    { contentType: header(request.event, "content-type"), body: rawBody(request.event) },
    { maxBytes: MAX_REPORT_REQUEST_BYTES, what: "report request" },
  );
  const result = isTrendBody(parsed)
    ? await createTrend(
        parsed,
        request.principal,
        request.audit,
        trendPorts(),
        districtReportSettings(),
      )
    : await createReport(
        parsed,
        request.principal,
        request.audit,
        runPorts(),
        districtReportSettings(),
      );
  return json(result.status, result.body);
});
