import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { TABLES } from "../../resources/declarations.ts";
import type { ActivityQuery } from "../activity/list.ts";
import type { StoredActivity } from "../activity/model.ts";
import type { TakenId } from "../activity/record.ts";
import { requireEnv } from "../config.ts";
import { dynamo } from "./clients/dynamo.ts";
import { queryKeyRange } from "./key-range-page.ts";

const tableName = () => requireEnv(TABLES.activities.envVar);
const [byAuthor, bySchool, byDistrict] = TABLES.activities.indexes;
const INDEXES = { author: byAuthor, school: bySchool, district: byDistrict } as const;

/**
 * Writes the activity unless its id is taken; returns what holds the id
 * otherwise, in the same request.
 */
export const putActivity = async (activity: StoredActivity): Promise<TakenId | undefined> => {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName(),
        Item: activity,
        ConditionExpression: "attribute_not_exists(activityId)",
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }),
    );
    return undefined;
  } catch (thrown) {
    if (thrown instanceof ConditionalCheckFailedException && thrown.Item) {
      const { digest, deletedAt } = thrown.Item;
      return { digest: digest?.S ?? "", ...(deletedAt?.S ? { deletedAt: deletedAt.S } : {}) };
    }
    throw thrown;
  }
};

export const getActivity = async (activityKey: string): Promise<StoredActivity | undefined> => {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: tableName(),
      Key: { activityId: activityKey },
      ConsistentRead: true,
    }),
  );
  return Item as StoredActivity | undefined;
};

/** Removing the indexes' sort key takes the activity out of every index; its id stays taken. */
export const markActivityDeleted = async (
  activityKey: string,
  authorId: string,
  at: string,
): Promise<boolean> => {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { activityId: activityKey },
        UpdateExpression: "SET deletedAt = :at REMOVE dateKey",
        ConditionExpression: "attribute_exists(dateKey) AND authorId = :author",
        ExpressionAttributeValues: { ":at": at, ":author": authorId },
      }),
    );
    return true;
  } catch (thrown) {
    if (thrown instanceof ConditionalCheckFailedException) return false;
    throw thrown;
  }
};

export const queryActivities = async (query: ActivityQuery) => {
  const index = INDEXES[query.by];
  const { items, lastKey } = await queryKeyRange({
    tableName: tableName(),
    indexName: index.name,
    partitionKey: index.partitionKey,
    partition: query.partition,
    sortKey: index.sortKey,
    fromKey: query.fromKey,
    toKey: query.toKey,
    limit: query.limit,
    newestFirst: true,
    ...(query.startKey ? { startKey: query.startKey } : {}),
  });
  return { activities: items as StoredActivity[], lastKey };
};

/** Every activity dated in a period, district-wide, page by page from the district index. */
export async function* activitiesBetween(period: { from: string; to: string }) {
  let startKey: Record<string, string> | undefined;
  do {
    const page = await queryActivities({
      by: "district",
      partition: "district",
      fromKey: `${period.from}#`,
      toKey: `${period.to}#~`,
      limit: 1000,
      ...(startKey ? { startKey } : {}),
    });
    yield* page.activities;
    startKey = page.lastKey;
  } while (startKey);
}
