import { db, type PrefsRecord, writing } from "./db.ts";

/**
 * The officer's last report's school, location and initiated-by, and how
 * often each school and location was used: no one is identified by these,
 * so they are kept in clear.
 */
export const loadPrefs = async (sub: string): Promise<PrefsRecord> =>
  (await (await db()).get("prefs", sub)) ?? { sub, schoolCounts: {}, locationCounts: {} };

export const rememberReport = async (
  sub: string,
  report: { schoolId: string; location: string; initiatedBy: string },
): Promise<void> => {
  const prefs = await loadPrefs(sub);
  prefs.last = { ...report };
  prefs.schoolCounts[report.schoolId] = (prefs.schoolCounts[report.schoolId] ?? 0) + 1;
  prefs.locationCounts[report.location] = (prefs.locationCounts[report.location] ?? 0) + 1;
  const database = await db();
  await writing(() => database.put("prefs", prefs));
};

/** Most used first; ties keep the given order. */
export const byUse = <T extends string>(
  values: readonly T[],
  counts: Record<string, number>,
): T[] =>
  values
    .map((value, index) => ({ value, index, count: counts[value] ?? 0 }))
    .sort((a, b) => b.count - a.count || a.index - b.index)
    .map(({ value }) => value);
