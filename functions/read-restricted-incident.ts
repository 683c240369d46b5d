import { appendAuditEntry } from "#shared/adapters/audit-log.ts";
import { getIncident } from "#shared/adapters/incidents-table.ts";
import { principalFromBearer } from "#shared/auth/bearer.ts";
import { unavailableOnFailure } from "#shared/http/errors.ts";
import { header, httpHandler } from "#shared/http/handler.ts";
import { json } from "#shared/http/responses.ts";
import { readRestrictedIncident } from "#shared/incident/read.ts";
import { observability } from "#shared/observability.ts";

const { logger, metrics } = observability("read-restricted-incident");

/**
 * The author's and the custodian's GET /incidents/{incidentId}, handed on
 * by read-incident: the only reader of the restricted table. It verifies
 * the caller's bearer token itself, so the function that hands it on cannot
 * name another caller, and writes the request's audit entry.
 */
export const handler = httpHandler(
  {
    logger,
    metrics,
    audit: appendAuditEntry,
    authenticate: (event) => principalFromBearer(header(event, "authorization")),
  },
  "incident.read",
  async (request) =>
    json(
      200,
      await readRestrictedIncident(
        request.event.pathParameters?.incidentId,
        header(request.event, "x-access-reason"),
        request.principal,
        request.audit,
        { getIncident: (key) => unavailableOnFailure(() => getIncident(key)) },
      ),
    ),
);
