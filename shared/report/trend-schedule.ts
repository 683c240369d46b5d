import { calendarDate } from "../time/zoned.ts";
import { type DistrictReportSettings, districtParameters } from "./api.ts";
import { partitionPeriods, publishableFrom, type ReportRequest, reportRequest } from "./request.ts";
import { previousSchoolYear, schoolYearOf } from "./schedule.ts";
import { type TrendRequest, trendRequest } from "./trend.ts";

/**
 * Years a scheduled trend covers: three, enough for `persistent` at its
 * longest (34 CFR 300.647(d)(1) waits up to three years) and for `progress`
 * (two year-over-year steps).
 */
export const SCHEDULED_TREND_YEARS = 3;

/**
 * The school years a scheduled run would put in the year's trend, newest
 * last: the last school year once its last period is publishable (the day
 * its public report is due), and the two before it. Empty on other days'
 * runs before then, and for the current school year, which has not ended.
 */
export const scheduledTrendYears = (now: Date, settings: DistrictReportSettings): string[] => {
  const today = calendarDate(now, settings.timeZone);
  const last = previousSchoolYear(schoolYearOf(today));
  const periods = partitionPeriods(last, settings.partition);
  if (today < publishableFrom(periods[periods.length - 1]!.to, settings.publicationDelayDays)) {
    return [];
  }
  const years = [last];
  while (years.length < SCHEDULED_TREND_YEARS) years.unshift(previousSchoolYear(years[0]!));
  return years;
};

/**
 * The year's public district trend, produced with the year's report: the
 * scheduled years from the oldest with enrollment on, each year after it
 * enrolled too (a trend's years are consecutive), at least two of them.
 * Each period is the public period request the schedule itself publishes,
 * so the trend copies exactly those reports.
 */
export const scheduledTrend = (
  now: Date,
  settings: DistrictReportSettings,
  enrolled: ReadonlySet<string>,
): { trend: TrendRequest; publicPeriods: ReportRequest[] } | undefined => {
  const candidates = scheduledTrendYears(now, settings);
  const years: string[] = [];
  for (const year of [...candidates].reverse()) {
    if (!enrolled.has(year)) break;
    years.unshift(year);
  }
  if (years.length < 2) return undefined;
  return publicTrendRequest(years, settings);
};

/**
 * A public trend over `schoolYears` with the district's parameters, and each
 * of its periods as the public period request it publishes with.
 */
export const publicTrendRequest = (
  schoolYears: readonly string[],
  settings: DistrictReportSettings,
  schoolId?: string,
): { trend: TrendRequest; publicPeriods: ReportRequest[] } => {
  const common = districtParameters(settings);
  const trend = trendRequest({
    schoolYears,
    schoolId,
    public: true,
    persistenceYears: settings.persistenceYears,
    ...common,
  });
  const publicPeriods = trend.periods.map((period) =>
    reportRequest({
      ...common,
      schoolYear: period.schoolYear,
      from: period.from,
      to: period.to,
      public: true,
    }),
  );
  return { trend, publicPeriods };
};
