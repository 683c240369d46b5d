import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import { runPorts, trendPorts } from "#functions/wiring/report-ports.ts";
import { appendAuditEntry } from "#shared/adapters/audit-log.ts";
import { loadEnrollment } from "#shared/adapters/enrollment-table.ts";
import { errorKind, observability } from "#shared/observability.ts";
import { districtReportSettings } from "#shared/report/api.ts";
import { PartitionFixedError, runReport } from "#shared/report/run.ts";
import { scheduledRequests, schoolYearOf } from "#shared/report/schedule.ts";
import { runTrend } from "#shared/report/trend-run.ts";
import { scheduledTrend, scheduledTrendYears } from "#shared/report/trend-schedule.ts";
import { calendarDate } from "#shared/time/zoned.ts";

const { logger, metrics } = observability("scheduled-reports");

/**
 * EventBridge Scheduler's target: the school-year-to-date reports for the
 * district and each school, and the public reports of periods whose
 * publication delay has passed. Each run is audited; one failing report does
 * not stop the rest. A public period of a school year published under
 * another partition (the district changed it since) is skipped, not failed:
 * the first publication fixed that year's partition. Once a year, when the
 * last school year's report is due, the public trend of the years up to it
 * is produced with it.
 */
export const handler = middy(async () => {
  const settings = districtReportSettings();
  const now = new Date();
  const schoolYear = schoolYearOf(calendarDate(now, settings.timeZone));
  const enrollment = await loadEnrollment(schoolYear);
  const requests = scheduledRequests(now, [...(enrollment?.keys() ?? [])], settings);
  let failed = 0;
  let skipped = 0;
  /** One run, audited; a refusal because the partition is fixed is a skip, anything else a failure. */
  const attempt = async (
    what: "report" | "trend",
    target: string,
    run: () => Promise<{ entry: { reportId: string }; created: boolean }>,
  ) => {
    let outcome: "allowed" | "refused" | "failed" = "allowed";
    try {
      const { entry, created } = await run();
      target = `report:${entry.reportId}`;
      logger.info(created ? `${what} made` : `public ${what} already published`, {
        reportId: entry.reportId,
      });
    } catch (error) {
      if (error instanceof PartitionFixedError) {
        skipped++;
        outcome = "refused";
        logger.warn(`public ${what} skipped: a school year is published under another partition`, {
          target,
          partition: settings.partition,
          publishedPartition: error.publishedPartition,
        });
      } else {
        failed++;
        outcome = "failed";
        logger.error(`${what} failed`, { target, cause: errorKind(error) });
      }
    }
    await appendAuditEntry({
      at: new Date().toISOString(),
      userId: "scheduler",
      role: "system",
      action: "report.run",
      target,
      outcome,
    });
  };
  for (const request of requests) {
    await attempt(
      "report",
      `report:${request.schoolYear}:${request.period.from}:${request.period.to}`,
      () => runReport(request, "schedule", "scheduler", runPorts()),
    );
  }
  // The year's trend, after the year's report that it copies was published above.
  const enrolled = new Set<string>();
  for (const year of scheduledTrendYears(now, settings)) {
    if (year === schoolYear ? enrollment : await loadEnrollment(year)) enrolled.add(year);
  }
  const trend = scheduledTrend(now, settings, enrolled);
  if (trend) {
    const { schoolYears, partition } = trend.trend;
    await attempt("trend", `trend:${schoolYears[0]}:${schoolYears.at(-1)}:${partition}`, () =>
      runTrend(trend.trend, trend.publicPeriods, "schedule", "scheduler", trendPorts()),
    );
  }
  const runs = requests.length + (trend ? 1 : 0);
  metrics.addMetric("ScheduledReports", MetricUnit.Count, runs - failed - skipped);
  if (failed > 0) metrics.addMetric("ScheduledReportFailures", MetricUnit.Count, failed);
  if (skipped > 0) metrics.addMetric("ScheduledReportsSkipped", MetricUnit.Count, skipped);
  return { reports: runs, failed, skipped };
})
  // Explicitly off, whatever POWERTOOLS_LOGGER_LOG_EVENT says.
  .use(injectLambdaContext(logger, { logEvent: false }))
  .use(logMetrics(metrics));
