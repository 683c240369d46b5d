import { describe, expect, it } from "vitest";
import { parseCron, wallClockIn } from "../../infra/local/cron.ts";

describe("the local report schedule", () => {
  const at = (iso: string) => wallClockIn(new Date(iso), "America/Los_Angeles");

  it("runs the default schedule on the 1st at 06:00 in the district's zone", () => {
    const { matches } = parseCron("cron(0 6 1 * ? *)");
    expect(matches(at("2026-02-01T14:00:00Z"))).toBe(true); // 06:00 PST
    expect(matches(at("2026-07-01T13:00:00Z"))).toBe(true); // 06:00 PDT
    expect(matches(at("2026-02-01T06:00:00Z"))).toBe(false);
    expect(matches(at("2026-02-02T14:00:00Z"))).toBe(false);
  });

  it("reads lists, ranges, steps and day names", () => {
    expect(parseCron("cron(*/15 8-17 ? * MON-FRI *)").matches(at("2026-11-23T17:30:00Z"))).toBe(
      true,
    );
    expect(parseCron("cron(*/15 8-17 ? * MON-FRI *)").matches(at("2026-11-22T17:30:00Z"))).toBe(
      false,
    );
    expect(parseCron("cron(0 6 1,15 1/3 ? *)").matches(at("2026-04-15T13:00:00Z"))).toBe(true);
  });

  it("refuses what it cannot read", () => {
    expect(() => parseCron("rate(1 day)")).toThrow();
    expect(() => parseCron("cron(0 6 1 *)")).toThrow();
    expect(() => parseCron("cron(x 6 1 * ? *)")).toThrow();
  });
});
