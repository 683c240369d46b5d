import { ApiError } from "#shared/http/errors.ts";
import { header, httpHandler, rawBody } from "#shared/http/handler.ts";
import { json } from "#shared/http/responses.ts";
import { observability } from "#shared/observability.ts";
import {
  createReport,
  districtReportSettings,
  MAX_REPORT_REQUEST_BYTES,
} from "#shared/report/api.ts";
import { runPorts } from "#shared/report/ports.ts";

const { logger, metrics } = observability("create-report");

/** POST /reports: runs a report now and answers with its index entry. */
export const handler = httpHandler({ logger, metrics }, "report.run", async (request) => {
  const contentType = header(request.event, "content-type")?.split(";")[0]?.trim().toLowerCase();
  if (contentType !== "application/json") {
    throw new ApiError("UNSUPPORTED_MEDIA_TYPE", "Send the report request as application/json.");
  }
  const body = rawBody(request.event);
  if (body.byteLength > MAX_REPORT_REQUEST_BYTES) {
    throw new ApiError("PAYLOAD_TOO_LARGE", "The report request is larger than 16 KiB.");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw new ApiError("MALFORMED_JSON", "The body is not valid JSON.");
  }
  const result = await createReport(
    parsed,
    request.principal,
    request.audit,
    runPorts(),
    districtReportSettings(),
  );
  return json(result.status, result.body);
});
