import { TABLES } from "../../resources/declarations.ts";
import { requireEnv } from "../config.ts";
import { queryKeyRange } from "./key-range-page.ts";

/** At most this many incidents are read for one student: far above any real record. */
const MAX_INCIDENTS = 5000;

class TooManyIncidents extends Error {
  override name = "TooManyIncidents";
}

/**
 * The incident keys the redact stage filed under one student key, page by
 * page from the student's partition (one Query each, never a scan).
 */
export const incidentsFiledUnder = async (studentKey: string): Promise<string[]> => {
  const { studentIncidents } = TABLES;
  const keys: string[] = [];
  let startKey: Record<string, string> | undefined;
  do {
    const page = await queryKeyRange({
      tableName: requireEnv(studentIncidents.envVar),
      partitionKey: studentIncidents.partitionKey,
      partition: studentKey,
      sortKey: studentIncidents.sortKey,
      fromKey: "0",
      toKey: "~",
      limit: 1000,
      newestFirst: false,
      ...(startKey ? { startKey } : {}),
    });
    for (const item of page.items) keys.push(String(item.incidentId));
    if (keys.length > MAX_INCIDENTS) throw new TooManyIncidents("the student's index is too long");
    startKey = page.lastKey;
  } while (startKey);
  return keys;
};
