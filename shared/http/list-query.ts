import * as z from "zod";
import { DEFAULT_TIME_ZONE, isCalendarDate, nextDate, startOfDay } from "../time/zoned.ts";
import { ApiError } from "./errors.ts";

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

const date = z
  .string()
  .refine(isCalendarDate, "must be a date as YYYY-MM-DD")
  .refine((value) => value >= "2000-01-01" && value <= "2099-12-31", "must be from 2000 to 2099");

/** The query parameters every list shares (contracts section 2). */
export const ListQuerySchema = z.object({
  from: date.optional(),
  to: date.optional(),
  cursor: z.string().max(2048).optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, `must be a whole number from 1 to ${MAX_LIMIT}`)
    .transform(Number)
    .refine((value) => value >= 1 && value <= MAX_LIMIT, `must be from 1 to ${MAX_LIMIT}`)
    .optional(),
});

export interface ListQuery {
  cursor?: string;
  limit: number;
  /** First instant of `from` in the district's zone, if given. */
  fromInstant?: Date;
  /** First instant after `to` in the district's zone, if given. */
  toExclusive?: Date;
}

/** Parses list parameters, with extra ones checked by `extra`; unknown parameters are refused. */
export const parseListQuery = <Extra extends z.ZodRawShape>(
  parameters: Record<string, string | undefined> | undefined,
  extra: Extra,
  timeZone: string = process.env.DISTRICT_TIME_ZONE ?? DEFAULT_TIME_ZONE,
): ListQuery & z.infer<z.ZodObject<Extra>> => {
  const schema = ListQuerySchema.extend(extra).strict();
  const result = schema.safeParse(parameters ?? {});
  if (!result.success) {
    throw new ApiError(
      "VALIDATION_FAILED",
      "The query parameters are not valid.",
      result.error.issues.map((issue) => ({
        path: issue.path.map(String).join(".") || "query",
        message: issue.code === "unrecognized_keys" ? "unknown query parameter" : issue.message,
      })),
      400,
    );
  }
  const { from, to, limit, cursor, ...rest } = result.data as z.infer<typeof ListQuerySchema> &
    Record<string, unknown>;
  if (from && to && from > to) {
    throw new ApiError(
      "VALIDATION_FAILED",
      "The period is empty.",
      [{ path: "from", message: "must not be after to" }],
      400,
    );
  }
  return {
    ...(rest as z.infer<z.ZodObject<Extra>>),
    limit: limit ?? DEFAULT_LIMIT,
    ...(cursor ? { cursor } : {}),
    ...(from ? { fromInstant: startOfDay(from, timeZone) } : {}),
    ...(to ? { toExclusive: startOfDay(nextDate(to), timeZone) } : {}),
  };
};

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Sort keys that begin with a UTC instant: the period's bounds in the same
 * form, inclusive, for a BETWEEN condition.
 */
export const periodKeys = (fromInstant?: Date, toExclusive?: Date) => ({
  fromKey: fromInstant ? fromInstant.toISOString() : "0",
  toKey: toExclusive ? `${new Date(toExclusive.getTime() - 1).toISOString()}#~` : "~",
});
