import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AuditItem, toAuditItem } from "../../shared/audit/entry.ts";
import type { AuditQuery } from "../../shared/audit/list.ts";
import { listAudit, MAX_MONTHS_PER_PAGE, MAX_QUERIES_PER_PAGE } from "../../shared/audit/list.ts";
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
        // DynamoDB's order: the key range first, Limit on what it reads, the filter after.
        const inRange = items
          .filter((item) => item[query.partition.by] === query.partition.value)
          .filter((item) => item.entryKey >= query.fromKey && item.entryKey <= query.toKey)
          .sort((a, b) => (a.entryKey < b.entryKey ? 1 : -1))
          .filter((item) => !query.startKey || item.entryKey < query.startKey.entryKey!);
        const read = inRange.slice(0, query.limit);
        const more = inRange.length > query.limit;
        const last = read.at(-1);
        return {
          items: read.filter((item) =>
            Object.entries(query.filter).every(
              ([name, value]) => item[name as keyof AuditItem] === value,
            ),
          ),
          lastKey:
            more && last
              ? {
                  month: last.month,
                  entryKey: last.entryKey,
                  ...(query.partition.by === "month"
                    ? {}
                    : { [query.partition.by]: query.partition.value }),
                }
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
    expect(memory.queries.map((query) => query.partition.value)[0]).toBe("2026-11");
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
    expect(memory.queries[0]!.partition).toEqual({ by: "userId", value: "u2" });
  });

  it("is for records custodians only", async () => {
    const analyst: Principal = { ...custodian, role: "district_analyst" };
    await expect(
      listAudit({}, analyst, { action: "audit.read" }, memoryAudit([]).ports, cursors),
    ).rejects.toBeInstanceOf(ApiError);
  });
});

describe("listAudit searches", () => {
  const note = () => ({ action: "audit.read" });
  const make = (at: string, userId: string, action: string, target?: string) =>
    toAuditItem({
      at,
      userId,
      role: "records_custodian",
      action,
      ...(target ? { target } : {}),
      outcome: "allowed",
    });

  /** Every page of one search, following cursors; at most `pages` pages. */
  const allPages = async (
    memory: ReturnType<typeof memoryAudit>,
    parameters: Record<string, string>,
    pages = 1000,
  ) => {
    const bound = cursorsFor(async () => Buffer.alloc(32, 7), {
      list: "audit",
      principal: custodian,
      parameters,
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    let count = 0;
    do {
      const page = await listAudit(
        { ...parameters, ...(cursor ? { cursor } : {}) },
        custodian,
        note(),
        memory.ports,
        bound,
      );
      seen.push(...page.items.map((item) => item.at));
      cursor = page.nextCursor;
    } while (cursor && ++count < pages);
    return seen;
  };

  it("reads the most selective index: target, then user, then action, the rest as filters", async () => {
    const memory = memoryAudit([]);
    await listAudit(
      { user: "u1", action: "incident.read", target: "abc" },
      custodian,
      note(),
      memory.ports,
      cursors,
    );
    await listAudit(
      { user: "u1", action: "incident.read" },
      custodian,
      note(),
      memory.ports,
      cursors,
    );
    await listAudit({ action: "incident.read" }, custodian, note(), memory.ports, cursors);
    expect(memory.queries.map(({ partition, filter }) => [partition, filter])).toEqual([
      [
        { by: "target", value: "abc" },
        { userId: "u1", action: "incident.read" },
      ],
      [{ by: "userId", value: "u1" }, { action: "incident.read" }],
      [{ by: "action", value: "incident.read" }, {}],
    ]);
  });

  it("bounds the reads of one filtered page and continues from its cursor", async () => {
    // One match under many entries of the same user: the page ends early with a cursor.
    const items = Array.from({ length: 40 }, (_, index) =>
      make(
        `2026-11-${String(20 - Math.floor(index / 4)).padStart(2, "0")}T0${index % 4}:00:00.000Z`,
        "u1",
        "report.list",
      ),
    );
    items.push(make("2026-11-01T00:00:00.000Z", "u1", "incident.read", "t1"));
    const memory = memoryAudit(items);
    const first = await listAudit(
      { user: "u1", action: "incident.read", limit: "2" },
      custodian,
      note(),
      memory.ports,
      cursors,
    );
    expect(memory.queries).toHaveLength(MAX_QUERIES_PER_PAGE);
    expect(first.items).toEqual([]);
    expect(first.nextCursor).not.toBeNull();
  });

  it("finds exactly the matching entries, newest first, across pages, for any filter and page size", async () => {
    const users = ["u1", "u2", "u3"];
    const actions = ["incident.read", "incident.read_unredacted", "audit.read"];
    const targets = ["t1", "t2", undefined];
    const entryArbitrary = fc.record({
      day: fc.integer({ min: 0, max: 400 }),
      second: fc.integer({ min: 0, max: 86_399 }),
      user: fc.constantFrom(...users),
      action: fc.constantFrom(...actions),
      target: fc.constantFrom(...targets),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(entryArbitrary, { maxLength: 60 }),
        fc.record({
          user: fc.option(fc.constantFrom(...users), { nil: undefined }),
          action: fc.option(fc.constantFrom(...actions), { nil: undefined }),
          target: fc.option(fc.constantFrom("t1", "t2"), { nil: undefined }),
        }),
        fc.integer({ min: 1, max: 7 }),
        async (entries, search, limit) => {
          const items = entries.map(({ day, second, user, action, target }) =>
            make(
              new Date(now.getTime() - day * 86_400_000 - second * 1000).toISOString(),
              user,
              action,
              target,
            ),
          );
          const parameters = Object.fromEntries(
            Object.entries({ ...search, limit: String(limit) }).filter(([, v]) => v !== undefined),
          ) as Record<string, string>;
          const seen = await allPages(memoryAudit(items), parameters);
          const expected = items
            .filter(
              (item) =>
                (search.user === undefined || item.userId === search.user) &&
                (search.action === undefined || item.action === search.action) &&
                (search.target === undefined || item.target === search.target),
            )
            .sort((a, b) => (a.entryKey < b.entryKey ? 1 : -1))
            .map((item) => item.at);
          expect(seen).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("refuses malformed and hostile search values with a 400 that never quotes them", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("action", "target", "user"),
        fc.oneof(
          fc.string({ minLength: 257, maxLength: 600 }),
          fc.constantFrom(
            "",
            "Incident.Read",
            "a..b",
            "x\ny",
            "<script>",
            "a\u0000b",
            "=cmd|' /C calc'!A0",
          ),
          fc.string({ unit: "binary", maxLength: 80 }),
        ),
        async (name, value) => {
          try {
            const page = await listAudit(
              { [name]: value },
              custodian,
              note(),
              memoryAudit([]).ports,
              cursors,
            );
            // Accepted values are plain text the filters compare; nothing else happens.
            expect(page.items).toEqual([]);
          } catch (error) {
            expect(error).toBeInstanceOf(ApiError);
            const apiError = error as ApiError;
            expect(apiError.status).toBe(400);
            if (value.length >= 3) expect(JSON.stringify(apiError)).not.toContain(value);
            expect(apiError.message).not.toContain(value || "\u0001");
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
