/**
 * SRO activities (contracts section 9): what an officer did besides
 * incidents, for the MOU's performance monitoring. Zod-free, so the delete
 * and report functions do not load the request schema on a cold start.
 */

export const ACTIVITY_TYPES = [
  "classroom_presentation",
  "parent_education",
  "staff_training_delivered",
  "student_engagement",
  "resource_linkage",
  "safety_planning_or_drill",
  "campus_patrol",
  "training_received",
  "other",
] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** An activity as the officer sends it (and as lists give it back). */
export interface Activity {
  activityId: string;
  schoolId: string;
  date: string;
  type: ActivityType;
  minutes: number;
  attendees?: number;
}

/**
 * An activity as the table keeps it. `dateKey` (`date#activityId`) is the
 * sort key of every index, so removing it takes a deleted activity out of
 * all lists and reports at once while its id stays taken.
 */
export interface StoredActivity extends Activity {
  authorId: string;
  digest: string;
  recordedAt: string;
  listing: "district";
  dateKey?: string;
  deletedAt?: string;
}

/** Ids are compared without regard to letter case, as incident ids are. */
export const activityKey = (activityId: string): string => activityId.toLowerCase();

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const isActivityId = (value: unknown): value is string =>
  typeof value === "string" && GUID.test(value);

export const dateKeyOf = (activity: Pick<Activity, "date" | "activityId">): string =>
  `${activity.date}#${activityKey(activity.activityId)}`;

/** What a list gives: the activity and when it was recorded, never who recorded it. */
export const publicView = (stored: StoredActivity) => ({
  activityId: stored.activityId,
  schoolId: stored.schoolId,
  date: stored.date,
  type: stored.type,
  minutes: stored.minutes,
  ...(stored.attendees === undefined ? {} : { attendees: stored.attendees }),
  recordedAt: stored.recordedAt,
});
export type ActivityView = ReturnType<typeof publicView>;
