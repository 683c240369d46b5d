import * as z from "zod";
import { ApiError } from "../http/errors.ts";
import { issueToDetail } from "../http/issues.ts";
import { parseJsonRequestBody, type RawBody } from "../http/json-body.ts";
import { isCalendarDate } from "../time/zoned.ts";
import { ACTIVITY_TYPES, type Activity } from "./model.ts";

/** An activity is a few short fields; anything near this size is not one. */
export const MAX_ACTIVITY_BODY_BYTES = 4 * 1024;

const wholeNumber = (min: number, max: number) =>
  z
    .number({ error: `must be a whole number from ${min} to ${max}` })
    .int(`must be a whole number from ${min} to ${max}`)
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

/**
 * No free text anywhere: an activity names no one. Messages are fixed, so
 * no error repeats what was sent.
 */
export const ActivitySchema = z.strictObject(
  {
    activityId: z.uuid({ error: "must be a UUID" }),
    schoolId: z
      .string({ error: "must be a school id" })
      .regex(/^[A-Za-z0-9-]{1,32}$/, "must be 1-32 letters, digits or hyphens"),
    date: z
      .string({ error: "must be a date as YYYY-MM-DD" })
      .refine(isCalendarDate, "must be a date as YYYY-MM-DD")
      .refine(
        (value) => value >= "2000-01-01" && value <= "2099-12-31",
        "must be from 2000 to 2099",
      ),
    type: z.enum(ACTIVITY_TYPES, { error: `must be one of ${ACTIVITY_TYPES.join(", ")}` }),
    minutes: wholeNumber(1, 1440),
    attendees: wholeNumber(0, 10000).optional(),
  },
  {
    error: (issue) => (issue.code === "unrecognized_keys" ? "unknown field" : "must be an object"),
  },
);

export const parseActivityBody = (raw: RawBody): unknown =>
  parseJsonRequestBody(raw, { maxBytes: MAX_ACTIVITY_BODY_BYTES, what: "activity" });

/**
 * The 422 of the contract, one detail per problem. An unknown field is
 * reported once per key at the object's path: the key itself was typed by
 * the submitter, so it is never named.
 */
export const validateActivity = (body: unknown): Activity => {
  const result = ActivitySchema.safeParse(body);
  if (!result.success) {
    throw new ApiError(
      "VALIDATION_FAILED",
      "The activity does not match the contract.",
      result.error.issues.map(issueToDetail),
    );
  }
  return result.data;
};
