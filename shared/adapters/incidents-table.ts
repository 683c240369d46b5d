import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { TABLES } from "../../resources/declarations.ts";
import { requireEnv } from "../config.ts";
import { versionKey } from "../incident/key.ts";
import type { IncidentEventV1 } from "../incident/schema.ts";
import type { StoredIncident, StoredVersion } from "../incident/store.ts";
import { dynamo } from "./clients/dynamo.ts";
import { putOnce } from "./put-once.ts";

const tableName = () => requireEnv(TABLES.incidents.envVar);

/** Writes the incident unless it is already there; true when this call wrote it. */
export const putIncidentOnce = (incident: StoredIncident): Promise<boolean> => {
  const { incidentKey, ...rest } = incident;
  return putOnce(tableName(), "incidentId", { incidentId: incidentKey, ...rest });
};

/**
 * Writes version n >= 2 at `<incidentKey>#v<n>` unless it is there already:
 * a version is written once and never overwritten.
 */
export const putVersionOnce = (version: StoredVersion): Promise<boolean> => {
  const { incidentKey, ...rest } = version;
  return putOnce(tableName(), "incidentId", {
    incidentId: versionKey(incidentKey, version.version),
    ...rest,
  });
};

/** One stored version's event (version 1 at the incident key); a void's version has none. */
export const getVersionEvent = async (
  incidentKey: string,
  version: number,
): Promise<IncidentEventV1 | undefined> => {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: tableName(),
      Key: { incidentId: versionKey(incidentKey, version) },
      ConsistentRead: true,
      ProjectionExpression: "#event",
      ExpressionAttributeNames: { "#event": "event" },
    }),
  );
  return Item?.event as IncidentEventV1 | undefined;
};

export const getIncident = async (incidentKey: string): Promise<StoredIncident | undefined> => {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: tableName(),
      Key: { incidentId: incidentKey },
      ConsistentRead: true,
    }),
  );
  if (!Item) return undefined;
  const { incidentId, ...rest } = Item;
  return { incidentKey: String(incidentId), ...rest } as StoredIncident;
};
