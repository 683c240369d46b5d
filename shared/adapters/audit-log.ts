import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { TABLES } from "../../resources/declarations.ts";
import { type AuditEntry, type AuditItem, toAuditItem } from "../audit/entry.ts";
import type { AuditQuery } from "../audit/list.ts";
import { requireEnv } from "../config.ts";
import { dynamo } from "./clients/dynamo.ts";

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
  const { Items = [], LastEvaluatedKey } = await dynamo().send(
    new QueryCommand({
      TableName: tableName(),
      ...(byUserIndex ? { IndexName: byUser!.name } : {}),
      KeyConditionExpression: "#p = :p AND entryKey BETWEEN :from AND :to",
      ExpressionAttributeNames: { "#p": byUserIndex ? "userId" : "month" },
      ExpressionAttributeValues: {
        ":p": byUserIndex ? query.userId : query.month,
        ":from": query.fromKey,
        ":to": query.toKey,
      },
      ScanIndexForward: false,
      Limit: query.limit,
      ...(query.startKey ? { ExclusiveStartKey: query.startKey } : {}),
    }),
  );
  return {
    items: Items as AuditItem[],
    lastKey: LastEvaluatedKey as Record<string, string> | undefined,
  };
};
