import { describe, expect, it } from "vitest";
import { type AuditItem, toAuditItem } from "../../shared/audit/entry.ts";
import type { AuditQuery } from "../../shared/audit/list.ts";
import { listAudit, MAX_MONTHS_PER_PAGE } from "../../shared/audit/list.ts";
import type { Principal } from "../../shared/auth/claims.ts";
import { cursorsFor } from "../../shared/http/cursor.ts";
import { ApiError } from "../../shared/http/errors.ts";

const custodian: Principal = { userId: "c1", role: "records_custodian", schoolIds: new Set() };
const now = new Date("2026-11-23T12:00:00Z");
/** One binding for every call: the listing check inside listAudit is what these tests exercise. */
const cursors = cursorsFor(async () => Buffer.alloc(32, 7), {
  list: "audit",
  principal: custodian,
  parameters: {},
});

/** The audit table's key order over plain items; the real table is exercised through HTTP. */
const memoryAudit = (items: AuditItem[]) => {
  const queries: AuditQuery[] = [];
  return {
    queries,
    ports: {
      now: () => now,
      queryAudit: async (query: AuditQuery) => {
        queries.push(query);
        const matching = items
          .filter((item) =>
            query.userId ? item.userId === query.userId : item.month === query.month,
          )
          .filter((item) => item.entryKey >= query.fromKey && item.entryKey <= query.toKey)
          .sort((a, b) => (a.entryKey < b.entryKey ? 1 : -1))
          .filter((item) => !query.startKey || item.entryKey < query.startKey.entryKey!);
        const page = matching.slice(0, query.limit);
        const more = matching.length > query.limit;
        return {
          items: page,
          lastKey: more
            ? { month: page.at(-1)!.month, entryKey: page.at(-1)!.entryKey }
            : undefined,
        };
      },
    },
  };
};

const entry = (at: string, userId = "u1") =>
  toAuditItem({
    at,
    userId,
    role: "district_analyst",
    action: "incident.read",
    outcome: "allowed",
  });

describe("listAudit", () => {
  const items = [
    entry("2026-11-20T10:00:00.000Z"),
    entry("2026-10-02T10:00:00.000Z", "u2"),
    entry("2026-09-15T10:00:00.000Z"),
    entry("2025-12-31T23:00:00.000Z"),
  ];

  it("walks month partitions newest first across pages without repeats", async () => {
    const memory = memoryAudit(items);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await listAudit(
        { limit: "1", ...(cursor ? { cursor } : {}) },
        custodian,
        { action: "audit.read" },
        memory.ports,
        cursors,
      );
      seen.push(...page.items.map((item) => item.at));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(items.map((item) => item.at));
  });

  it("never walks past now or the retention, and at most a bounded number of months a page", async () => {
    const memory = memoryAudit([]);
    const page = await listAudit(
      { from: "2000-01-01", to: "2099-12-31" },
      custodian,
      { action: "audit.read" },
      memory.ports,
      cursors,
    );
    // The default retention is 730 days: 25 month partitions from now back.
    expect(memory.queries.map((query) => query.month)[0]).toBe("2026-11");
    expect(memory.queries).toHaveLength(25);
    expect(page).toEqual({ items: [], nextCursor: null });

    process.env.AUDIT_RETENTION_DAYS = "3650";
    try {
      const long = memoryAudit([]);
      const first = await listAudit({}, custodian, { action: "audit.read" }, long.ports, cursors);
      expect(long.queries).toHaveLength(MAX_MONTHS_PER_PAGE);
      expect(first.nextCursor).not.toBeNull();
    } finally {
      delete process.env.AUDIT_RETENTION_DAYS;
    }
  });

  it("refuses a cursor from another listing", async () => {
    const memory = memoryAudit(items);
    const page = await listAudit(
      { limit: "1", user: "u1" },
      custodian,
      { action: "audit.read" },
      memory.ports,
      cursors,
    );
    expect(page.nextCursor).not.toBeNull();
    const reused = listAudit(
      { limit: "1", cursor: page.nextCursor! },
      custodian,
      { action: "audit.read" },
      memory.ports,
      cursors,
    );
    await expect(reused).rejects.toMatchObject({ code: "VALIDATION_FAILED", status: 400 });
  });

  it("filters by user through the by-user index", async () => {
    const memory = memoryAudit(items);
    const page = await listAudit(
      { user: "u2" },
      custodian,
      { action: "audit.read" },
      memory.ports,
      cursors,
    );
    expect(page.items.map((item) => item.userId)).toEqual(["u2"]);
    expect(memory.queries[0]!.userId).toBe("u2");
  });

  it("is for records custodians only", async () => {
    const analyst: Principal = { ...custodian, role: "district_analyst" };
    await expect(
      listAudit({}, analyst, { action: "audit.read" }, memoryAudit([]).ports, cursors),
    ).rejects.toBeInstanceOf(ApiError);
  });
});
