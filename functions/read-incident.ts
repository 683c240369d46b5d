import { appendAuditEntry } from "#shared/adapters/audit-log.ts";
import { getRedacted } from "#shared/adapters/redacted-incidents-table.ts";
import { invokeRestrictedRead } from "#shared/adapters/restricted-read.ts";
import { unavailableOnFailure } from "#shared/http/errors.ts";
import { httpHandler } from "#shared/http/handler.ts";
import { json } from "#shared/http/responses.ts";
import { handsToRestrictedRead, readRedactedIncident } from "#shared/incident/read.ts";
import { observability } from "#shared/observability.ts";

const { logger, metrics } = observability("read-incident");
const frame = { logger, metrics, audit: appendAuditEntry };

/**
 * GET /incidents/{incidentId}: the view the caller's role allows; GET
 * /incidents/{incidentId}/versions; GET /custodian/incidents. This function
 * reads the redacted table only; the author's and the custodian's reads,
 * every versions read and the search go to read-restricted-incident, which
 * checks the token again and writes their audit entries.
 */
export const handler = httpHandler(frame, "incident.read", async (request) => {
  const { routeKey, pathParameters } = request.event;
  if (
    handsToRestrictedRead(routeKey, pathParameters?.incidentId, request.principal, request.audit)
  ) {
    const result = await unavailableOnFailure(() => invokeRestrictedRead(request.event));
    request.audit.recordedElsewhere = true;
    return result;
  }
  const view = await readRedactedIncident(
    request.event.pathParameters?.incidentId,
    request.principal,
    request.audit,
    { getRedacted: (key) => unavailableOnFailure(() => getRedacted(key)) },
  );
  return json(200, view);
});
