import { randomUUID } from "node:crypto";
import { periodKeys } from "../http/list-query.ts";
import { nextDate, startOfDay } from "../time/zoned.ts";
import { type ActivityFacts, summarizeActivities } from "./activities.ts";
import { reportCsv } from "./csv.ts";
import { type Report, ReportAccumulator, type ReportInput } from "./engine.ts";
import type { Enrollment } from "./enrollment.ts";
import { reportHtml } from "./html.ts";
import {
  PARTITIONS,
  type Partition,
  partitionPeriods,
  ReportInputError,
  type ReportRequest,
} from "./request.ts";

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
  /** Absent for a period report; a trend's `schoolYear` and `period` are its last year and whole span. */
  reportType?: "trend";
  schoolYears?: string[];
  partition?: Partition;
}

/**
 * How the index took an entry: written; not written because one with its id
 * exists already (a public period published by another run); or not written
 * because a public report of one of the school year's other partitions exists.
 */
export type EntryOutcome = "created" | "exists" | "blocked";

export interface RunPorts {
  loadEnrollment(schoolYear: string): Promise<Enrollment | undefined>;
  /** Every incident of the key range, its current version with its status, voided ones too. */
  incidentsBetween(query: {
    schoolId?: string;
    fromKey: string;
    toKey: string;
  }): AsyncIterable<ReportInput>;
  /** Every activity dated in the period, district-wide, from an index (never a scan). */
  activitiesBetween(period: { from: string; to: string }): AsyncIterable<ActivityFacts>;
  putFile(key: string, body: string, contentType: string): Promise<void>;
  /**
   * Writes the entry in one conditional write: only if no entry with its id
   * exists and none of the entries `absentIds` names exists either.
   */
  putEntry(entry: ReportEntry, absentIds: readonly string[]): Promise<EntryOutcome>;
  getEntry(reportId: string): Promise<ReportEntry | undefined>;
  now(): Date;
}

/** The JSON form of a report, byte for byte the same from the pipeline and the CLI. */
export const reportJson = (report: Report): string => `${JSON.stringify(report, null, 2)}\n`;

/** Public reports have one id per period, so a scheduled run publishes each period once. */
export const publicReportId = (request: Pick<ReportRequest, "schoolYear" | "period">) =>
  `public-${request.schoolYear}-${request.period.from}-${request.period.to}`;

/**
 * A public request for a school year already published under another
 * partition: its periods would overlap the published ones, and the
 * difference of two overlapping reports could reveal a hidden count.
 */
export class PartitionFixedError extends ReportInputError {
  constructor(readonly publishedPartition: Partition) {
    super(
      `This school year is already published under the ${publishedPartition} partition, which its first publication fixed.`,
      "partition",
    );
    this.name = "PartitionFixedError";
  }
}

/**
 * The public report ids of the school year's other partitions. No period of
 * one partition is a period of another, so "the year is published under
 * another partition" is "one of these ids is in the index": a fixed, small
 * set of keys that one conditional write can check, with no separate record
 * to keep in step.
 */
export const otherPartitionReports = (request: ReportRequest) =>
  PARTITIONS.filter((partition) => partition !== request.partition).flatMap((partition) =>
    partitionPeriods(request.schoolYear, partition).map((period) => ({
      partition,
      reportId: publicReportId({ schoolYear: request.schoolYear, period }),
    })),
  );

const publishedPartition = async (
  request: ReportRequest,
  ports: RunPorts,
): Promise<Partition | undefined> => {
  const others = otherPartitionReports(request);
  const found = await Promise.all(others.map(({ reportId }) => ports.getEntry(reportId)));
  return others[found.findIndex((entry) => entry !== undefined)]?.partition;
};

/** A school year's enrollment, or a refusal that says how to provide it. */
export const requireEnrollment = async (
  schoolYear: string,
  ports: Pick<RunPorts, "loadEnrollment">,
  field: string,
): Promise<Enrollment> => {
  const enrollment = await ports.loadEnrollment(schoolYear);
  if (!enrollment) {
    throw new ReportInputError(
      `No enrollment has been uploaded for ${schoolYear}: upload it first (PUT /enrollment/${schoolYear}).`,
      field,
    );
  }
  return enrollment;
};

/**
 * The redacted incidents of a span of dates and a scope, read from an index
 * (never a scan), with a margin on both ends: where clocks fall back across
 * midnight a date starts before its second midnight. Each accumulator keeps
 * exactly the incidents whose calendar date is in its own period.
 */
export const incidentsAround = (
  request: Pick<ReportRequest, "period" | "scope"> & {
    parameters: Pick<ReportRequest["parameters"], "timeZone">;
  },
  ports: Pick<RunPorts, "incidentsBetween">,
): AsyncIterable<ReportInput> => {
  const { timeZone } = request.parameters;
  const margin = 14 * 3_600_000;
  return ports.incidentsBetween({
    ...(request.scope.level === "school" ? { schoolId: request.scope.schoolId } : {}),
    ...periodKeys(
      new Date(startOfDay(request.period.from, timeZone).getTime() - margin),
      new Date(startOfDay(nextDate(request.period.to), timeZone).getTime() + margin),
    ),
  });
};

/** Computes a report from the redacted incidents of its period (read from an index, never a scan). */
export const computeReport = async (request: ReportRequest, ports: RunPorts): Promise<Report> => {
  const enrollment = await requireEnrollment(request.schoolYear, ports, "schoolYear");
  // Taken before the first read: a version accepted from here on may or may
  // not be counted, one accepted before it is (redaction lag aside).
  const asOf = ports.now().toISOString();
  const accumulator = new ReportAccumulator(request);
  for await (const incident of incidentsAround(request, ports)) accumulator.add(incident);
  const report = accumulator.report(enrollment, asOf);
  return {
    ...report,
    activities: await summarizeActivities(request, ports.activitiesBetween(request.period)),
  };
};

/**
 * Computes a report, stores its JSON, CSV and HTML, and records it in the
 * index. A public period is published once and its files never change (two
 * versions of one period could be subtracted to reveal a hidden count): each
 * run writes its files under a key of its own, then one conditional write of
 * the index entry publishes them. A run that loses the race answers with the
 * winner's entry; its files stay unreferenced (the runner may not delete
 * objects, so no run can remove what another published). A run that stops
 * between its files and the entry leaves such files too, and its retry
 * converges like any other run.
 */
export const runReport = async (
  request: ReportRequest,
  trigger: ReportEntry["trigger"],
  requestedBy: string,
  ports: RunPorts,
): Promise<{ entry: ReportEntry; created: boolean }> => {
  const isPublic = request.parameters.public;
  const reportId = isPublic ? publicReportId(request) : randomUUID();
  if (isPublic) {
    const published = await ports.getEntry(reportId);
    if (published) return { entry: published, created: false };
    // Checked before computing only to answer early; the conditional write decides.
    const fixed = await publishedPartition(request, ports);
    if (fixed) throw new PartitionFixedError(fixed);
  }
  const report = await computeReport(request, ports);
  const prefix = isPublic
    ? `reports/${request.schoolYear}/${reportId}/${randomUUID()}`
    : `reports/${request.schoolYear}/${reportId}`;
  const entry: ReportEntry = {
    reportId,
    createdAt: ports.now().toISOString(),
    trigger,
    requestedBy,
    schoolYear: request.schoolYear,
    period: request.period,
    scope: request.scope,
    public: isPublic,
    files: {
      json: `${prefix}/report.json`,
      csv: `${prefix}/report.csv`,
      html: `${prefix}/report.html`,
    },
  };
  await Promise.all([
    ports.putFile(entry.files.json, reportJson(report), "application/json; charset=utf-8"),
    ports.putFile(entry.files.csv, reportCsv(report), "text/csv; charset=utf-8"),
    ports.putFile(entry.files.html, reportHtml(report), "text/html; charset=utf-8"),
  ]);
  const outcome = await ports.putEntry(
    entry,
    isPublic ? otherPartitionReports(request).map((other) => other.reportId) : [],
  );
  if (outcome === "created") return { entry, created: true };
  if (outcome === "exists") {
    const winner = await ports.getEntry(reportId);
    // Entries are never deleted, so the one that refused this write is there.
    if (!winner) throw new Error("The published report's entry could not be read back.");
    return { entry: winner, created: false };
  }
  const fixed = await publishedPartition(request, ports);
  if (!fixed) throw new Error("The entry that refused the publication could not be read back.");
  throw new PartitionFixedError(fixed);
};
