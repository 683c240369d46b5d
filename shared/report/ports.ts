import { loadEnrollment } from "../adapters/enrollment-table.ts";
import { redactedIncidentsBetween } from "../adapters/redacted-incidents-table.ts";
import { getReportFile, putReportFile } from "../adapters/report-files.ts";
import { getReportEntry, putReportEntry, queryReportEntries } from "../adapters/reports-table.ts";
import { unavailableOnFailure } from "../http/errors.ts";
import type { ReportReadPorts } from "./api.ts";
import type { RunPorts } from "./run.ts";

/** The report use cases wired to DynamoDB and S3, shared by the report functions. */
export const runPorts = (): RunPorts => ({
  loadEnrollment: (schoolYear) => unavailableOnFailure(() => loadEnrollment(schoolYear)),
  incidentsBetween: redactedIncidentsBetween,
  putFile: (key, body, contentType) =>
    unavailableOnFailure(() => putReportFile(key, body, contentType)),
  putEntry: (entry, absentIds) => unavailableOnFailure(() => putReportEntry(entry, absentIds)),
  getEntry: (reportId) => unavailableOnFailure(() => getReportEntry(reportId)),
  now: () => new Date(),
});

export const readPorts = (): ReportReadPorts => ({
  getEntry: (reportId) => unavailableOnFailure(() => getReportEntry(reportId)),
  getFile: (key) => unavailableOnFailure(() => getReportFile(key)),
  queryEntries: (query) => unavailableOnFailure(() => queryReportEntries(query)),
});
