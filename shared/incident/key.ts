/**
 * An incident's id as the stores key it: ids are compared without regard
 * to letter case. Zod-free, so that a function that only reads by id does
 * not load (and build) the incident schema on a cold start.
 */
export const incidentKey = (incidentId: string): string => incidentId.toLowerCase();

/** Any UUID version, as the event schema's `incidentId` (zod's guid) accepts. */
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export const isIncidentId = (value: unknown): value is string =>
  typeof value === "string" && GUID.test(value);

/**
 * The restricted table's key of version n of an incident (storage model of
 * issue 12): version 1 keeps the incident key itself, as before corrections
 * existed; version n >= 2 is `<incidentKey>#v<n>`.
 */
export const versionKey = (incidentKey: string, version: number): string =>
  version <= 1 ? incidentKey : `${incidentKey}#v${version}`;
