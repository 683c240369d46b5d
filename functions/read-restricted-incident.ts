import type { Context } from "aws-lambda";
import { appendAuditEntry } from "#shared/adapters/audit-log.ts";
import { getHead } from "#shared/adapters/corrections.ts";
import { listCursors } from "#shared/adapters/cursor-key.ts";
import { getVersions } from "#shared/adapters/incident-versions.ts";
import { incidentsFiledUnder } from "#shared/adapters/student-incidents-query.ts";
import { studentKeySecret } from "#shared/adapters/student-key-secret.ts";
import { principalFromBearer } from "#shared/auth/bearer.ts";
import { unavailableOnFailure } from "#shared/http/errors.ts";
import { type HttpEvent, header, httpHandler } from "#shared/http/handler.ts";
import { json } from "#shared/http/responses.ts";
import {
  type RestrictedReadPorts,
  readIncidentVersions,
  readRestrictedIncident,
  STUDENT_SEARCH_ROUTE,
  VERSIONS_ROUTE,
} from "#shared/incident/read.ts";
import { observability } from "#shared/observability.ts";

const { logger, metrics } = observability("read-restricted-incident");
const frame = {
  logger,
  metrics,
  audit: appendAuditEntry,
  authenticate: (event: HttpEvent) => principalFromBearer(header(event, "authorization")),
};
const ports: RestrictedReadPorts = {
  getHead: (key) => unavailableOnFailure(() => getHead(key)),
  getVersions: (key, upTo) => unavailableOnFailure(() => getVersions(key, upTo)),
};

/** A read of one incident by the id in its path, with the caller's access reason. */
const incidentRead = (
  action: string,
  read: typeof readRestrictedIncident | typeof readIncidentVersions,
) =>
  httpHandler(frame, action, async (request) =>
    json(
      200,
      await read(
        request.event.pathParameters?.incidentId,
        header(request.event, "x-access-reason"),
        request.principal,
        request.audit,
        ports,
      ),
    ),
  );

/** GET /incidents/{incidentId}: the author's and the custodian's read of the current version. */
const readCurrent = incidentRead("incident.read", readRestrictedIncident);

/** GET /incidents/{incidentId}/versions: every version's reason and changed paths. */
const readVersions = incidentRead("incident.versions", readIncidentVersions);

/** GET /custodian/incidents?localId=: a student's incidents, confirmed against their current versions. */
const searchByStudent = httpHandler(frame, "incident.search", async (request) => {
  // Loaded on first use: the search validates with zod and hashes ids like
  // the redaction, which the plain read's cold start need not load.
  const [{ searchStudentIncidents }, { studentKey }] = await Promise.all([
    import("#shared/incident/student-search.ts"),
    import("#shared/privacy/redact.ts"),
  ]);
  return json(
    200,
    await searchStudentIncidents(
      request.event.queryStringParameters,
      header(request.event, "x-access-reason"),
      request.principal,
      request.audit,
      {
        ...ports,
        studentKey: async (localId) =>
          studentKey(localId, await unavailableOnFailure(studentKeySecret)),
        incidentsFiledUnder: (key) => unavailableOnFailure(() => incidentsFiledUnder(key)),
      },
      listCursors(request, "student-incidents"),
    ),
  );
});

/**
 * The reads of the restricted table, handed on by read-incident with the
 * request as it came: the only reader of that table. It verifies the
 * caller's bearer token itself, so the function that hands a request on
 * cannot name another caller, and writes the request's audit entry. The
 * route key says which read it is; any other is served as the plain read,
 * whose checks then apply.
 */
export const handler = (event: HttpEvent, context: Context) =>
  event.routeKey === VERSIONS_ROUTE
    ? readVersions(event, context)
    : event.routeKey === STUDENT_SEARCH_ROUTE
      ? searchByStudent(event, context)
      : readCurrent(event, context);
