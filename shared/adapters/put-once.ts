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
