import type { Principal } from "../auth/claims.ts";
import { ApiError, unavailableOnFailure } from "../http/errors.ts";
import { submissionDigest } from "../incident/digest.ts";
import { type Activity, activityKey, dateKeyOf, type StoredActivity } from "./model.ts";

/** What a conditional put learns of the activity that already holds an id. */
export interface TakenId {
  digest: string;
  deletedAt?: string;
}

export interface RecordActivityPorts {
  /** Conditional put: returns what already holds this id, if anything. */
  putActivity(activity: StoredActivity): Promise<TakenId | undefined>;
  now(): Date;
}

/**
 * Records an activity once. A repeat by the same officer with the same
 * content (key order ignored) is answered as the first time; anything else
 * under a taken id, including the id of a deleted activity, is a conflict:
 * a late retry must not bring back what its author deleted.
 */
export const recordActivity = async (
  activity: Activity,
  principal: Principal,
  ports: RecordActivityPorts,
): Promise<{ activityId: string; repeat: boolean }> => {
  if (principal.role !== "sro" || !principal.schoolIds.has(activity.schoolId)) {
    throw new ApiError("FORBIDDEN", "You may not record activities for this school.");
  }
  const activityId = activityKey(activity.activityId);
  const content = { ...activity, activityId };
  const stored: StoredActivity = {
    ...content,
    authorId: principal.userId,
    digest: submissionDigest(content, principal.userId),
    recordedAt: ports.now().toISOString(),
    listing: "district",
    dateKey: dateKeyOf(content),
  };
  const existing = await unavailableOnFailure(() => ports.putActivity(stored));
  if (existing && (existing.deletedAt !== undefined || existing.digest !== stored.digest)) {
    throw new ApiError(
      "CONFLICT",
      "An activity with this activityId was already recorded with other content, by another officer, or deleted. Use a new activityId for a new activity.",
    );
  }
  return { activityId: activity.activityId, repeat: existing !== undefined };
};
