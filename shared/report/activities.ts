import { ACTIVITY_TYPES, type Activity } from "../activity/model.ts";
import type { ActivitySummary, ActivityTotals } from "./model.ts";
import type { ReportRequest } from "./request.ts";

/** What a report needs of an activity: never who recorded it. */
export type ActivityFacts = Pick<Activity, "schoolId" | "date" | "type" | "minutes">;

const add = (totals: ActivityTotals, activity: ActivityFacts) => {
  const entry = totals[activity.type] ?? { count: 0, minutes: 0 };
  totals[activity.type] = entry;
  entry.count += 1;
  entry.minutes += activity.minutes;
};

/** Types in the contract's order, so two runs over the same activities give the same bytes. */
const ordered = (totals: ActivityTotals): ActivityTotals =>
  Object.fromEntries(
    ACTIVITY_TYPES.filter((type) => totals[type]).map((type) => [type, totals[type]!]),
  );

/**
 * The activities of the report's period (by `date`) and scope. A public
 * report gives the district's totals only: per school they would describe
 * one officer's work, a personnel matter (contracts section 9).
 */
export const summarizeActivities = async (
  request: Pick<ReportRequest, "period" | "scope" | "parameters">,
  activities: AsyncIterable<ActivityFacts>,
): Promise<ActivitySummary> => {
  const byType: ActivityTotals = {};
  const bySchool = new Map<string, ActivityTotals>();
  const schoolId = request.scope.level === "school" ? request.scope.schoolId : undefined;
  for await (const activity of activities) {
    if (activity.date < request.period.from || activity.date > request.period.to) continue;
    if (schoolId !== undefined && activity.schoolId !== schoolId) continue;
    add(byType, activity);
    const school = bySchool.get(activity.schoolId) ?? {};
    bySchool.set(activity.schoolId, school);
    add(school, activity);
  }
  if (request.parameters.public) return { byType: ordered(byType) };
  return {
    byType: ordered(byType),
    bySchool: [...bySchool.keys()]
      .sort()
      .map((id) => ({ schoolId: id, byType: ordered(bySchool.get(id)!) })),
  };
};
