import { activitiesBetween } from "#shared/adapters/activities-table.ts";
import { loadEnrollment } from "#shared/adapters/enrollment-table.ts";
import { redactedRecordsBetween } from "#shared/adapters/redacted-incidents-table.ts";
import { getReportFile, putReportFile } from "#shared/adapters/report-files.ts";
import {
  getReportEntry,
  putReportEntry,
  queryReportEntries,
} from "#shared/adapters/reports-table.ts";
import { unavailableOnFailure } from "#shared/http/errors.ts";
import type { ReportReadPorts } from "#shared/report/api.ts";
import type { CountedIncident } from "#shared/report/engine.ts";
import { countedOf } from "#shared/report/export.ts";
import type { RunPorts } from "#shared/report/run.ts";
import type { TrendPorts } from "#shared/report/trend-run.ts";

/**
 * The report use cases wired to DynamoDB and S3. Four functions run reports
 * or read them, so their wiring lives here once rather than in each handler;
 * shared/report/ itself only declares the ports.
 */
/** The redacted items of a key range as reports and the export count them, voided ones too. */
export async function* countedBetween(query: {
  schoolId?: string;
  fromKey: string;
  toKey: string;
}): AsyncIterable<CountedIncident> {
  for await (const record of redactedRecordsBetween(query)) yield countedOf(record);
}

export const runPorts = (): RunPorts => ({
  loadEnrollment: (schoolYear) => unavailableOnFailure(() => loadEnrollment(schoolYear)),
  incidentsBetween: countedBetween,
  activitiesBetween,
  putFile: (key, body, contentType) =>
    unavailableOnFailure(() => putReportFile(key, body, contentType)),
  putEntry: (entry, absentIds) => unavailableOnFailure(() => putReportEntry(entry, absentIds)),
  getEntry: (reportId) => unavailableOnFailure(() => getReportEntry(reportId)),
  now: () => new Date(),
});

/** A trend's runs read published reports back too: a public trend copies them. */
export const trendPorts = (): TrendPorts => ({
  ...runPorts(),
  getFile: (key) => unavailableOnFailure(() => getReportFile(key)),
});

export const readPorts = (): ReportReadPorts => ({
  getEntry: (reportId) => unavailableOnFailure(() => getReportEntry(reportId)),
  getFile: (key) => unavailableOnFailure(() => getReportFile(key)),
  queryEntries: (query) => unavailableOnFailure(() => queryReportEntries(query)),
});
