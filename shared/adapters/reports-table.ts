import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { TABLES } from "../../infra/resources.ts";
import { requireEnv } from "../config.ts";
import type { ReportEntry } from "../report/run.ts";
import { dynamo } from "./clients.ts";
import { putOnce } from "./put-once.ts";

const tableName = () => requireEnv(TABLES.reports.envVar);
const [byTime, publicByTime] = TABLES.reports.indexes;

/** Records a report in the index; false when one with the same id exists already. */
export const putReportEntry = (entry: ReportEntry): Promise<boolean> =>
  putOnce(tableName(), "reportId", {
    ...entry,
    listing: "all",
    createdKey: `${entry.createdAt}#${entry.reportId}`,
    ...(entry.public ? { publicListing: "public" } : {}),
  });

export const getReportEntry = async (reportId: string): Promise<ReportEntry | undefined> => {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: { reportId } }),
  );
  if (!Item) return undefined;
  const { listing: _l, createdKey: _k, publicListing: _p, ...entry } = Item;
  return entry as ReportEntry;
};

/** One page of the index, newest first; the board's listing holds public reports only. */
export const queryReportEntries = async (query: {
  publicOnly: boolean;
  limit: number;
  fromKey: string;
  toKey: string;
  startKey?: Record<string, string>;
}) => {
  const index = query.publicOnly ? publicByTime! : byTime!;
  const { Items = [], LastEvaluatedKey } = await dynamo().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: index.name,
      KeyConditionExpression: "#p = :p AND createdKey BETWEEN :from AND :to",
      ExpressionAttributeNames: { "#p": index.partitionKey },
      ExpressionAttributeValues: {
        ":p": query.publicOnly ? "public" : "all",
        ":from": query.fromKey,
        ":to": query.toKey,
      },
      ScanIndexForward: false,
      Limit: query.limit,
      ...(query.startKey ? { ExclusiveStartKey: query.startKey } : {}),
    }),
  );
  return {
    entries: Items.map(
      ({ listing: _l, createdKey: _k, publicListing: _p, ...entry }) => entry as ReportEntry,
    ),
    lastKey: LastEvaluatedKey as Record<string, string> | undefined,
  };
};
