import { z } from "zod";
import type { Principal } from "../auth/claims.ts";
import type { Cursors } from "../http/cursor.ts";
import { ApiError } from "../http/errors.ts";
import type { AuditNote } from "../http/handler.ts";
import { type Page, parseListQuery, periodKeys } from "../http/list-query.ts";
import { calendarDate, DEFAULT_TIME_ZONE } from "../time/zoned.ts";
import {
  DEFAULT_PARAMETERS,
  type Partition,
  ReportInputError,
  type ReportRequest,
  type ReportRequestInput,
  reportRequest,
} from "./request.ts";
import type { ReportEntry, RunPorts } from "./run.ts";
import { runReport } from "./run.ts";

export const MAX_REPORT_REQUEST_BYTES = 16 * 1024;

/** The district's report settings (CDK context `report`), for scheduled runs and defaults. */
export interface DistrictReportSettings {
  timeZone: string;
  partition: Partition;
  minCell?: number;
  minN?: number;
  riskRatioThreshold?: number;
  confidenceLevel?: number;
}

export const districtReportSettings = (): DistrictReportSettings => {
  const configured = process.env.REPORT_DEFAULTS ? JSON.parse(process.env.REPORT_DEFAULTS) : {};
  return {
    timeZone: process.env.DISTRICT_TIME_ZONE ?? DEFAULT_TIME_ZONE,
    partition: "year",
    ...configured,
  };
};

const RequestBodySchema = z.strictObject({
  schoolYear: z.string().max(16),
  from: z.string().max(16).optional(),
  to: z.string().max(16).optional(),
  schoolId: z.string().max(64).optional(),
  public: z.boolean().optional(),
  partition: z.string().max(16).optional(),
  minCell: z.number().optional(),
  minN: z.number().optional(),
  riskRatioThreshold: z.number().optional(),
  confidenceLevel: z.number().optional(),
  timeZone: z.string().max(64).optional(),
});

const refused = (error: ReportInputError) =>
  new ApiError(
    "VALIDATION_FAILED",
    error.message,
    [{ path: error.field, message: error.message }],
    400,
  );

/** The request of POST /reports; the district's time zone and partition fill what is not given. */
export const parseReportRequest = (
  body: unknown,
  settings: DistrictReportSettings,
  now: Date = new Date(),
): ReportRequest => {
  const parsed = RequestBodySchema.safeParse(body);
  if (!parsed.success) {
    throw new ApiError(
      "VALIDATION_FAILED",
      "The report request is not valid.",
      parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join(".") || "$",
        message: issue.code === "unrecognized_keys" ? "unknown field" : issue.message,
      })),
      400,
    );
  }
  try {
    const request = reportRequest({
      timeZone: settings.timeZone,
      partition: settings.partition,
      ...(parsed.data as ReportRequestInput),
    });
    if (request.parameters.public) checkPublication(request, settings, now);
    return request;
  } catch (error) {
    if (error instanceof ReportInputError) throw refused(error);
    throw error;
  }
};

/**
 * A public report is the district's publication: only its partition's
 * periods, once a period has ended, and never with a smaller minimum cell
 * than the district's. Otherwise one on-demand request could publish a
 * period that another public report overlaps, or freeze an incomplete one.
 */
const checkPublication = (request: ReportRequest, settings: DistrictReportSettings, now: Date) => {
  if (request.partition !== settings.partition) {
    throw new ReportInputError(
      `Public reports follow the district's ${settings.partition} partition.`,
      "partition",
    );
  }
  if (request.parameters.minCell < (settings.minCell ?? DEFAULT_PARAMETERS.minCell)) {
    throw new ReportInputError(
      "A public report may not use a smaller minCell than the district's.",
      "minCell",
    );
  }
  if (request.period.to >= calendarDate(now, request.parameters.timeZone)) {
    throw new ReportInputError("A public report covers a period that has ended.", "to");
  }
};

export const reportSummary = (entry: ReportEntry) => {
  const { files: _files, ...summary } = entry;
  return { ...summary, formats: ["json", "csv", "html"] };
};

/** POST /reports: a district analyst runs a report for any period and scope. */
export const createReport = async (
  body: unknown,
  principal: Principal,
  audit: AuditNote,
  ports: RunPorts,
  settings: DistrictReportSettings,
) => {
  if (principal.role !== "district_analyst") {
    throw new ApiError("FORBIDDEN", "Only a district analyst may run reports.");
  }
  const request = parseReportRequest(body, settings);
  audit.target = `report:${request.schoolYear}:${request.period.from}:${request.period.to}:${request.scope.level === "school" ? request.scope.schoolId : "district"}`;
  try {
    const { entry, created } = await runReport(request, "on_demand", principal.userId, ports);
    audit.target = `report:${entry.reportId}`;
    return { status: created ? 201 : 200, body: reportSummary(entry) };
  } catch (error) {
    if (error instanceof ReportInputError) throw refused(error);
    throw error;
  }
};

export interface ReportReadPorts {
  getEntry(reportId: string): Promise<ReportEntry | undefined>;
  getFile(key: string): Promise<string | undefined>;
  queryEntries(query: {
    publicOnly: boolean;
    limit: number;
    fromKey: string;
    toKey: string;
    startKey?: Record<string, string>;
  }): Promise<{ entries: ReportEntry[]; lastKey: Record<string, string> | undefined }>;
}

/** Who reads reports: analysts every report, the board the public ones only. */
const readerScope = (principal: Principal) => {
  if (principal.role === "district_analyst") return { publicOnly: false };
  if (principal.role === "board") return { publicOnly: true };
  throw new ApiError("FORBIDDEN", "Your role may not read reports.");
};

const CursorSchema = z.record(z.string().max(32), z.string().max(256));

/** GET /reports: newest first; `from`/`to` select by the date a report was made. */
export const listReports = async (
  parameters: Record<string, string | undefined> | undefined,
  principal: Principal,
  audit: AuditNote,
  ports: ReportReadPorts,
  cursors: Cursors,
): Promise<Page<ReturnType<typeof reportSummary>>> => {
  const { publicOnly } = readerScope(principal);
  const query = parseListQuery(parameters, {});
  audit.target = publicOnly ? "reports:public" : "reports";
  const { entries, lastKey } = await ports.queryEntries({
    publicOnly,
    limit: query.limit,
    ...periodKeys(query.fromInstant, query.toExclusive),
    ...(query.cursor ? { startKey: await cursors.decode(query.cursor, CursorSchema) } : {}),
  });
  return {
    items: entries.map(reportSummary),
    nextCursor: lastKey ? await cursors.encode(lastKey) : null,
  };
};

export const REPORT_FORMATS = {
  json: "application/json; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  html: "text/html; charset=utf-8",
} as const;

/** GET /reports/{id}?format=json|csv|html: the stored file. */
export const readReport = async (
  reportId: string | undefined,
  format: string | undefined,
  principal: Principal,
  audit: AuditNote,
  ports: ReportReadPorts,
) => {
  const { publicOnly } = readerScope(principal);
  if (!reportId || !/^[A-Za-z0-9-]{1,128}$/.test(reportId)) {
    throw new ApiError(
      "VALIDATION_FAILED",
      "The report id is not valid.",
      [{ path: "reportId", message: "invalid" }],
      400,
    );
  }
  const chosen = (format ?? "json") as keyof typeof REPORT_FORMATS;
  if (!(chosen in REPORT_FORMATS)) {
    throw new ApiError(
      "VALIDATION_FAILED",
      "The format must be json, csv or html.",
      [{ path: "format", message: "must be json, csv or html" }],
      400,
    );
  }
  audit.target = `report:${reportId}`;
  const entry = await ports.getEntry(reportId);
  if (!entry) throw new ApiError("NOT_FOUND", "No such report.");
  if (publicOnly && !entry.public) {
    audit.outcome = "refused";
    throw new ApiError("NOT_FOUND", "No such report.");
  }
  const body = await ports.getFile(entry.files[chosen]);
  if (body === undefined) throw new ApiError("NOT_FOUND", "The report's file is missing.");
  return { contentType: REPORT_FORMATS[chosen], body, format: chosen };
};
