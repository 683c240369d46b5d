import { randomUUID } from "node:crypto";
import { periodKeys } from "../http/list-query.ts";
import type { RedactedIncident } from "../privacy/redact.ts";
import { nextDate, startOfDay } from "../time/zoned.ts";
import { reportCsv } from "./csv.ts";
import { type Report, ReportAccumulator } from "./engine.ts";
import type { Enrollment } from "./enrollment.ts";
import { reportHtml } from "./html.ts";
import { ReportInputError, type ReportRequest } from "./request.ts";

/** The report index entry: what was computed, when, by whom, and where its files are. */
export interface ReportEntry {
  reportId: string;
  createdAt: string;
  trigger: "schedule" | "on_demand";
  requestedBy: string;
  schoolYear: string;
  period: { from: string; to: string };
  scope: ReportRequest["scope"];
  public: boolean;
  files: { json: string; csv: string; html: string };
}

export interface RunPorts {
  loadEnrollment(schoolYear: string): Promise<Enrollment | undefined>;
  incidentsBetween(query: {
    schoolId?: string;
    fromKey: string;
    toKey: string;
  }): AsyncIterable<RedactedIncident>;
  putFile(key: string, body: string, contentType: string): Promise<void>;
  /** False when an entry with this id exists already (a public report is published once). */
  putEntry(entry: ReportEntry): Promise<boolean>;
  getEntry(reportId: string): Promise<ReportEntry | undefined>;
  now(): Date;
}

/** The JSON form of a report, byte for byte the same from the pipeline and the CLI. */
export const reportJson = (report: Report): string => `${JSON.stringify(report, null, 2)}\n`;

/** Public reports have one id per period, so a scheduled run publishes each period once. */
export const publicReportId = (request: ReportRequest) =>
  `public-${request.schoolYear}-${request.period.from}-${request.period.to}`;

/** Computes a report from the redacted incidents of its period (read from an index, never a scan). */
export const computeReport = async (request: ReportRequest, ports: RunPorts): Promise<Report> => {
  const enrollment = await ports.loadEnrollment(request.schoolYear);
  if (!enrollment) {
    throw new ReportInputError(
      `No enrollment has been uploaded for ${request.schoolYear}: upload it first (PUT /enrollment/${request.schoolYear}).`,
      "schoolYear",
    );
  }
  const { timeZone } = request.parameters;
  // A margin on both ends: where clocks fall back across midnight a date
  // starts before its second midnight. The accumulator keeps exactly the
  // incidents whose calendar date is in the period.
  const margin = 14 * 3_600_000;
  const keys = periodKeys(
    new Date(startOfDay(request.period.from, timeZone).getTime() - margin),
    new Date(startOfDay(nextDate(request.period.to), timeZone).getTime() + margin),
  );
  const accumulator = new ReportAccumulator(request);
  for await (const incident of ports.incidentsBetween({
    ...(request.scope.level === "school" ? { schoolId: request.scope.schoolId } : {}),
    ...keys,
  })) {
    accumulator.add(incident);
  }
  return accumulator.report(enrollment);
};

/** Computes a report, stores its JSON, CSV and HTML, and records it in the index. */
export const runReport = async (
  request: ReportRequest,
  trigger: ReportEntry["trigger"],
  requestedBy: string,
  ports: RunPorts,
): Promise<{ entry: ReportEntry; created: boolean }> => {
  // A public period is published once: two versions of it could be
  // subtracted from each other to reveal a hidden count.
  const reportId = request.parameters.public ? publicReportId(request) : randomUUID();
  if (request.parameters.public) {
    const published = await ports.getEntry(reportId);
    if (published) return { entry: published, created: false };
  }
  const report = await computeReport(request, ports);
  const prefix = `reports/${request.schoolYear}/${reportId}`;
  const entry: ReportEntry = {
    reportId,
    createdAt: ports.now().toISOString(),
    trigger,
    requestedBy,
    schoolYear: request.schoolYear,
    period: request.period,
    scope: request.scope,
    public: request.parameters.public,
    files: {
      json: `${prefix}/report.json`,
      csv: `${prefix}/report.csv`,
      html: `${prefix}/report.html`,
    },
  };
  await ports.putFile(entry.files.json, reportJson(report), "application/json; charset=utf-8");
  await ports.putFile(entry.files.csv, reportCsv(report), "text/csv; charset=utf-8");
  await ports.putFile(entry.files.html, reportHtml(report), "text/html; charset=utf-8");
  const created = await ports.putEntry(entry);
  return { entry, created };
};
