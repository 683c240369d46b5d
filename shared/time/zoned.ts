/**
 * Calendar dates in the district's IANA time zone, without a date library:
 * Intl gives a zone's wall-clock time for an instant, from which the offset
 * follows.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();
const formatterFor = (timeZone: string) => {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
};

export const isKnownTimeZone = (timeZone: string): boolean => {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
};

/** Wall-clock fields of an instant in a zone. */
const wallClock = (instant: number, timeZone: string) => {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return parts as Record<"year" | "month" | "day" | "hour" | "minute" | "second", number>;
};

const offsetMs = (instant: number, timeZone: string) => {
  const wall = wallClock(instant, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
};

/** The first instant of a calendar date (YYYY-MM-DD) in a zone. */
export const startOfDay = (date: string, timeZone: string): Date => {
  const [year, month, day] = date.split("-").map(Number);
  const midnightAsUtc = Date.UTC(year!, month! - 1, day!);
  const first = midnightAsUtc - offsetMs(midnightAsUtc, timeZone);
  const candidate = midnightAsUtc - offsetMs(first, timeZone);
  // Where clocks spring forward at midnight the day begins at 01:00, and the
  // first estimate, taken at the old offset, is the right instant.
  return new Date(calendarDate(new Date(candidate), timeZone) === date ? candidate : first);
};

const QUARTER_HOUR = 15 * 60 * 1000;
const offsetCaches = new Map<string, Map<number, number>>();

/**
 * A zone's offset at an instant, cached per quarter hour of UTC: nearly
 * every transition falls on one, so a report over a million incidents asks
 * Intl a few thousand times instead of a million. A quarter hour whose
 * start and end offsets differ is never cached.
 */
const cachedOffset = (instant: number, timeZone: string) => {
  let cache = offsetCaches.get(timeZone);
  if (!cache) {
    cache = new Map();
    offsetCaches.set(timeZone, cache);
  }
  const bucket = Math.floor(instant / QUARTER_HOUR);
  let offset = cache.get(bucket);
  if (offset === undefined) {
    // A bucket holding a transition (a few zones changed at odd minutes) is
    // marked NaN and always asked directly.
    const start = offsetMs(bucket * QUARTER_HOUR, timeZone);
    const end = offsetMs((bucket + 1) * QUARTER_HOUR - 1000, timeZone);
    offset = start === end ? start : Number.NaN;
    if (cache.size > 200_000) cache.clear();
    cache.set(bucket, offset);
  }
  return Number.isNaN(offset) ? offsetMs(instant, timeZone) : offset;
};

/** The calendar date (YYYY-MM-DD) of an instant in a zone. */
export const calendarDate = (instant: Date | string, timeZone: string): string => {
  const time = new Date(instant).getTime();
  return new Date(time + cachedOffset(time, timeZone)).toISOString().slice(0, 10);
};

/** The date after a calendar date. */
export const nextDate = (date: string): string => {
  const [year, month, day] = date.split("-").map(Number);
  return new Date(Date.UTC(year!, month! - 1, day! + 1)).toISOString().slice(0, 10);
};

export const isCalendarDate = (value: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [year, month, day] = value.split("-").map(Number);
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month! - 1 && date.getUTCDate() === day
  );
};

/**
 * A wall-clock date and time in a zone (`YYYY-MM-DDTHH:mm`, as a
 * datetime-local control gives it) as ISO 8601 with that zone's offset at
 * that instant. In the hour that clocks fall back the earlier instant is
 * taken; a time that clocks skip is moved forward by the gap, as a clock on
 * the wall would read it.
 */
export const zonedDateTimeToIso = (local: string, timeZone: string): string | undefined => {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!match || !isCalendarDate(local.slice(0, 10))) return undefined;
  const [hour, minute, second] = [Number(match[4]), Number(match[5]), Number(match[6] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const asUtc = Date.UTC(
    Number(match[1]),
    Number(match[2]) - 1,
    Number(match[3]),
    hour,
    minute,
    second,
  );
  const early = asUtc - offsetMs(asUtc - 12 * 3600 * 1000, timeZone);
  const late = asUtc - offsetMs(asUtc + 12 * 3600 * 1000, timeZone);
  const fits = (instant: number) => instant + offsetMs(instant, timeZone) === asUtc;
  const instant = fits(Math.min(early, late))
    ? Math.min(early, late)
    : fits(Math.max(early, late))
      ? Math.max(early, late)
      : asUtc - offsetMs(asUtc, timeZone);
  const offset = Math.round(offsetMs(instant, timeZone) / 60_000);
  const wall = new Date(instant + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset < 0 ? "-" : "+";
  const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, "0");
  const minutes = String(Math.abs(offset) % 60).padStart(2, "0");
  return `${wall}${sign}${hours}:${minutes}`;
};

/** An instant as a zone's wall clock, `YYYY-MM-DDTHH:mm` (what a datetime-local control shows). */
export const zonedWallClock = (instant: Date, timeZone: string): string => {
  const time = Math.floor(instant.getTime() / 60_000) * 60_000;
  return new Date(time + offsetMs(time, timeZone)).toISOString().slice(0, 16);
};

export const DEFAULT_TIME_ZONE = "America/Los_Angeles";
