import { randomUUID } from "node:crypto";
import type { ActivityFacts } from "./activities.ts";
import { summarizeActivities } from "./activities.ts";
import type { Enrollment } from "./enrollment.ts";
import type { Report } from "./model.ts";
import type { ReportRequest } from "./request.ts";
import {
  incidentsAround,
  type ReportEntry,
  type RunPorts,
  requireEnrollment,
  runReport,
} from "./run.ts";
import {
  assembleTrend,
  TrendAccumulator,
  type TrendReport,
  type TrendRequest,
  type TrendSources,
  trendSpan,
} from "./trend.ts";
import { trendCsv } from "./trend-csv.ts";
import { trendHtml } from "./trend-html.ts";

/** A trend's runs also read published reports back: a public trend copies them. */
export interface TrendPorts extends RunPorts {
  getFile(key: string): Promise<string | undefined>;
}

export const trendJson = (trend: TrendReport): string => `${JSON.stringify(trend, null, 2)}\n`;

async function* replay<T>(items: readonly T[]): AsyncIterable<T> {
  yield* items;
}

/**
 * An internal trend: one read of the span's incidents through the engine's
 * accumulators, one per period (and per whole year where the periods are
 * shorter), and the activities of each period as its period report has them.
 */
export const computeTrend = async (
  trend: TrendRequest,
  ports: RunPorts,
  asOf: string | null,
): Promise<TrendReport> => {
  const enrollments = new Map<string, Enrollment>();
  for (const schoolYear of trend.schoolYears) {
    enrollments.set(schoolYear, await requireEnrollment(schoolYear, ports, "schoolYears"));
  }
  const span = trendSpan(trend);
  const accumulator = new TrendAccumulator(trend);
  for await (const incident of incidentsAround(
    { period: span, scope: trend.scope, parameters: trend.parameters },
    ports,
  )) {
    accumulator.add(incident);
  }
  const { periods, years } = accumulator.reports(enrollments);
  const activities: ActivityFacts[] = [];
  for await (const activity of ports.activitiesBetween(span)) activities.push(activity);
  const withActivities = await Promise.all(
    periods.map(async (report) => ({
      ...report,
      activities: await summarizeActivities(report, replay(activities)),
    })),
  );
  return assembleTrend(
    trend,
    { periods: withActivities, years: years === periods ? withActivities : years },
    asOf,
  );
};

/**
 * A public trend's sources: each period's published report, read back as
 * published. A period that is due and not yet published is published first,
 * by the one path that publishes (runReport: once, atomically, its partition
 * fixed), so the trend and the period's own report are the same numbers
 * and no period ever exists in two versions.
 */
export const publishedSources = async (
  trend: TrendRequest,
  periodRequests: readonly ReportRequest[],
  trigger: ReportEntry["trigger"],
  requestedBy: string,
  ports: TrendPorts,
): Promise<TrendSources> => {
  const periods: Report[] = [];
  // One at a time: a period's publication is a transaction on its year's keys.
  for (const request of periodRequests) {
    const { entry } = await runReport(request, trigger, requestedBy, ports);
    const body = await ports.getFile(entry.files.json);
    if (body === undefined) throw new Error("A published report's file could not be read.");
    periods.push(JSON.parse(body) as Report);
  }
  return { periods, years: trend.partition === "year" ? periods : null };
};

/** The latest instant any of the copied reports counts, where they say. */
const latestAsOf = (reports: readonly Report[]): string | null =>
  reports
    .map((report) => (report as { asOf?: unknown }).asOf)
    .filter((asOf): asOf is string => typeof asOf === "string")
    .sort()
    .at(-1) ?? null;

/**
 * One public trend per span, partition and persistence: its numbers are
 * copies of published periods, which never change, so asking again finds it.
 */
export const publicTrendId = (trend: TrendRequest) =>
  `public-trend-${trend.schoolYears[0]}-${trend.schoolYears[trend.schoolYears.length - 1]}-${trend.partition}-p${trend.parameters.persistenceYears}`;

/**
 * Computes (or, public, assembles) a trend, stores its JSON, CSV and HTML
 * under a key of this run, and records it in the index. A public trend's
 * entry is written once, like a public period's: a run that loses the race
 * answers with the winner's.
 */
export const runTrend = async (
  trend: TrendRequest,
  publicPeriods: readonly ReportRequest[] | undefined,
  trigger: ReportEntry["trigger"],
  requestedBy: string,
  ports: TrendPorts,
): Promise<{ entry: ReportEntry; created: boolean }> => {
  const isPublic = trend.parameters.public;
  if (isPublic && !publicPeriods) throw new Error("A public trend needs its periods' requests.");
  const reportId = isPublic ? publicTrendId(trend) : randomUUID();
  if (isPublic) {
    const existing = await ports.getEntry(reportId);
    if (existing) return { entry: existing, created: false };
  }
  const report = isPublic
    ? await (async () => {
        const sources = await publishedSources(trend, publicPeriods!, trigger, requestedBy, ports);
        return assembleTrend(trend, sources, latestAsOf(sources.periods));
      })()
    : await computeTrend(trend, ports, ports.now().toISOString());
  const span = trendSpan(trend);
  const prefix = `reports/${trend.schoolYears[trend.schoolYears.length - 1]}/${reportId}${isPublic ? `/${randomUUID()}` : ""}`;
  const entry: ReportEntry = {
    reportId,
    createdAt: ports.now().toISOString(),
    trigger,
    requestedBy,
    schoolYear: trend.schoolYears[trend.schoolYears.length - 1]!,
    period: span,
    scope: trend.scope,
    public: isPublic,
    files: {
      json: `${prefix}/report.json`,
      csv: `${prefix}/report.csv`,
      html: `${prefix}/report.html`,
    },
    reportType: "trend",
    schoolYears: trend.schoolYears,
    partition: trend.partition,
  };
  await Promise.all([
    ports.putFile(entry.files.json, trendJson(report), "application/json; charset=utf-8"),
    ports.putFile(entry.files.csv, trendCsv(report), "text/csv; charset=utf-8"),
    ports.putFile(entry.files.html, trendHtml(report), "text/html; charset=utf-8"),
  ]);
  const outcome = await ports.putEntry(entry, []);
  if (outcome === "created") return { entry, created: true };
  const winner = await ports.getEntry(reportId);
  if (!winner) throw new Error("The published trend's entry could not be read back.");
  return { entry: winner, created: false };
};
