import * as z from "zod";
import type { Principal } from "../auth/claims.ts";
import type { Cursors } from "../http/cursor.ts";
import { ApiError } from "../http/errors.ts";
import type { AuditNote } from "../http/handler.ts";
import { type Page, parseListQuery, periodKeys } from "../http/list-query.ts";
import type { RedactedIncident } from "../privacy/redact.ts";
import type { RedactedRecord } from "../privacy/redact-stage.ts";

/** One page of the school's or the district's index. */
export interface RedactedQuery {
  schoolId?: string;
  /** Inclusive lower and upper bounds on `occurredKey`. */
  fromKey: string;
  toKey: string;
  limit: number;
  startKey?: Record<string, string>;
  /** Leave voided incidents out (contracts section 8); a report counts them, a list does not. */
  activeOnly?: boolean;
}

export interface ListPorts {
  queryRedacted(query: RedactedQuery): Promise<{
    records: RedactedRecord[];
    lastKey: Record<string, string> | undefined;
  }>;
}

const SchoolIdParam = z.string().regex(/^[A-Za-z0-9-]{1,32}$/, "must be a school id");

const CursorSchema = z.strictObject({
  incidentId: z.string().max(64),
  occurredKey: z.string().max(128),
  schoolId: z.string().max(32).optional(),
  district: z.literal("district").optional(),
});

/**
 * Redacted incidents of one school or the district, oldest first, from an
 * index (never a scan), each at its current version; a voided one is left
 * out (DynamoDB filters it after reading, so a page may be short while
 * `nextCursor` goes on). A school admin lists their own schools only.
 */
export const listIncidents = async (
  parameters: Record<string, string | undefined> | undefined,
  principal: Principal,
  audit: AuditNote,
  ports: ListPorts,
  cursors: Cursors,
): Promise<Page<RedactedIncident>> => {
  if (principal.role !== "school_admin" && principal.role !== "district_analyst") {
    throw new ApiError("FORBIDDEN", "Your role may not list incidents.");
  }
  const query = parseListQuery(parameters, { schoolId: SchoolIdParam.optional() });
  let schoolId = query.schoolId;
  if (principal.role === "school_admin") {
    if (schoolId === undefined && principal.schoolIds.size === 1) [schoolId] = principal.schoolIds;
    if (schoolId === undefined) {
      throw new ApiError(
        "VALIDATION_FAILED",
        "Name one of your schools.",
        [{ path: "schoolId", message: "required when you administer several schools" }],
        400,
      );
    }
    if (!principal.schoolIds.has(schoolId)) {
      throw new ApiError("FORBIDDEN", "You may not list this school's incidents.");
    }
  }
  audit.target = schoolId ?? "district";
  const startKey = query.cursor ? await cursors.decode(query.cursor, CursorSchema) : undefined;
  if (startKey && (startKey.schoolId ?? null) !== (schoolId ?? null)) {
    throw new ApiError(
      "VALIDATION_FAILED",
      "The cursor belongs to another listing.",
      [{ path: "cursor", message: "invalid cursor" }],
      400,
    );
  }
  const { records, lastKey } = await ports.queryRedacted({
    ...(schoolId ? { schoolId } : {}),
    ...periodKeys(query.fromInstant, query.toExclusive),
    limit: query.limit,
    ...(startKey ? { startKey: startKey as Record<string, string> } : {}),
    activeOnly: true,
  });
  return {
    items: records.map((record) => record.incident),
    nextCursor: lastKey ? await cursors.encode(lastKey) : null,
  };
};
