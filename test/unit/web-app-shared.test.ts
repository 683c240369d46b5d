import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nameCandidates } from "../../shared/privacy/name-candidates.ts";
import { zonedDateTimeToIso, zonedWallClock } from "../../shared/time/zoned.ts";

/**
 * The shared code the web app runs on the officer's phone: the names check
 * before submit, and occurredAt sent with the district zone's offset.
 */

describe("the names check", () => {
  it("offers unlisted capitalised words, not sentence starts, listed names or common words", () => {
    expect(
      nameCandidates(
        "Ms. Park asked me to separate Marisol and another student. Devon saw it. " +
          "Then Jordan Smith ran to the Gym on Monday. Coach Baker came.",
        [{ firstName: "Marisol", lastName: "Quintero" }, { firstName: "Devon" }],
      ),
    ).toEqual([
      { text: "Park", lastName: "Park" },
      { text: "Jordan Smith", firstName: "Jordan", lastName: "Smith" },
      { text: "Baker", lastName: "Baker" },
    ]);
  });

  it("treats a listed name as listed however it is written", () => {
    const listed = [{ firstName: "Mary-Jane", lastName: "D'Angelo" }];
    expect(
      nameCandidates("I spoke with Mary Jane DAngelo and then with D’Angelo.", listed),
    ).toEqual([]);
  });

  it("offers each name once", () => {
    expect(nameCandidates("I saw Reyes. I saw Reyes again, and Reyes ran.", [])).toEqual([
      { text: "Reyes", firstName: "Reyes" },
    ]);
  });

  it("never offers a listed person, whatever the narrative around them", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("Alondra", "Zhao", "Oluwaseun", "Bjørn"),
        fc.string({ maxLength: 200 }),
        fc.string({ maxLength: 200 }),
        (name, before, after) => {
          const found = nameCandidates(`${before} and ${name} ${after}`, [{ firstName: name }]);
          return found.every((candidate) => candidate.text !== name);
        },
      ),
    );
  });

  it("finishes quickly on hostile narratives of the maximum length", () => {
    const hostile = [
      "A".repeat(8000),
      "Aa ".repeat(2666),
      "Mr. ".repeat(2000),
      "'-".repeat(4000),
      `${"x".repeat(7990)}Zz`,
    ];
    const people = Array.from({ length: 120 }, (_, index) => ({
      firstName: `N${"a".repeat(60)}${index}`,
      lastName: "'".repeat(24),
    }));
    for (const narrative of hostile) {
      const started = performance.now();
      nameCandidates(narrative, people);
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });

  it("returns only words of the narrative, for any text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (narrative) =>
        nameCandidates(narrative, []).every((candidate) =>
          candidate.text.split(" ").every((word) => narrative.includes(word)),
        ),
      ),
    );
  });
});

describe("occurredAt from a datetime-local control", () => {
  it.each([
    ["2026-02-03T10:15", "America/Los_Angeles", "2026-02-03T10:15:00-08:00"],
    ["2026-07-03T10:15", "America/Los_Angeles", "2026-07-03T10:15:00-07:00"],
    // Clocks fall back: the earlier instant of the repeated hour.
    ["2026-11-01T01:30", "America/Los_Angeles", "2026-11-01T01:30:00-07:00"],
    // Clocks spring forward: a skipped time moves on by the gap.
    ["2026-03-08T02:30", "America/Los_Angeles", "2026-03-08T03:30:00-07:00"],
    ["2026-02-03T10:15", "Asia/Kolkata", "2026-02-03T10:15:00+05:30"],
    ["2026-02-03T10:15", "UTC", "2026-02-03T10:15:00+00:00"],
  ])("%s in %s is %s", (local, zone, iso) => {
    expect(zonedDateTimeToIso(local, zone)).toBe(iso);
  });

  it.each([
    "",
    "2026-02-30T10:00",
    "2026-02-03T24:00",
    "2026-02-03T10:60",
    "2026-02-03 10:15",
    "2026-02-03T10:15Z",
    "<script>",
    "9".repeat(10_000),
  ])("refuses %j", (local) => {
    expect(zonedDateTimeToIso(local, "America/Los_Angeles")).toBeUndefined();
  });

  it("round-trips every minute's wall clock in the district's zone", () => {
    fc.assert(
      fc.property(
        fc.integer({
          min: Date.parse("2000-01-01T00:00:00Z") / 60_000,
          max: Date.parse("2040-01-01T00:00:00Z") / 60_000,
        }),
        fc.constantFrom(
          "America/Los_Angeles",
          "America/New_York",
          "Asia/Kolkata",
          "Australia/Lord_Howe",
          "UTC",
        ),
        (minute, zone) => {
          const instant = new Date(minute * 60_000);
          const wall = zonedWallClock(instant, zone);
          const iso = zonedDateTimeToIso(wall, zone)!;
          // The same wall clock back; the same instant except in a repeated hour.
          expect(iso.slice(0, 16)).toBe(wall);
          const back = Date.parse(iso);
          expect(back === instant.getTime() || back < instant.getTime()).toBe(true);
        },
      ),
    );
  });
});
