import { z } from "zod";
import { type Principal, requireRole } from "../auth/claims.ts";
import { ApiError } from "../http/errors.ts";
import { incidentKey } from "./messages.ts";
import { authorView, type StoredIncident } from "./store.ts";

export interface ReadPorts {
  getIncident(incidentKey: string): Promise<StoredIncident | undefined>;
}

const IncidentIdParam = z.uuid();

/**
 * The submitting officer reads their own incident as submitted. Another
 * officer gets the same 404 as for an unknown id, so ids reveal nothing.
 */
export const readIncidentAsAuthor = async (
  incidentId: string | undefined,
  principal: Principal,
  ports: ReadPorts,
) => {
  requireRole(principal, "sro");
  if (!IncidentIdParam.safeParse(incidentId).success) {
    throw new ApiError(
      "VALIDATION_FAILED",
      "The incident id is not a UUID.",
      [{ path: "incidentId", message: "must be a UUID" }],
      400,
    );
  }
  const incident = await ports.getIncident(incidentKey(incidentId!));
  if (!incident || incident.officerId !== principal.userId) {
    throw new ApiError("NOT_FOUND", "No incident with this id that you may read.");
  }
  return authorView(incident);
};
