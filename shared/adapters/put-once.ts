import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "./clients/dynamo.ts";

/**
 * Writes an item unless one with its key exists: the exactly-once effect of
 * at-least-once delivery. True when this call wrote it, false for a repeat.
 */
export const putOnce = async (
  tableName: string,
  keyAttribute: string,
  item: Record<string, unknown>,
): Promise<boolean> => {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: "attribute_not_exists(#key)",
        ExpressionAttributeNames: { "#key": keyAttribute },
      }),
    );
    return true;
  } catch (thrown) {
    if (thrown instanceof ConditionalCheckFailedException) return false;
    throw thrown;
  }
};

/**
 * Writes an item that carries a `version` unless the stored one's version is
 * the same or higher: a redelivery changes nothing and an older version
 * arriving late is dropped. A stored item without `version` is version 1.
 * True when this call wrote it.
 */
export const putIfNewer = async (
  tableName: string,
  keyAttribute: string,
  item: Record<string, unknown> & { version: number },
): Promise<boolean> => {
  const newer =
    item.version > 1
      ? "attribute_not_exists(#key) OR attribute_not_exists(#version) OR #version < :version"
      : "attribute_not_exists(#key)";
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: newer,
        ExpressionAttributeNames: {
          "#key": keyAttribute,
          ...(item.version > 1 ? { "#version": "version" } : {}),
        },
        ...(item.version > 1 ? { ExpressionAttributeValues: { ":version": item.version } } : {}),
      }),
    );
    return true;
  } catch (thrown) {
    if (thrown instanceof ConditionalCheckFailedException) return false;
    throw thrown;
  }
};
