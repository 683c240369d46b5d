import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { TABLES } from "../../resources/declarations.ts";
import { type AuditEntry, type AuditItem, toAuditItem } from "../audit/entry.ts";
import type { AuditQuery } from "../audit/list.ts";
import { requireEnv } from "../config.ts";
import { dynamo } from "./clients/dynamo.ts";
import { queryKeyRange } from "./key-range-page.ts";

const tableName = () => requireEnv(TABLES.audit.envVar);
const [byUser] = TABLES.audit.indexes;

/**
 * Appends one entry. The put is conditional, so it can never overwrite an
 * entry; functions hold PutItem and nothing else that writes to this table.
 */
export const appendAuditEntry = async (entry: AuditEntry): Promise<void> => {
  await dynamo().send(
    new PutCommand({
      TableName: tableName(),
      Item: toAuditItem(entry),
      ConditionExpression: "attribute_not_exists(entryKey)",
    }),
  );
};

/** One page, newest first. */
export const queryAudit = async (query: AuditQuery) => {
  const byUserIndex = query.userId !== undefined;
  const { items, lastKey } = await queryKeyRange({
    tableName: tableName(),
    ...(byUserIndex ? { indexName: byUser!.name } : {}),
    partitionKey: byUserIndex ? "userId" : "month",
    partition: (byUserIndex ? query.userId : query.month) as string,
    sortKey: "entryKey",
    fromKey: query.fromKey,
    toKey: query.toKey,
    limit: query.limit,
    newestFirst: true,
    ...(query.startKey ? { startKey: query.startKey } : {}),
  });
  return { items: items as AuditItem[], lastKey };
};
