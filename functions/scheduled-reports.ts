import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import { runPorts } from "#functions/wiring/report-ports.ts";
import { appendAuditEntry } from "#shared/adapters/audit-log.ts";
import { loadEnrollment } from "#shared/adapters/enrollment-table.ts";
import { errorKind, observability } from "#shared/observability.ts";
import { districtReportSettings } from "#shared/report/api.ts";
import { PartitionFixedError, runReport } from "#shared/report/run.ts";
import { scheduledRequests, schoolYearOf } from "#shared/report/schedule.ts";
import { calendarDate } from "#shared/time/zoned.ts";

const { logger, metrics } = observability("scheduled-reports");

/**
 * EventBridge Scheduler's target: the school-year-to-date reports for the
 * district and each school, and the public reports of periods whose
 * publication delay has passed. Each run is audited; one failing report does
 * not stop the rest. A public period of a school year published under
 * another partition (the district changed it since) is skipped, not failed:
 * the first publication fixed that year's partition.
 */
export const handler = middy(async () => {
  const settings = districtReportSettings();
  const now = new Date();
  const schoolYear = schoolYearOf(calendarDate(now, settings.timeZone));
  const enrollment = await loadEnrollment(schoolYear);
  const requests = scheduledRequests(now, [...(enrollment?.keys() ?? [])], settings);
  let failed = 0;
  let skipped = 0;
  for (const request of requests) {
    let outcome: "allowed" | "refused" | "failed" = "allowed";
    let target = `report:${request.schoolYear}:${request.period.from}:${request.period.to}`;
    try {
      const { entry, created } = await runReport(request, "schedule", "scheduler", runPorts());
      target = `report:${entry.reportId}`;
      logger.info(created ? "report made" : "public report already published", {
        reportId: entry.reportId,
      });
    } catch (error) {
      if (error instanceof PartitionFixedError) {
        skipped++;
        outcome = "refused";
        logger.warn("public report skipped: its school year is published under another partition", {
          target,
          partition: request.partition,
          publishedPartition: error.publishedPartition,
        });
      } else {
        failed++;
        outcome = "failed";
        logger.error("report failed", { target, cause: errorKind(error) });
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
  }
  metrics.addMetric("ScheduledReports", MetricUnit.Count, requests.length - failed - skipped);
  if (failed > 0) metrics.addMetric("ScheduledReportFailures", MetricUnit.Count, failed);
  if (skipped > 0) metrics.addMetric("ScheduledReportsSkipped", MetricUnit.Count, skipped);
  return { reports: requests.length, failed, skipped };
})
  // Explicitly off, whatever POWERTOOLS_LOGGER_LOG_EVENT says.
  .use(injectLambdaContext(logger, { logEvent: false }))
  .use(logMetrics(metrics));
