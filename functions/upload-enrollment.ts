import { randomUUID } from "node:crypto";
import { appendAuditEntry } from "#shared/adapters/audit-log.ts";
import { saveEnrollment } from "#shared/adapters/enrollment-table.ts";
import { uploadEnrollment } from "#shared/enrollment/upload.ts";
import { unavailableOnFailure } from "#shared/http/errors.ts";
import { header, httpHandler, rawBody } from "#shared/http/handler.ts";
import { json } from "#shared/http/responses.ts";
import { observability } from "#shared/observability.ts";

const { logger, metrics } = observability("upload-enrollment");
const frame = { logger, metrics, audit: appendAuditEntry };

/** PUT /enrollment/{schoolYear} (text/csv): district analysts only. */
export const handler = httpHandler(frame, "enrollment.upload", async (request) => {
  const result = await uploadEnrollment(
    request.event.pathParameters?.schoolYear,
    { contentType: header(request.event, "content-type"), body: rawBody(request.event) },
    request.principal,
    request.audit,
    {
      save: (upload, enrollment) => unavailableOnFailure(() => saveEnrollment(upload, enrollment)),
      now: () => new Date(),
      newVersion: () => `${new Date().toISOString()}-${randomUUID().slice(0, 8)}`,
    },
  );
  return json(200, result);
});
