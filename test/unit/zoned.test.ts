import { describe, expect, it } from "vitest";
import { calendarDate, nextDate, startOfDay } from "../../shared/time/zoned.ts";

describe("calendar dates in a time zone", () => {
  it.each([
    ["2026-02-03", "America/Los_Angeles", "2026-02-03T08:00:00.000Z"],
    ["2026-03-08", "America/Los_Angeles", "2026-03-08T08:00:00.000Z"],
    ["2026-03-09", "America/Los_Angeles", "2026-03-09T07:00:00.000Z"],
    ["2026-11-01", "America/Los_Angeles", "2026-11-01T07:00:00.000Z"],
    ["2026-02-03", "Asia/Kolkata", "2026-02-02T18:30:00.000Z"],
    ["2026-02-03", "UTC", "2026-02-03T00:00:00.000Z"],
    // Clocks spring forward at midnight: the day begins at 01:00.
    ["2024-09-08", "America/Santiago", "2024-09-08T04:00:00.000Z"],
    ["2024-03-10", "America/Havana", "2024-03-10T05:00:00.000Z"],
  ])("%s in %s begins at %s", (date, zone, instant) => {
    const start = startOfDay(date, zone);
    expect(start.toISOString()).toBe(instant);
    expect(calendarDate(start, zone)).toBe(date);
    expect(calendarDate(new Date(start.getTime() - 1), zone)).not.toBe(date);
  });

  it("is exact where a zone changed clocks at an odd minute", () => {
    // St. John's fell back at 00:01 local until 2011: 02:35Z was 23:05 the day before.
    expect(calendarDate("2010-11-07T02:35:00Z", "America/St_Johns")).toBe("2010-11-06");
    expect(calendarDate("2010-11-07T03:35:00Z", "America/St_Johns")).toBe("2010-11-07");
  });

  it("steps to the next date across months and years", () => {
    expect(nextDate("2025-12-31")).toBe("2026-01-01");
    expect(nextDate("2024-02-28")).toBe("2024-02-29");
  });
});
