import * as z from "zod";
import type { Principal } from "../auth/claims.ts";
import type { Cursors } from "../http/cursor.ts";
import { ApiError } from "../http/errors.ts";
import type { AuditNote } from "../http/handler.ts";
import { type Page, parseListQuery, periodKeys } from "../http/list-query.ts";
import { calendarDate, DEFAULT_TIME_ZONE } from "../time/zoned.ts";
import {
  type Partition,
  publishableFrom,
  ReportInputError,
  type ReportRequest,
  type ReportRequestInput,
  reportRequest,
} from "./request.ts";
import type { ReportEntry, RunPorts } from "./run.ts";
import { runReport } from "./run.ts";
import { persistenceYearsOf } from "./trend.ts";

export const MAX_REPORT_REQUEST_BYTES = 16 * 1024;

/** A period is published this many days after it ends, by default (contracts section 5). */
export const DEFAULT_PUBLICATION_DELAY_DAYS = 30;
/**
 * Longer delays are refused: the schedule looks at this school year and the
 * last, and every period of the last must become publishable within this one.
 */
export const MAX_PUBLICATION_DELAY_DAYS = 180;

/**
 * The district's report settings (CDK context `report`, and `timeZone`): the
 * parameters of scheduled runs and of every public report.
 */
export interface DistrictReportSettings {
  timeZone: string;
  partition: Partition;
  minCell: number;
  minN: number;
  riskRatioThreshold: number;
  confidenceLevel: number;
  routineDisciplineCategories: string[];
  publicationDelayDays: number;
  /** Whole years above the threshold that make a trend row persistent (contracts section 9). */
  persistenceYears: number;
}

/**
 * Checks the district's settings by the rules of an on-demand request, so a
 * bad value fails the synth (or the local stack's first report), not a
 * published report. Keys are read as own properties only.
 */
export const checkDistrictReportSettings = (
  configured: unknown,
  timeZone: string,
): DistrictReportSettings => {
  if (
    configured !== undefined &&
    (typeof configured !== "object" || configured === null || Array.isArray(configured))
  ) {
    throw new ReportInputError("The report settings must be a JSON object.", "report");
  }
  const given = (configured ?? {}) as Record<string, unknown>;
  const value = (key: string) => (Object.hasOwn(given, key) ? given[key] : undefined);
  const checked = reportRequest({
    schoolYear: "2025-26",
    timeZone: value("timeZone") ?? timeZone,
    partition: value("partition"),
    minCell: value("minCell"),
    minN: value("minN"),
    riskRatioThreshold: value("riskRatioThreshold"),
    confidenceLevel: value("confidenceLevel"),
    routineDisciplineCategories: value("routineDisciplineCategories"),
  });
  const givenDelay = value("publicationDelayDays");
  const delay = givenDelay === undefined ? DEFAULT_PUBLICATION_DELAY_DAYS : givenDelay;
  if (
    typeof delay !== "number" ||
    !Number.isInteger(delay) ||
    delay < 0 ||
    delay > MAX_PUBLICATION_DELAY_DAYS
  ) {
    throw new ReportInputError(
      `publicationDelayDays must be a whole number from 0 to ${MAX_PUBLICATION_DELAY_DAYS}.`,
      "publicationDelayDays",
    );
  }
  const { parameters } = checked;
  return {
    timeZone: parameters.timeZone,
    partition: checked.partition,
    minCell: parameters.minCell,
    minN: parameters.minN,
    riskRatioThreshold: parameters.riskRatioThreshold,
    confidenceLevel: parameters.confidenceLevel,
    routineDisciplineCategories: parameters.routineDisciplineCategories,
    publicationDelayDays: delay,
    persistenceYears: persistenceYearsOf(value("persistenceYears")),
  };
};

/** The settings the deployment passed to this function (SETTINGS.reportDefaults). */
export const districtReportSettings = (): DistrictReportSettings =>
  checkDistrictReportSettings(
    process.env.REPORT_DEFAULTS ? JSON.parse(process.env.REPORT_DEFAULTS) : undefined,
    process.env.DISTRICT_TIME_ZONE ?? DEFAULT_TIME_ZONE,
  );

/** What a public request may not set: a public report always uses the district's. */
export const DISTRICT_PARAMETERS = [
  "partition",
  "minCell",
  "minN",
  "riskRatioThreshold",
  "confidenceLevel",
  "timeZone",
  "routineDisciplineCategories",
] as const;

/** The request fields that give a report the district's parameters. */
export const districtParameters = (settings: DistrictReportSettings) => ({
  timeZone: settings.timeZone,
  partition: settings.partition,
  minCell: settings.minCell,
  minN: settings.minN,
  riskRatioThreshold: settings.riskRatioThreshold,
  confidenceLevel: settings.confidenceLevel,
  routineDisciplineCategories: settings.routineDisciplineCategories,
});

/** The fields a period request and a trend request both take: scope, publicity, parameters. */
export const REQUEST_PARAMETER_FIELDS = {
  schoolId: z.string().max(64).optional(),
  public: z.boolean().optional(),
  partition: z.string().max(16).optional(),
  minCell: z.number().optional(),
  minN: z.number().optional(),
  riskRatioThreshold: z.number().optional(),
  confidenceLevel: z.number().optional(),
  timeZone: z.string().max(64).optional(),
  routineDisciplineCategories: z.array(z.string().max(64)).max(32).optional(),
};

const RequestBodySchema = z.strictObject({
  reportType: z.literal("period").optional(),
  schoolYear: z.string().max(16),
  from: z.string().max(16).optional(),
  to: z.string().max(16).optional(),
  ...REQUEST_PARAMETER_FIELDS,
});

/** A request body as its schema reads it, or a 400 naming each field it refuses. */
export const parseRequestBody = <T>(schema: z.ZodType<T>, body: unknown, what: string): T => {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ApiError(
      "VALIDATION_FAILED",
      `The ${what} request is not valid.`,
      parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join(".") || "$",
        message: issue.code === "unrecognized_keys" ? "unknown field" : issue.message,
      })),
      400,
    );
  }
  return parsed.data;
};

/** A public request that sets any of `fixed` is refused: it uses the district's, naming each. */
export const refuseSetInPublic = (
  data: Record<string, unknown>,
  fixed: readonly string[],
  what: string,
) => {
  const set = fixed.filter((name) => data[name] !== undefined);
  if (set.length > 0) {
    throw new ApiError(
      "VALIDATION_FAILED",
      `A public ${what} uses the district's configured parameters; a public request may not set them.`,
      set.map((name) => ({ path: name, message: "not allowed in a public request" })),
      400,
    );
  }
};

export const refused = (error: ReportInputError) =>
  new ApiError(
    "VALIDATION_FAILED",
    error.message,
    [{ path: error.field, message: error.message }],
    400,
  );

/**
 * The request of POST /reports. An internal report takes the parameters it
 * gives (the district's zone and partition fill the rest); a public one takes
 * the district's and may set none of them.
 */
export const parseReportRequest = (
  body: unknown,
  settings: DistrictReportSettings,
  now: Date = new Date(),
): ReportRequest => {
  const data = parseRequestBody(RequestBodySchema, body, "report");
  if (data.public === true) refuseSetInPublic(data, DISTRICT_PARAMETERS, "report");
  try {
    const request =
      data.public === true
        ? reportRequest({
            schoolYear: data.schoolYear,
            from: data.from,
            to: data.to,
            schoolId: data.schoolId,
            public: true,
            ...districtParameters(settings),
          })
        : reportRequest({
            timeZone: settings.timeZone,
            partition: settings.partition,
            ...(data as ReportRequestInput),
          });
    if (request.parameters.public) checkPublicationDate(request, settings, now);
    return request;
  } catch (error) {
    if (error instanceof ReportInputError) throw refused(error);
    throw error;
  }
};

/**
 * A public period is published once it has ended and the district's delay
 * has passed, counted in the district's calendar: its incidents are complete
 * and their corrections have settled (later ones show in internal reports).
 */
export const checkPublicationDate = (
  request: ReportRequest,
  settings: DistrictReportSettings,
  now: Date,
) => {
  const today = calendarDate(now, settings.timeZone);
  if (today < publishableFrom(request.period.to, settings.publicationDelayDays)) {
    throw new ReportInputError(
      `A public period is published no sooner than ${settings.publicationDelayDays} days after it ends.`,
      "to",
    );
  }
};

/** An index entry as a reader sees it: the board's view names no user. */
export const reportSummary = (entry: ReportEntry, forBoard = false) => {
  const { files: _files, requestedBy, ...summary } = entry;
  return {
    ...summary,
    reportType: entry.reportType ?? "period",
    ...(forBoard ? {} : { requestedBy }),
    formats: ["json", "csv", "html"],
  };
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
  const request = parseReportRequest(body, settings, ports.now());
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
    items: entries.map((entry) => reportSummary(entry, publicOnly)),
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
  // Own properties only: `constructor` or `__proto__` is a bad format, not a lookup.
  if (!Object.hasOwn(REPORT_FORMATS, chosen)) {
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
