import { getIncident } from "#shared/adapters/incidents-table.ts";
import { getRedacted } from "#shared/adapters/redacted-incidents-table.ts";
import { unavailableOnFailure } from "#shared/http/errors.ts";
import { header, httpHandler } from "#shared/http/handler.ts";
import { json } from "#shared/http/responses.ts";
import { readIncident } from "#shared/incident/read.ts";
import { observability } from "#shared/observability.ts";

const { logger, metrics } = observability("read-incident");

/** GET /incidents/{incidentId}: the view the caller's role allows. */
export const handler = httpHandler({ logger, metrics }, "incident.read", async (request) => {
  const view = await readIncident(
    request.event.pathParameters?.incidentId,
    header(request.event, "x-access-reason"),
    request.principal,
    request.audit,
    {
      getIncident: (key) => unavailableOnFailure(() => getIncident(key)),
      getRedacted: (key) => unavailableOnFailure(() => getRedacted(key)),
    },
  );
  return json(200, view);
});
