import { getIncident } from "#shared/adapters/incidents-table.ts";
import { httpHandler } from "#shared/http/handler.ts";
import { json } from "#shared/http/responses.ts";
import { unavailableOnFailure } from "#shared/incident/intake.ts";
import { readIncidentAsAuthor } from "#shared/incident/read.ts";
import { observability } from "#shared/observability.ts";

const { logger, metrics } = observability("read-incident");

/** GET /incidents/{incidentId} */
export const handler = httpHandler({ logger, metrics }, async ({ event, principal }) => {
  const view = await readIncidentAsAuthor(event.pathParameters?.incidentId, principal, {
    getIncident: (key) => unavailableOnFailure(() => getIncident(key)),
  });
  return json(200, view);
});
