import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { TABLES } from "../../resources/declarations.ts";
import { type AuditEntry, type AuditItem, toAuditItem } from "../audit/entry.ts";
import type { AuditFilterName, AuditQuery } from "../audit/list.ts";
import { requireEnv } from "../config.ts";
import { dynamo } from "./clients/dynamo.ts";
import { queryKeyRange } from "./key-range-page.ts";

const tableName = () => requireEnv(TABLES.audit.envVar);
const INDEX_OF = {
  userId: "byUser",
  action: "byAction",
  target: "byTarget",
} as const satisfies Record<AuditFilterName, (typeof TABLES.audit.indexes)[number]["name"]>;

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

/** One page, newest first, of a month partition or of one index's partition. */
export const queryAudit = async (query: AuditQuery) => {
  const { by, value } = query.partition;
  const { items, lastKey } = await queryKeyRange({
    tableName: tableName(),
    ...(by === "month" ? {} : { indexName: INDEX_OF[by] }),
    partitionKey: by,
    partition: value,
    sortKey: "entryKey",
    fromKey: query.fromKey,
    toKey: query.toKey,
    limit: query.limit,
    newestFirst: true,
    equals: query.filter as Record<string, string>,
    ...(query.startKey ? { startKey: query.startKey } : {}),
  });
  return { items: items as AuditItem[], lastKey };
};
