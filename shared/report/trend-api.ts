import * as z from "zod";
import type { Principal } from "../auth/claims.ts";
import { ApiError } from "../http/errors.ts";
import type { AuditNote } from "../http/handler.ts";
import {
  checkPublicationDate,
  DISTRICT_PARAMETERS,
  type DistrictReportSettings,
  parseRequestBody,
  REQUEST_PARAMETER_FIELDS,
  refused,
  refuseSetInPublic,
  reportSummary,
} from "./api.ts";
import { ReportInputError, type ReportRequest } from "./request.ts";
import { MAX_TREND_YEARS, type TrendRequest, trendRequest } from "./trend.ts";
import { runTrend, type TrendPorts } from "./trend-run.ts";
import { publicTrendRequest } from "./trend-schedule.ts";

/** Whether a POST /reports body asks for a trend; anything else is a period request. */
export const isTrendBody = (body: unknown): boolean =>
  typeof body === "object" &&
  body !== null &&
  !Array.isArray(body) &&
  Object.hasOwn(body, "reportType") &&
  (body as { reportType?: unknown }).reportType === "trend";

const TrendBodySchema = z.strictObject({
  reportType: z.literal("trend"),
  // Longer lists are refused by trendRequest with the contract's message; this only bounds the parse.
  schoolYears: z.array(z.string().max(16)).max(MAX_TREND_YEARS + 1),
  ...REQUEST_PARAMETER_FIELDS,
  persistenceYears: z.number().optional(),
});

/** What a public trend may not set: it uses the district's, as every public report does. */
const PUBLIC_TREND_FIXED = [...DISTRICT_PARAMETERS, "persistenceYears"] as const;

export interface ParsedTrendRequest {
  trend: TrendRequest;
  /** A public trend's periods as public period requests, each checked publishable. */
  publicPeriods?: ReportRequest[];
}

/**
 * The trend request of POST /reports (contracts section 9). An internal
 * trend takes the parameters it gives (the district's fill the rest); a
 * public one takes the district's, covers the district by its publication
 * partition, and is refused if any of its periods is not yet publishable.
 */
export const parseTrendRequest = (
  body: unknown,
  settings: DistrictReportSettings,
  now: Date,
): ParsedTrendRequest => {
  const { reportType: _type, ...data } = parseRequestBody(TrendBodySchema, body, "trend");
  try {
    if (data.public !== true) {
      return {
        trend: trendRequest({
          timeZone: settings.timeZone,
          partition: settings.partition,
          persistenceYears: settings.persistenceYears,
          ...data,
        }),
      };
    }
    refuseSetInPublic(data, PUBLIC_TREND_FIXED, "trend");
    const { trend, publicPeriods } = publicTrendRequest(data.schoolYears, settings, data.schoolId);
    // All are checked before any is published: a refused trend publishes nothing.
    for (const request of publicPeriods) checkPublicationDate(request, settings, now);
    return { trend, publicPeriods };
  } catch (error) {
    if (error instanceof ReportInputError) throw refused(error);
    throw error;
  }
};

/** POST /reports with reportType trend: a district analyst runs a trend. */
export const createTrend = async (
  body: unknown,
  principal: Principal,
  audit: AuditNote,
  ports: TrendPorts,
  settings: DistrictReportSettings,
) => {
  if (principal.role !== "district_analyst") {
    throw new ApiError("FORBIDDEN", "Only a district analyst may run reports.");
  }
  const { trend, publicPeriods } = parseTrendRequest(body, settings, ports.now());
  audit.target = `trend:${trend.schoolYears[0]}:${trend.schoolYears[trend.schoolYears.length - 1]}:${trend.partition}:${trend.scope.level === "school" ? trend.scope.schoolId : "district"}`;
  try {
    const { entry, created } = await runTrend(
      trend,
      publicPeriods,
      "on_demand",
      principal.userId,
      ports,
    );
    audit.target = `report:${entry.reportId}`;
    return { status: created ? 201 : 200, body: reportSummary(entry) };
  } catch (error) {
    if (error instanceof ReportInputError) throw refused(error);
    throw error;
  }
};
