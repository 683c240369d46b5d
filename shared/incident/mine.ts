import * as z from "zod";
import type { Principal } from "../auth/claims.ts";
import type { Cursors } from "../http/cursor.ts";
import { ApiError } from "../http/errors.ts";
import type { AuditNote } from "../http/handler.ts";
import { type Page, parseListQuery } from "../http/list-query.ts";
import type { ListingSummary } from "./summary.ts";

/** An intake receipt as the officer's index holds it: the summary and the head of its versions. */
export interface ReceiptListing extends Partial<ListingSummary> {
  /** The incident key (the id lower-cased). */
  incidentId: string;
  officerId: string;
  receivedAt: string;
  /** Absent: 1. */
  currentVersion?: number;
  /** Absent: active. */
  status?: "active" | "voided";
}

/** One page of the officer's receipts, newest `receivedAt` first. */
export interface ReceiptQuery {
  officerId: string;
  limit: number;
  startKey?: Record<string, string>;
}

export interface MyIncidentsPorts {
  queryReceipts(query: ReceiptQuery): Promise<{
    receipts: ReceiptListing[];
    lastKey: Record<string, string> | undefined;
  }>;
}

/** An item of "my reports" (contracts section 7). */
export interface MyIncidentItem {
  incidentId: string;
  occurredAt: string | null;
  schoolId: string | null;
  category: string | null;
  students: number | null;
  receivedAt: string;
  version: number;
  status: "active" | "voided";
}

const CursorSchema = z.strictObject({
  incidentId: z.string().max(64),
  officerId: z.string().max(256),
  receivedAt: z.string().max(64),
});

/**
 * With `from`/`to` the index (ordered by `receivedAt`) is read a page of
 * this many at a time and filtered on `occurredAt` here: a correction may
 * move `occurredAt` anywhere, so no key range can stand in for the filter.
 */
const FILTERED_PAGE = 200;
/** Pages read for one answer at most; past them the answer is short and carries a cursor. */
const MAX_PAGES = 5;

const itemOf = (receipt: ReceiptListing): MyIncidentItem => ({
  incidentId: receipt.incidentId,
  // A receipt from before listing summaries existed has none: shown as unknown.
  occurredAt: receipt.occurredAt ?? null,
  schoolId: receipt.schoolId ?? null,
  category: receipt.category ?? null,
  students: receipt.studentCount ?? null,
  receivedAt: receipt.receivedAt,
  version: receipt.currentVersion ?? 1,
  status: receipt.status ?? "active",
});

const keyOf = (receipt: ReceiptListing) => ({
  incidentId: receipt.incidentId,
  officerId: receipt.officerId,
  receivedAt: receipt.receivedAt,
});

/**
 * GET /me/incidents: the officer's own submissions, newest `receivedAt`
 * first, from the intake receipts' officer index, so a report is listed
 * the moment intake accepts it. `from`/`to` filter on `occurredAt`.
 */
export const listMyIncidents = async (
  parameters: Record<string, string | undefined> | undefined,
  principal: Principal,
  audit: AuditNote,
  ports: MyIncidentsPorts,
  cursors: Cursors,
): Promise<Page<MyIncidentItem>> => {
  if (principal.role !== "sro") {
    throw new ApiError("FORBIDDEN", "Only officers have reports of their own to list.");
  }
  const query = parseListQuery(parameters, {});
  audit.target = "own";
  let startKey: Record<string, string> | undefined = query.cursor
    ? await cursors.decode(query.cursor, CursorSchema)
    : undefined;
  if (startKey && startKey.officerId !== principal.userId) {
    throw new ApiError(
      "VALIDATION_FAILED",
      "The cursor belongs to another listing.",
      [{ path: "cursor", message: "invalid cursor" }],
      400,
    );
  }
  const from = query.fromInstant?.getTime() ?? Number.NEGATIVE_INFINITY;
  const to = query.toExclusive?.getTime() ?? Number.POSITIVE_INFINITY;
  const filtered = query.fromInstant !== undefined || query.toExclusive !== undefined;
  const inPeriod = (receipt: ReceiptListing) => {
    if (!filtered) return true;
    const at = receipt.occurredAt === undefined ? Number.NaN : Date.parse(receipt.occurredAt);
    return at >= from && at < to;
  };
  const items: MyIncidentItem[] = [];
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const remaining = query.limit - items.length;
    const { receipts, lastKey } = await ports.queryReceipts({
      officerId: principal.userId,
      limit: filtered ? FILTERED_PAGE : remaining,
      ...(startKey ? { startKey } : {}),
    });
    for (const [index, receipt] of receipts.entries()) {
      if (!inPeriod(receipt)) continue;
      items.push(itemOf(receipt));
      if (items.length === query.limit) {
        const exhausted = index === receipts.length - 1 && lastKey === undefined;
        return { items, nextCursor: exhausted ? null : await cursors.encode(keyOf(receipt)) };
      }
    }
    if (!lastKey) return { items, nextCursor: null };
    startKey = lastKey;
  }
  return { items, nextCursor: await cursors.encode(startKey) };
};
