import * as z from "zod";
import type { Principal } from "../auth/claims.ts";
import type { Cursors } from "../http/cursor.ts";
import { ApiError } from "../http/errors.ts";
import type { AuditNote } from "../http/handler.ts";
import { type Page, parseListQuery, periodKeys } from "../http/list-query.ts";
import { type AuditEntry, type AuditItem, fromAuditItem, retentionDays } from "./entry.ts";

export interface AuditQuery {
  /** A month partition, or a user for the by-user index. */
  month?: string;
  userId?: string;
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

const KeySchema = z.record(z.string().max(16), z.string().max(512));
const CursorSchema = z.strictObject({
  /** The listing the cursor belongs to: `all` or `user:<id>`. */
  for: z.string().max(300),
  month: z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .optional(),
  key: KeySchema.optional(),
});

/** Month partitions one page may walk; a longer walk continues from a cursor. */
export const MAX_MONTHS_PER_PAGE = 36;

const previousMonth = (month: string) => {
  const [year, number] = month.split("-").map(Number);
  return number === 1 ? `${year! - 1}-12` : `${year}-${String(number! - 1).padStart(2, "0")}`;
};

/**
 * The audit log, newest first, for records custodians only. Entries live in
 * month partitions; a page walks them from the period's end backwards,
 * never past the retention nor beyond now. With `user`, one query on the
 * by-user index does.
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
  const query = parseListQuery(parameters, { user: UserParam.optional() });
  const now = ports.now();
  const oldest = new Date(now.getTime() - retentionDays() * 86_400_000);
  const fromInstant = query.fromInstant && query.fromInstant > oldest ? query.fromInstant : oldest;
  const toExclusive = query.toExclusive && query.toExclusive < now ? query.toExclusive : undefined;
  const { fromKey, toKey } = periodKeys(fromInstant, toExclusive);
  audit.target = query.user ? `user:${query.user}` : "audit";
  const cursorFor = query.user === undefined ? "all" : `user:${query.user}`;
  const cursor = query.cursor ? await cursors.decode(query.cursor, CursorSchema) : undefined;
  if (cursor && cursor.for !== cursorFor) {
    throw new ApiError(
      "VALIDATION_FAILED",
      "The cursor belongs to another listing.",
      [{ path: "cursor", message: "invalid cursor" }],
      400,
    );
  }

  if (query.user !== undefined) {
    const { items, lastKey } = await ports.queryAudit({
      userId: query.user,
      fromKey,
      toKey,
      limit: query.limit,
      ...(cursor?.key ? { startKey: cursor.key } : {}),
    });
    return {
      items: items.map(fromAuditItem),
      nextCursor: lastKey ? await cursors.encode({ for: cursorFor, key: lastKey }) : null,
    };
  }

  const lastMonth = fromKey.slice(0, 7);
  let month = cursor?.month ?? (toExclusive ? toKey.slice(0, 7) : now.toISOString().slice(0, 7));
  let startKey = cursor?.key;
  let walked = 0;
  const items: AuditEntry[] = [];
  while (month >= lastMonth) {
    const page = await ports.queryAudit({
      month,
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
