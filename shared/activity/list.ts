import * as z from "zod";
import type { Principal } from "../auth/claims.ts";
import type { Cursors } from "../http/cursor.ts";
import { ApiError } from "../http/errors.ts";
import type { AuditNote } from "../http/handler.ts";
import { type Page, parseListQuery } from "../http/list-query.ts";
import { type ActivityView, publicView, type StoredActivity } from "./model.ts";

/** One page of one index, newest `date` first. */
export interface ActivityQuery {
  by: "author" | "school" | "district";
  /** The author's id, the school's id, or `district`. */
  partition: string;
  /** Inclusive bounds on `dateKey`. */
  fromKey: string;
  toKey: string;
  limit: number;
  startKey?: Record<string, string>;
}

export interface ListActivitiesPorts {
  queryActivities(query: ActivityQuery): Promise<{
    activities: StoredActivity[];
    lastKey: Record<string, string> | undefined;
  }>;
}

const SchoolIdParam = z.string().regex(/^[A-Za-z0-9-]{1,32}$/, "must be a school id");

const CursorSchema = z.strictObject({
  activityId: z.string().max(64),
  dateKey: z.string().max(128),
  authorId: z.string().max(256).optional(),
  schoolId: z.string().max(32).optional(),
  listing: z.literal("district").optional(),
});

const badRequest = (path: string, message: string, text: string) =>
  new ApiError("VALIDATION_FAILED", text, [{ path, message }], 400);

/**
 * An officer lists its own activities, a school admin one of its schools',
 * an analyst one school's or the district's; each from an index, never a scan.
 */
export const listActivities = async (
  parameters: Record<string, string | undefined> | undefined,
  principal: Principal,
  audit: AuditNote,
  ports: ListActivitiesPorts,
  cursors: Cursors,
): Promise<Page<ActivityView>> => {
  const { role } = principal;
  if (role !== "sro" && role !== "school_admin" && role !== "district_analyst") {
    throw new ApiError("FORBIDDEN", "Your role may not list activities.");
  }
  const query = parseListQuery(parameters, { schoolId: SchoolIdParam.optional() });
  let target: Pick<ActivityQuery, "by" | "partition">;
  if (role === "sro") {
    if (query.schoolId !== undefined) {
      throw badRequest("schoolId", "not for your role", "Officers list their own activities.");
    }
    target = { by: "author", partition: principal.userId };
  } else if (role === "school_admin") {
    let schoolId = query.schoolId;
    if (schoolId === undefined && principal.schoolIds.size === 1) [schoolId] = principal.schoolIds;
    if (schoolId === undefined) {
      throw badRequest(
        "schoolId",
        "required when you administer several schools",
        "Name one of your schools.",
      );
    }
    if (!principal.schoolIds.has(schoolId)) {
      throw new ApiError("FORBIDDEN", "You may not list this school's activities.");
    }
    target = { by: "school", partition: schoolId };
  } else {
    target =
      query.schoolId === undefined
        ? { by: "district", partition: "district" }
        : { by: "school", partition: query.schoolId };
  }
  audit.target = target.by === "author" ? "own" : target.partition;
  const startKey = query.cursor ? await cursors.decode(query.cursor, CursorSchema) : undefined;
  const cursorPartition = startKey && (startKey.authorId ?? startKey.schoolId ?? startKey.listing);
  if (startKey && cursorPartition !== target.partition) {
    throw badRequest("cursor", "invalid cursor", "The cursor belongs to another listing.");
  }
  // Validated above: plain dates, so they bound `date#id` keys directly.
  const from = parameters?.from;
  const to = parameters?.to;
  const { activities, lastKey } = await ports.queryActivities({
    ...target,
    fromKey: from ? `${from}#` : "0",
    toKey: to ? `${to}#~` : "~",
    limit: query.limit,
    ...(startKey ? { startKey: startKey as Record<string, string> } : {}),
  });
  return {
    items: activities.map(publicView),
    nextCursor: lastKey ? await cursors.encode(lastKey) : null,
  };
};
