import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { TABLES } from "../../resources/declarations.ts";
import { requireEnv } from "../config.ts";
import type { RedactedQuery } from "../incident/list.ts";
import type { RedactedRecord } from "../privacy/redact-stage.ts";
import { dynamo } from "./clients/dynamo.ts";
import { queryKeyRange } from "./key-range-page.ts";
import { putIfNewer } from "./put-once.ts";

const tableName = () => requireEnv(TABLES.redactedIncidents.envVar);
const [bySchool, byDistrict] = TABLES.redactedIncidents.indexes;

/** Writes the redacted record over an older version only; true when this call wrote it. */
export const putRedactedIfNewer = (record: RedactedRecord): Promise<boolean> =>
  putIfNewer(tableName(), "incidentId", { ...record, version: record.version ?? 1 });

export const getRedacted = async (incidentKey: string): Promise<RedactedRecord | undefined> => {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: { incidentId: incidentKey } }),
  );
  return Item as RedactedRecord | undefined;
};

/** One page from the school or district index, oldest first. */
export const queryRedacted = async (query: RedactedQuery) => {
  const index = query.schoolId ? bySchool! : byDistrict!;
  const { items, lastKey } = await queryKeyRange({
    tableName: tableName(),
    indexName: index.name,
    partitionKey: index.partitionKey,
    partition: query.schoolId ?? "district",
    sortKey: index.sortKey,
    fromKey: query.fromKey,
    toKey: query.toKey,
    limit: query.limit,
    newestFirst: false,
    ...(query.startKey ? { startKey: query.startKey } : {}),
    ...(query.activeOnly ? { differs: { status: "voided" } } : {}),
  });
  return { records: items as RedactedRecord[], lastKey };
};

/**
 * Every redacted item of a period, voided ones included (reports count
 * them apart), page by page from the index: memory holds one page.
 */
export async function* redactedRecordsBetween(query: Omit<RedactedQuery, "limit" | "startKey">) {
  let startKey: Record<string, string> | undefined;
  do {
    const page = await queryRedacted({ ...query, limit: 1000, ...(startKey ? { startKey } : {}) });
    yield* page.records;
    startKey = page.lastKey;
  } while (startKey);
}
