import * as z from "zod";
import type { Principal } from "../auth/claims.ts";
import { ApiError } from "../http/errors.ts";
import type { AuditNote } from "../http/handler.ts";
import { RedactedIncidentSchema } from "../privacy/redact.ts";
import { type IncidentStatus, isVoided, type RedactedRecord } from "../privacy/redact-stage.ts";
import { DEFAULT_TIME_ZONE, nextDate, startOfDay } from "../time/zoned.ts";
import type { CountedIncident } from "./engine.ts";
import { schoolYearBounds } from "./request.ts";
import { incidentsAround } from "./run.ts";

/** What reports count of a redacted item: its current version, voided ones by place and time only. */
export const countedOf = (record: RedactedRecord): CountedIncident => {
  const version = record.version ?? 1;
  return isVoided(record)
    ? {
        status: "voided",
        version,
        schoolId: record.incident.schoolId,
        occurredAt: record.incident.occurredAt,
      }
    : { status: "active", version, incident: record.incident };
};

/**
 * One line of GET /exports/incidents (contracts section 8): the redacted
 * current version with `version` and `status` beside its fields. A voided
 * incident's line holds none of its content, no id and no student: only what
 * places it in a report's period and scope, so that a report computed from
 * the export counts `totals.voided` as the pipeline did.
 */
export const exportLine = (counted: CountedIncident): string =>
  JSON.stringify(
    counted.status === "active"
      ? { ...counted.incident, version: counted.version, status: "active" }
      : {
          status: "voided",
          version: counted.version,
          schoolId: counted.schoolId,
          occurredAt: counted.occurredAt,
        },
  );

const version = z.int().min(1).max(1_000_000);

const ActiveLineSchema = RedactedIncidentSchema.extend({
  version,
  status: z.literal("active"),
});

const VoidedLineSchema = z.strictObject({
  status: z.literal("voided"),
  version,
  schoolId: RedactedIncidentSchema.shape.schoolId,
  occurredAt: RedactedIncidentSchema.shape.occurredAt,
});

/** Version-1 events carry no `status`: a line that does is an export line. */
export const isExportLine = (value: unknown): boolean =>
  typeof value === "object" && value !== null && !Array.isArray(value) && "status" in value;

export type ExportLineResult =
  | { ok: true; counted: CountedIncident }
  | { ok: false; path: string; message: string };

/** An export line read back, for the report CLI; a problem is named by its path, never its value. */
export const parseExportLine = (value: unknown): ExportLineResult => {
  const status = (value as { status?: unknown }).status as IncidentStatus | unknown;
  const result =
    status === "voided" ? VoidedLineSchema.safeParse(value) : ActiveLineSchema.safeParse(value);
  if (!result.success) {
    const [issue] = result.error.issues;
    return {
      ok: false,
      path: issue?.path.map(String).join(".") || "line",
      message:
        issue?.code === "unrecognized_keys" ? "unknown field" : (issue?.message ?? "invalid"),
    };
  }
  if (result.data.status === "voided") {
    const { schoolId, occurredAt } = result.data as z.infer<typeof VoidedLineSchema>;
    return {
      ok: true,
      counted: { status: "voided", version: result.data.version, schoolId, occurredAt },
    };
  }
  const {
    version: number,
    status: _status,
    ...incident
  } = result.data as z.infer<typeof ActiveLineSchema>;
  return { ok: true, counted: { status: "active", version: number, incident } };
};

export interface ExportPorts {
  /** Every redacted item of the key range, district-wide, voided ones too, from an index. */
  countedBetween(query: { fromKey: string; toKey: string }): AsyncIterable<CountedIncident>;
  now(): Date;
}

/**
 * What one answer can carry: Lambda's response payload is 6 MB, and the
 * export is answered whole so that it is one instant's data.
 */
export const MAX_EXPORT_BYTES = 5_500_000;

const ExportQuerySchema = z.strictObject({
  // The years whose dates every list and report accepts (2000 to 2099).
  schoolYear: z
    .string()
    .regex(/^20\d{2}-\d{2}$/, "must be a school year like 2025-26")
    .refine((value) => value < "2099", "must be a school year like 2025-26"),
});

/**
 * GET /exports/incidents?schoolYear=Y (contracts section 8), for a district
 * analyst: the current version of each of the year's incidents, redacted,
 * oldest first, one line each (a voided one as its placeholder line), and
 * the instant it counts (`X-As-Of`). The year is the school year of the
 * incident's calendar date in the district's time zone, as reports read it.
 */
export const exportIncidents = async (
  parameters: Record<string, string | undefined> | undefined,
  principal: Principal,
  audit: AuditNote,
  ports: ExportPorts,
  timeZone: string = process.env.DISTRICT_TIME_ZONE ?? DEFAULT_TIME_ZONE,
): Promise<{ asOf: string; body: string }> => {
  if (principal.role !== "district_analyst") {
    throw new ApiError("FORBIDDEN", "Only a district analyst may export incidents.");
  }
  const parsed = ExportQuerySchema.safeParse(parameters ?? {});
  if (!parsed.success) {
    throw new ApiError(
      "VALIDATION_FAILED",
      "The query parameters are not valid.",
      parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join(".") || "query",
        message: issue.code === "unrecognized_keys" ? "unknown query parameter" : issue.message,
      })),
      400,
    );
  }
  const { schoolYear } = parsed.data;
  let period: { from: string; to: string };
  try {
    period = schoolYearBounds(schoolYear);
  } catch {
    throw new ApiError(
      "VALIDATION_FAILED",
      "The school year must look like 2025-26.",
      [{ path: "schoolYear", message: "must be a school year like 2025-26" }],
      400,
    );
  }
  audit.target = schoolYear;
  const start = startOfDay(period.from, timeZone).getTime();
  const end = startOfDay(nextDate(period.to), timeZone).getTime();
  // Taken before the first read, as a report's asOf is.
  const asOf = ports.now().toISOString();
  const lines: string[] = [];
  let bytes = 0;
  for await (const counted of incidentsAround(
    { period, scope: { level: "district" }, parameters: { timeZone } },
    { incidentsBetween: ports.countedBetween },
  ) as AsyncIterable<CountedIncident>) {
    const occurredAt =
      counted.status === "voided" ? counted.occurredAt : counted.incident.occurredAt;
    const at = Date.parse(occurredAt);
    if (!(at >= start && at < end)) continue;
    const line = exportLine(counted);
    bytes += Buffer.byteLength(line) + 1;
    if (bytes > MAX_EXPORT_BYTES) {
      throw new ApiError(
        "PAYLOAD_TOO_LARGE",
        "The school year's export is larger than one answer can carry.",
      );
    }
    lines.push(line);
  }
  return { asOf, body: lines.length > 0 ? `${lines.join("\n")}\n` : "" };
};
