import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { TABLES } from "../../resources/declarations.ts";
import { requireEnv } from "../config.ts";
import type {
  CommitOutcome,
  CorrectionReceipt,
  HeadMove,
  IncidentHead,
} from "../incident/correct.ts";
import { dynamo } from "./clients/dynamo.ts";

const receiptsTable = () => requireEnv(TABLES.intakeReceipts.envVar);
const correctionsTable = () => requireEnv(TABLES.correctionReceipts.envVar);

export const getCorrectionReceipt = async (
  correctionId: string,
): Promise<CorrectionReceipt | undefined> => {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: correctionsTable(),
      Key: { correctionId },
      ConsistentRead: true,
    }),
  );
  return Item as CorrectionReceipt | undefined;
};

/** The intake receipt read as the head of the version chain: absent attributes are version 1, active. */
export const getHead = async (incidentKey: string): Promise<IncidentHead | undefined> => {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: receiptsTable(),
      Key: { incidentId: incidentKey },
      ConsistentRead: true,
      ProjectionExpression:
        "officerId, receivedAt, currentVersion, #status, schoolId, recordsProtectedAction",
      ExpressionAttributeNames: { "#status": "status" },
    }),
  );
  if (!Item) return undefined;
  return {
    incidentKey,
    officerId: String(Item.officerId),
    receivedAt: String(Item.receivedAt),
    currentVersion: typeof Item.currentVersion === "number" ? Item.currentVersion : 1,
    status: Item.status === "voided" ? "voided" : "active",
    ...(typeof Item.schoolId === "string" ? { schoolId: Item.schoolId } : {}),
    ...(typeof Item.recordsProtectedAction === "boolean"
      ? { recordsProtectedAction: Item.recordsProtectedAction }
      : {}),
  };
};

/**
 * One transaction: the correction's receipt, put unless its id exists, and
 * the head moved from the base version, unless it moved or the incident is
 * voided. A head without `currentVersion` is at version 1.
 */
export const commitCorrection = async (
  receipt: CorrectionReceipt,
  move: HeadMove,
): Promise<CommitOutcome> => {
  const atBase =
    move.baseVersion === 1
      ? "(attribute_not_exists(currentVersion) OR currentVersion = :base)"
      : "currentVersion = :base";
  const summary = move.summary
    ? ", occurredAt = :occurredAt, schoolId = :schoolId, category = :category, studentCount = :studentCount, recordsProtectedAction = :protected"
    : "";
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: correctionsTable(),
              Item: receipt,
              ConditionExpression: "attribute_not_exists(correctionId)",
            },
          },
          {
            Update: {
              TableName: receiptsTable(),
              Key: { incidentId: move.incidentKey },
              UpdateExpression: `SET currentVersion = :version, #status = :status${summary}`,
              ConditionExpression: `attribute_exists(incidentId) AND ${atBase} AND (attribute_not_exists(#status) OR #status <> :voided)`,
              ExpressionAttributeNames: { "#status": "status" },
              ExpressionAttributeValues: {
                ":base": move.baseVersion,
                ":version": move.version,
                ":status": move.status,
                ":voided": "voided",
                ...(move.summary
                  ? {
                      ":occurredAt": move.summary.occurredAt,
                      ":schoolId": move.summary.schoolId,
                      ":category": move.summary.category,
                      ":studentCount": move.summary.studentCount,
                      ":protected": move.recordsProtectedAction === true,
                    }
                  : {}),
              },
            },
          },
        ],
      }),
    );
    return "committed";
  } catch (thrown) {
    if (thrown instanceof TransactionCanceledException) {
      const [receiptCheck, headCheck] = thrown.CancellationReasons ?? [];
      if (receiptCheck?.Code === "ConditionalCheckFailed") return "correction-exists";
      if (headCheck?.Code === "ConditionalCheckFailed") return "head-moved";
    }
    throw thrown;
  }
};
