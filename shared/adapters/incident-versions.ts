import { BatchGetCommand } from "@aws-sdk/lib-dynamodb";
import { TABLES } from "../../resources/declarations.ts";
import { requireEnv } from "../config.ts";
import { versionKey } from "../incident/key.ts";
import type { StoredItem } from "../incident/versions.ts";
import { dynamo } from "./clients/dynamo.ts";

/** BatchGetItem takes at most 100 keys. */
const BATCH = 100;
/** Unprocessed keys are asked for again this many times, with a short backoff. */
const RETRIES = 4;

class VersionsUnavailable extends Error {
  override name = "VersionsUnavailable";
}

/**
 * Versions 1..upTo of an incident from the restricted table, in one
 * BatchGetItem per hundred (consistent reads: a version the store stage
 * just wrote is seen). A version not stored yet is simply absent.
 */
export const getVersions = async (incidentKey: string, upTo: number): Promise<StoredItem[]> => {
  const tableName = requireEnv(TABLES.incidents.envVar);
  const found: StoredItem[] = [];
  for (let first = 1; first <= upTo; first += BATCH) {
    let keys: Array<Record<string, unknown>> = [];
    for (let version = first; version <= Math.min(upTo, first + BATCH - 1); version++) {
      keys.push({ incidentId: versionKey(incidentKey, version) });
    }
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt > RETRIES) throw new VersionsUnavailable("versions left unprocessed");
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      const { Responses, UnprocessedKeys } = await dynamo().send(
        new BatchGetCommand({
          RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } },
        }),
      );
      for (const item of Responses?.[tableName] ?? []) {
        const { incidentId: _key, ...rest } = item;
        found.push({ incidentKey, ...rest } as StoredItem);
      }
      keys = (UnprocessedKeys?.[tableName]?.Keys ?? []) as Array<Record<string, unknown>>;
    }
  }
  return found;
};
