import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { TABLES } from "../../resources/declarations.ts";
import { requireEnv } from "../config.ts";
import type { EntryOutcome, ReportEntry } from "../report/run.ts";
import { dynamo } from "./clients/dynamo.ts";
import { queryKeyRange } from "./key-range-page.ts";
import { putOnce } from "./put-once.ts";

const tableName = () => requireEnv(TABLES.reports.envVar);
const [byTime, publicByTime] = TABLES.reports.indexes;

const MAX_TRANSACTION_ATTEMPTS = 6;

const indexItem = (entry: ReportEntry) => ({
  ...entry,
  listing: "all",
  createdKey: `${entry.createdAt}#${entry.reportId}`,
  ...(entry.public ? { publicListing: "public" } : {}),
});

/**
 * Records a report in the index, unless an entry with its id exists or one
 * of `absentIds` does. With `absentIds`, the write and the checks are one
 * transaction, so two runs checking each other's ids cannot both succeed.
 */
export const putReportEntry = async (
  entry: ReportEntry,
  absentIds: readonly string[] = [],
): Promise<EntryOutcome> => {
  if (absentIds.length === 0) {
    return (await putOnce(tableName(), "reportId", indexItem(entry))) ? "created" : "exists";
  }
  const absent = { ConditionExpression: "attribute_not_exists(reportId)" };
  const items = [
    { Put: { TableName: tableName(), Item: indexItem(entry), ...absent } },
    ...absentIds.map((reportId) => ({
      ConditionCheck: { TableName: tableName(), Key: { reportId }, ...absent },
    })),
  ];
  for (let attempt = 1; ; attempt++) {
    try {
      await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
      return "created";
    } catch (thrown) {
      if (!(thrown instanceof TransactionCanceledException)) throw thrown;
      const codes = (thrown.CancellationReasons ?? []).map((reason) => reason.Code);
      if (codes[0] === "ConditionalCheckFailed") return "exists";
      if (codes.slice(1).includes("ConditionalCheckFailed")) return "blocked";
      // Another run's transaction on the same keys was in flight; once it ends,
      // the conditions answer for it.
      if (!codes.includes("TransactionConflict") || attempt >= MAX_TRANSACTION_ATTEMPTS) {
        throw thrown;
      }
      await new Promise((resolve) => setTimeout(resolve, 25 * attempt + Math.random() * 50));
    }
  }
};

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
  const { items, lastKey } = await queryKeyRange({
    tableName: tableName(),
    indexName: index.name,
    partitionKey: index.partitionKey,
    partition: query.publicOnly ? "public" : "all",
    sortKey: "createdKey",
    fromKey: query.fromKey,
    toKey: query.toKey,
    limit: query.limit,
    newestFirst: true,
    ...(query.startKey ? { startKey: query.startKey } : {}),
  });
  return {
    entries: items.map(
      ({ listing: _l, createdKey: _k, publicListing: _p, ...entry }) => entry as ReportEntry,
    ),
    lastKey,
  };
};
