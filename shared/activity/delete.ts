import type { Principal } from "../auth/claims.ts";
import { ApiError, unavailableOnFailure } from "../http/errors.ts";
import type { AuditNote } from "../http/handler.ts";
import { activityKey, isActivityId, type StoredActivity } from "./model.ts";

/** The author may take an activity back for 30 days after recording it (contracts section 9). */
export const DELETE_WINDOW_HOURS = 720;

export interface DeleteActivityPorts {
  getActivity(activityKey: string): Promise<StoredActivity | undefined>;
  /**
   * Marks it deleted only if it is not already and `authorId` wrote it;
   * false when the condition failed (someone deleted it meanwhile).
   */
  markDeleted(activityKey: string, authorId: string, at: string): Promise<boolean>;
  now(): Date;
}

const notFound = () => new ApiError("NOT_FOUND", "No such activity among yours.");

/**
 * Another officer's activity is a 404, not a 403: whether an id is taken by
 * someone else is none of the caller's business. The window is measured on
 * the server's clock from when the activity was recorded, not from its date.
 */
export const deleteActivity = async (
  activityId: string | undefined,
  principal: Principal,
  audit: AuditNote,
  ports: DeleteActivityPorts,
): Promise<void> => {
  if (principal.role !== "sro") {
    throw new ApiError("FORBIDDEN", "Your role may not delete activities.");
  }
  if (!isActivityId(activityId)) throw notFound();
  const key = activityKey(activityId);
  audit.target = key;
  const stored = await unavailableOnFailure(() => ports.getActivity(key));
  if (!stored || stored.deletedAt !== undefined || stored.authorId !== principal.userId) {
    throw notFound();
  }
  const now = ports.now();
  const age = now.getTime() - Date.parse(stored.recordedAt);
  if (!(age <= DELETE_WINDOW_HOURS * 3_600_000)) {
    throw new ApiError(
      "FORBIDDEN",
      `An activity may be deleted only within ${DELETE_WINDOW_HOURS} hours of being recorded.`,
    );
  }
  const deleted = await unavailableOnFailure(() =>
    ports.markDeleted(key, principal.userId, now.toISOString()),
  );
  if (!deleted) throw notFound();
};
