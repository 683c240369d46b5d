import { calendarDate } from "../time/zoned.ts";
import { type DistrictReportSettings, districtParameters } from "./api.ts";
import {
  partitionPeriods,
  publishableFrom,
  type ReportRequest,
  reportRequest,
  schoolYearBounds,
} from "./request.ts";

/** The school year a date belongs to: July to June. */
export const schoolYearOf = (date: string): string => {
  const year = Number(date.slice(0, 4));
  const start = Number(date.slice(5, 7)) >= 7 ? year : year - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, "0")}`;
};

export const previousSchoolYear = (schoolYear: string) => {
  const start = Number(schoolYear.slice(0, 4)) - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, "0")}`;
};

/**
 * What a scheduled run computes on a given day (the district's calendar
 * date): the school-year-to-date internal report for the district and for
 * each school, and the public district report of every partition period, of
 * this school year or the last, whose publication delay has passed (each is
 * published once, so asking again is cheap).
 */
export const scheduledRequests = (
  now: Date,
  schoolIds: readonly string[],
  settings: DistrictReportSettings,
): ReportRequest[] => {
  const today = calendarDate(now, settings.timeZone);
  const schoolYear = schoolYearOf(today);
  const common = districtParameters(settings);
  const toDate = { schoolYear, from: schoolYearBounds(schoolYear).from, to: today };
  const requests = [
    reportRequest({ ...common, ...toDate }),
    ...schoolIds.map((schoolId) => reportRequest({ ...common, ...toDate, schoolId })),
  ];
  for (const year of [previousSchoolYear(schoolYear), schoolYear]) {
    for (const period of partitionPeriods(year, settings.partition)) {
      if (today >= publishableFrom(period.to, settings.publicationDelayDays)) {
        requests.push(reportRequest({ ...common, schoolYear: year, ...period, public: true }));
      }
    }
  }
  return requests;
};
