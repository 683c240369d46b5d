import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { TABLES } from "../../infra/resources.ts";
import { requireEnv } from "../config.ts";
import type { StoredIncident } from "../incident/store.ts";
import { dynamo } from "./clients.ts";

const tableName = () => requireEnv(TABLES.incidents.envVar);

/** Writes the incident unless it is already there; true when this call wrote it. */
export const putIncidentOnce = async (incident: StoredIncident): Promise<boolean> => {
  const { incidentKey, ...rest } = incident;
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName(),
        Item: { incidentId: incidentKey, ...rest },
        ConditionExpression: "attribute_not_exists(incidentId)",
      }),
    );
    return true;
  } catch (thrown) {
    if (thrown instanceof ConditionalCheckFailedException) return false;
    throw thrown;
  }
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
