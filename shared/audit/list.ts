import * as z from "zod";
import type { Principal } from "../auth/claims.ts";
import type { Cursors } from "../http/cursor.ts";
import { ApiError } from "../http/errors.ts";
import type { AuditNote } from "../http/handler.ts";
import { type Page, parseListQuery, periodKeys } from "../http/list-query.ts";
import { type AuditEntry, type AuditItem, fromAuditItem, retentionDays } from "./entry.ts";

/** The attributes a custodian may search by; each has an index, so a search is a Query. */
export type AuditFilterName = "userId" | "action" | "target";
export type AuditFilter = Partial<Record<AuditFilterName, string>>;

export interface AuditQuery {
  /**
   * The partition read: a month of the table itself, or one value of the
   * by-user, by-action or by-target index.
   */
  partition: { by: "month" | AuditFilterName; value: string };
  /** Equality on the other searched attributes, applied within the key range. */
  filter: AuditFilter;
  fromKey: string;
  toKey: string;
  limit: number;
  startKey?: Record<string, string>;
}

export interface AuditListPorts {
  queryAudit(query: AuditQuery): Promise<{
    items: AuditItem[];
    lastKey: Record<string, string> | undefined;
  }>;
  now(): Date;
}

const UserParam = z.string().min(1).max(256);
/** Actions are the frame's names (`incident.read_unredacted`): lower-case words joined by dots. */
const ActionParam = z
  .string()
  .max(64)
  .regex(/^[a-z_]{1,32}(\.[a-z_]{1,32}){0,3}$/, "must be an action such as incident.read");
// A target is an id or `kind:id`: one line, bounded.
const TargetParam = z
  .string()
  .min(1)
  .max(256)
  .refine((value) => !/\p{Cc}/u.test(value), "must be one line of text");

const KeySchema = z.record(z.string().max(16), z.string().max(512));
const CursorSchema = z.strictObject({
  /** The listing the cursor belongs to: which partition, with which filter. */
  for: z.string().max(1200),
  month: z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .optional(),
  key: KeySchema.optional(),
});

/** Month partitions one page may walk; a longer walk continues from a cursor. */
export const MAX_MONTHS_PER_PAGE = 36;
/**
 * Queries one filtered page may make. A filter on a second attribute is
 * applied after DynamoDB reads the key range, so a page may come back short;
 * past this many reads the page ends with a cursor instead of reading on.
 */
export const MAX_QUERIES_PER_PAGE = 8;

/**
 * The index a search reads, most selective first: a target names one thing
 * (an incident, a report), a user is one person, an action is every request
 * of one kind.
 */
const SELECTIVITY: readonly AuditFilterName[] = ["target", "userId", "action"];

const previousMonth = (month: string) => {
  const [year, number] = month.split("-").map(Number);
  return number === 1 ? `${year! - 1}-12` : `${year}-${String(number! - 1).padStart(2, "0")}`;
};

/**
 * The audit log, newest first, for records custodians only. Entries live in
 * month partitions; a page walks them from the period's end backwards,
 * never past the retention nor beyond now. A search by user, action or
 * target reads the index of the most selective one and filters the rest
 * within its key range: never a scan.
 */
export const listAudit = async (
  parameters: Record<string, string | undefined> | undefined,
  principal: Principal,
  audit: AuditNote,
  ports: AuditListPorts,
  cursors: Cursors,
): Promise<Page<AuditEntry>> => {
  if (principal.role !== "records_custodian") {
    throw new ApiError("FORBIDDEN", "Only a records custodian may read the audit log.");
  }
  const query = parseListQuery(parameters, {
    user: UserParam.optional(),
    action: ActionParam.optional(),
    target: TargetParam.optional(),
  });
  const now = ports.now();
  const oldest = new Date(now.getTime() - retentionDays() * 86_400_000);
  const fromInstant = query.fromInstant && query.fromInstant > oldest ? query.fromInstant : oldest;
  const toExclusive = query.toExclusive && query.toExclusive < now ? query.toExclusive : undefined;
  const { fromKey, toKey } = periodKeys(fromInstant, toExclusive);
  const filter: AuditFilter = {
    ...(query.user !== undefined ? { userId: query.user } : {}),
    ...(query.action !== undefined ? { action: query.action } : {}),
    ...(query.target !== undefined ? { target: query.target } : {}),
  };
  audit.target =
    query.user !== undefined && query.action === undefined && query.target === undefined
      ? `user:${query.user}`
      : "audit";
  const by = SELECTIVITY.find((name) => filter[name] !== undefined);
  const cursorFor = JSON.stringify(by ? SELECTIVITY.map((name) => filter[name] ?? null) : "all");
  const cursor = query.cursor ? await cursors.decode(query.cursor, CursorSchema) : undefined;
  if (cursor && cursor.for !== cursorFor) {
    throw new ApiError(
      "VALIDATION_FAILED",
      "The cursor belongs to another listing.",
      [{ path: "cursor", message: "invalid cursor" }],
      400,
    );
  }

  // A period wholly before the retention: nothing to read, and DynamoDB refuses a reversed range.
  if (fromKey > toKey) return { items: [], nextCursor: null };

  if (by !== undefined) {
    const { [by]: value, ...rest } = filter;
    const items: AuditEntry[] = [];
    let startKey = cursor?.key;
    for (let queries = 0; queries < MAX_QUERIES_PER_PAGE; queries++) {
      const page = await ports.queryAudit({
        partition: { by, value: value! },
        filter: rest,
        fromKey,
        toKey,
        limit: query.limit - items.length,
        ...(startKey ? { startKey } : {}),
      });
      items.push(...page.items.map(fromAuditItem));
      startKey = page.lastKey;
      if (!startKey || items.length >= query.limit) break;
    }
    return {
      items,
      nextCursor: startKey ? await cursors.encode({ for: cursorFor, key: startKey }) : null,
    };
  }

  const lastMonth = fromKey.slice(0, 7);
  let month = cursor?.month ?? (toExclusive ? toKey.slice(0, 7) : now.toISOString().slice(0, 7));
  let startKey = cursor?.key;
  let walked = 0;
  const items: AuditEntry[] = [];
  while (month >= lastMonth) {
    const page = await ports.queryAudit({
      partition: { by: "month", value: month },
      filter: {},
      fromKey,
      toKey,
      limit: query.limit - items.length,
      ...(startKey ? { startKey } : {}),
    });
    items.push(...page.items.map(fromAuditItem));
    if (page.lastKey) {
      return {
        items,
        nextCursor: await cursors.encode({ for: cursorFor, month, key: page.lastKey }),
      };
    }
    month = previousMonth(month);
    startKey = undefined;
    walked++;
    if (items.length >= query.limit || walked >= MAX_MONTHS_PER_PAGE) {
      return {
        items,
        nextCursor: month >= lastMonth ? await cursors.encode({ for: cursorFor, month }) : null,
      };
    }
  }
  return { items, nextCursor: null };
};
