import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { TABLES } from "../../resources/declarations.ts";
import { requireEnv } from "../config.ts";
import type { IntakeReceipt } from "../incident/intake.ts";
import type { ReceiptListing, ReceiptQuery } from "../incident/mine.ts";
import { dynamo } from "./clients/dynamo.ts";
import { queryKeyRange } from "./key-range-page.ts";

/**
 * Receipts have no expiry: a repeat with other content a year later is still
 * a conflict. The conditional put returns the receipt it collided with, so a
 * repeat costs one request.
 */
export const recordReceipt = async (receipt: IntakeReceipt): Promise<IntakeReceipt | undefined> => {
  const { incidentKey, ...rest } = receipt;
  try {
    await dynamo().send(
      new PutCommand({
        TableName: requireEnv(TABLES.intakeReceipts.envVar),
        Item: { incidentId: incidentKey, ...rest },
        ConditionExpression: "attribute_not_exists(incidentId)",
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }),
    );
    return undefined;
  } catch (thrown) {
    if (thrown instanceof ConditionalCheckFailedException && thrown.Item) {
      const item = thrown.Item;
      return {
        incidentKey,
        digest: item.digest?.S ?? "",
        officerId: item.officerId?.S ?? "",
        receivedAt: item.receivedAt?.S ?? "",
      };
    }
    throw thrown;
  }
};

const byOfficer = TABLES.intakeReceipts.indexes.find((index) => index.name === "byOfficer")!;

/** One page of an officer's receipts from the `byOfficer` index, newest first. */
export const queryReceiptsByOfficer = async (query: ReceiptQuery) => {
  const { items, lastKey } = await queryKeyRange({
    tableName: requireEnv(TABLES.intakeReceipts.envVar),
    indexName: byOfficer.name,
    partitionKey: byOfficer.partitionKey,
    partition: query.officerId,
    sortKey: byOfficer.sortKey,
    fromKey: "0",
    toKey: "~",
    limit: query.limit,
    newestFirst: true,
    ...(query.startKey ? { startKey: query.startKey } : {}),
  });
  return { receipts: items as ReceiptListing[], lastKey };
};
