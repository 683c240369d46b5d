import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "./clients/dynamo.ts";

/** One page of a partition's sort-key range: every list the API serves is one of these. */
export interface KeyRangePage {
  tableName: string;
  /** Absent: the table's own key. */
  indexName?: string;
  partitionKey: string;
  partition: string;
  sortKey: string;
  fromKey: string;
  toKey: string;
  limit: number;
  newestFirst: boolean;
  startKey?: Record<string, string>;
  /**
   * Attributes that must equal these values, checked by DynamoDB after it
   * reads the key range: `limit` counts the items read, so a page may be short.
   */
  equals?: Record<string, string>;
  /** Attributes that must be absent or differ from these values, checked the same way. */
  differs?: Record<string, string>;
}

export const queryKeyRange = async (page: KeyRangePage) => {
  const equals = Object.entries(page.equals ?? {});
  const differs = Object.entries(page.differs ?? {});
  const filters = [
    ...equals.map((_, index) => `#f${index} = :f${index}`),
    ...differs.map((_, index) => `(attribute_not_exists(#d${index}) OR #d${index} <> :d${index})`),
  ];
  const { Items = [], LastEvaluatedKey } = await dynamo().send(
    new QueryCommand({
      TableName: page.tableName,
      ...(page.indexName ? { IndexName: page.indexName } : {}),
      KeyConditionExpression: "#p = :p AND #s BETWEEN :from AND :to",
      ...(filters.length > 0 ? { FilterExpression: filters.join(" AND ") } : {}),
      ExpressionAttributeNames: {
        "#p": page.partitionKey,
        "#s": page.sortKey,
        ...Object.fromEntries(equals.map(([name], index) => [`#f${index}`, name])),
        ...Object.fromEntries(differs.map(([name], index) => [`#d${index}`, name])),
      },
      ExpressionAttributeValues: {
        ":p": page.partition,
        ":from": page.fromKey,
        ":to": page.toKey,
        ...Object.fromEntries(equals.map(([, value], index) => [`:f${index}`, value])),
        ...Object.fromEntries(differs.map(([, value], index) => [`:d${index}`, value])),
      },
      ScanIndexForward: !page.newestFirst,
      Limit: page.limit,
      ...(page.startKey ? { ExclusiveStartKey: page.startKey } : {}),
    }),
  );
  return { items: Items, lastKey: LastEvaluatedKey as Record<string, string> | undefined };
};
