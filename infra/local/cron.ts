/**
 * EventBridge Scheduler cron expressions, `cron(minutes hours day-of-month
 * month day-of-week year)`, matched against a wall-clock time: enough for
 * the local stack to run the report schedule the deployed stack runs.
 * Fields take `*`, `?`, numbers, ranges `a-b`, lists `a,b` and steps `x/n`;
 * day-of-week takes 1-7 (SUN=1) or SUN-SAT.
 */
const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

const fieldMatches = (field: string, value: number, min: number, max: number): boolean => {
  if (field === "*" || field === "?") return true;
  return field.split(",").some((part) => {
    const [range, stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`bad step in cron field ${field}`);
    const [low, upper] = range === "*" ? [min, max] : (range ?? "").split("-").map(Number);
    const high = upper ?? (stepText === undefined ? low : max);
    if (
      low === undefined ||
      high === undefined ||
      !Number.isInteger(low) ||
      !Number.isInteger(high)
    ) {
      throw new Error(`bad cron field ${field}`);
    }
    return value >= low && value <= high && (value - low) % step === 0;
  });
};

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 1 = Sunday, as EventBridge counts. */
  weekday: number;
}

export const parseCron = (expression: string) => {
  const fields = /^cron\((.+)\)$/.exec(expression.trim())?.[1]?.trim().split(/\s+/);
  if (fields?.length !== 6)
    throw new Error("expected cron(minutes hours day-of-month month day-of-week year)");
  const [minutes, hours, days, months, weekdays, years] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const weekdayField = weekdays.replace(/[A-Z]{3}/gi, (name) =>
    String(DAY_NAMES.indexOf(name.toUpperCase()) + 1),
  );
  const matches = (clock: WallClock) =>
    fieldMatches(minutes, clock.minute, 0, 59) &&
    fieldMatches(hours, clock.hour, 0, 23) &&
    fieldMatches(days, clock.day, 1, 31) &&
    fieldMatches(months, clock.month, 1, 12) &&
    fieldMatches(weekdayField, clock.weekday, 1, 7) &&
    fieldMatches(years, clock.year, 1970, 2199);
  // Parse every field once now, so a bad expression fails at start.
  matches({ year: 2026, month: 1, day: 1, hour: 0, minute: 0, weekday: 5 });
  return { matches };
};

export const wallClockIn = (instant: Date, timeZone: string): WallClock => {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      weekday: "short",
    })
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: DAY_NAMES.indexOf(String(parts.weekday).toUpperCase()) + 1,
  };
};
