import { describe, expect, it } from "vitest";
import { DELETE_WINDOW_HOURS, deleteActivity } from "../../shared/activity/delete.ts";
import type { StoredActivity } from "../../shared/activity/model.ts";
import { recordActivity } from "../../shared/activity/record.ts";
import { validateActivity } from "../../shared/activity/schema.ts";
import type { Principal } from "../../shared/auth/claims.ts";
import { ApiError } from "../../shared/http/errors.ts";
import { summarizeActivities } from "../../shared/report/activities.ts";
import type { ReportRequest } from "../../shared/report/request.ts";

const officer: Principal = { userId: "officer-1", role: "sro", schoolIds: new Set(["LIN-HS"]) };
const HOUR = 3_600_000;
const recordedAt = new Date("2026-03-01T12:00:00.000Z");

/** One activity held in memory, with a clock the test moves. */
const memoryStore = () => {
  const items = new Map<string, StoredActivity>();
  let clock = recordedAt;
  return {
    items,
    setClock: (at: Date) => {
      clock = at;
    },
    ports: {
      now: () => clock,
      putActivity: async (activity: StoredActivity) => {
        const existing = items.get(activity.activityId);
        if (existing) return existing;
        items.set(activity.activityId, structuredClone(activity));
        return undefined;
      },
      getActivity: async (key: string) => items.get(key),
      markDeleted: async (key: string, authorId: string, at: string) => {
        const item = items.get(key);
        if (!item?.dateKey || item.authorId !== authorId) return false;
        delete item.dateKey;
        item.deletedAt = at;
        return true;
      },
    },
  };
};

const activity = () =>
  validateActivity({
    activityId: crypto.randomUUID().toUpperCase(),
    schoolId: "LIN-HS",
    date: "2026-02-27",
    type: "safety_planning_or_drill",
    minutes: 60,
  });

const statusOf = async (operation: Promise<unknown>) => {
  try {
    await operation;
    return 204;
  } catch (thrown) {
    if (thrown instanceof ApiError) return thrown.status;
    throw thrown;
  }
};

describe("deleting an activity", () => {
  it("is allowed up to 720 hours after recording, on the server's clock, and refused after", async () => {
    for (const [hours, status] of [
      [0, 204],
      [DELETE_WINDOW_HOURS, 204],
      [DELETE_WINDOW_HOURS + 1 / 3600, 403],
      [DELETE_WINDOW_HOURS * 2, 403],
    ] as const) {
      const store = memoryStore();
      const recorded = activity();
      await recordActivity(recorded, officer, store.ports);
      store.setClock(new Date(recordedAt.getTime() + hours * HOUR));
      const audit = { action: "activity.delete" };
      expect(await statusOf(deleteActivity(recorded.activityId, officer, audit, store.ports))).toBe(
        status,
      );
      expect(audit).toEqual({
        action: "activity.delete",
        target: recorded.activityId.toLowerCase(),
      });
    }
  });

  it("answers 404 to another officer and to a second delete, 403 to other roles", async () => {
    const store = memoryStore();
    const recorded = activity();
    await recordActivity(recorded, officer, store.ports);
    const other: Principal = { ...officer, userId: "officer-2" };
    const note = () => ({ action: "activity.delete" });
    expect(await statusOf(deleteActivity(recorded.activityId, other, note(), store.ports))).toBe(
      404,
    );
    const admin: Principal = { ...officer, role: "school_admin" };
    expect(await statusOf(deleteActivity(recorded.activityId, admin, note(), store.ports))).toBe(
      403,
    );
    expect(await statusOf(deleteActivity(recorded.activityId, officer, note(), store.ports))).toBe(
      204,
    );
    expect(await statusOf(deleteActivity(recorded.activityId, officer, note(), store.ports))).toBe(
      404,
    );
    // A repeat of the original submission may not bring it back.
    expect(await statusOf(recordActivity(recorded, officer, store.ports))).toBe(409);
  });
});

describe("recording an activity", () => {
  it("treats an id in either letter case as the same id", async () => {
    const store = memoryStore();
    const recorded = activity();
    await recordActivity(recorded, officer, store.ports);
    const lower = { ...recorded, activityId: recorded.activityId.toLowerCase() };
    expect(await recordActivity(lower, officer, store.ports)).toEqual({
      activityId: lower.activityId,
      repeat: true,
    });
    expect(store.items.size).toBe(1);
  });
});

describe("a report's activities", () => {
  const facts = async function* () {
    yield { schoolId: "B", date: "2025-09-30", type: "other", minutes: 5 } as const;
    yield { schoolId: "A", date: "2025-09-01", type: "campus_patrol", minutes: 60 } as const;
    yield { schoolId: "A", date: "2025-09-02", type: "campus_patrol", minutes: 30 } as const;
    yield { schoolId: "A", date: "2025-10-01", type: "other", minutes: 999 } as const;
  };
  const request = (scope: ReportRequest["scope"], isPublic = false) =>
    ({
      period: { from: "2025-09-01", to: "2025-09-30" },
      scope,
      parameters: { public: isPublic },
    }) as Pick<ReportRequest, "period" | "scope" | "parameters">;

  it("totals the period's activities by type and by school, types in the contract's order", async () => {
    const summary = await summarizeActivities(request({ level: "district" }), facts());
    expect(summary).toEqual({
      byType: { campus_patrol: { count: 2, minutes: 90 }, other: { count: 1, minutes: 5 } },
      bySchool: [
        { schoolId: "A", byType: { campus_patrol: { count: 2, minutes: 90 } } },
        { schoolId: "B", byType: { other: { count: 1, minutes: 5 } } },
      ],
    });
    expect(Object.keys(summary.byType)).toEqual(["campus_patrol", "other"]);
  });

  it("keeps a school report to its school, and gives a public report the district's totals only", async () => {
    const school = await summarizeActivities(request({ level: "school", schoolId: "B" }), facts());
    expect(school.byType).toEqual({ other: { count: 1, minutes: 5 } });
    expect(school.bySchool?.map((entry) => entry.schoolId)).toEqual(["B"]);
    const published = await summarizeActivities(request({ level: "district" }, true), facts());
    expect(published).toEqual({
      byType: { campus_patrol: { count: 2, minutes: 90 }, other: { count: 1, minutes: 5 } },
    });
  });
});
