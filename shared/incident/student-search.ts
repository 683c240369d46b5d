import * as z from "zod";
import type { Principal } from "../auth/claims.ts";
import type { Cursors } from "../http/cursor.ts";
import { ApiError } from "../http/errors.ts";
import type { AuditNote } from "../http/handler.ts";
import { type Page, parseListQuery } from "../http/list-query.ts";
import { occurredKey } from "../privacy/redact-stage.ts";
import { type RestrictedReadPorts, readChain, validateAccessReason } from "./read.ts";
import { statusOf, type VersionStatus } from "./versions.ts";

export interface StudentSearchPorts extends RestrictedReadPorts {
  /** The student's key: the same keyed hash the redaction gives the student. */
  studentKey(localId: string): Promise<string>;
  /** The incident keys the redact stage filed under the student key, current or not. */
  incidentsFiledUnder(studentKey: string): Promise<string[]>;
}

/** One incident of the student (contracts section 8), with the version a correction would start from. */
export interface StudentIncidentItem {
  incidentId: string;
  occurredAt: string;
  schoolId: string;
  status: VersionStatus;
  version: number;
}

const CursorSchema = z.strictObject({ after: z.string().max(128) });
/** Incidents confirmed at once: each is a head read and one batch read of its versions. */
const CONFIRM_CONCURRENCY = 8;

/**
 * GET /custodian/incidents?localId=: every incident whose current version
 * names the student, so that an access or amendment request (FERPA 34 CFR
 * 99.10, 99.20) can be answered. The student index may still list an
 * incident a correction took the student out of; each is confirmed against
 * the head and the current version, which is what the answer reports.
 * Oldest first, as incident lists are; `from`/`to` filter `occurredAt`.
 */
export const searchStudentIncidents = async (
  parameters: Record<string, string | undefined> | undefined,
  accessReason: string | undefined,
  principal: Principal,
  audit: AuditNote,
  ports: StudentSearchPorts,
  cursors: Cursors,
): Promise<Page<StudentIncidentItem>> => {
  if (principal.role !== "records_custodian") {
    throw new ApiError("FORBIDDEN", "Only a records custodian may search by student.");
  }
  audit.reason = validateAccessReason(accessReason);
  const query = parseListQuery(parameters, {
    localId: z.string().min(1, "required").max(32, "at most 32 characters"),
  });
  const after = query.cursor ? (await cursors.decode(query.cursor, CursorSchema)).after : "";
  const studentKey = await ports.studentKey(query.localId);
  // The pseudonymous key, never the local id: the audit log names no student.
  audit.target = `student:${studentKey}`;
  const keys = await ports.incidentsFiledUnder(studentKey);
  const confirmed: Array<StudentIncidentItem & { sortKey: string }> = [];
  for (let first = 0; first < keys.length; first += CONFIRM_CONCURRENCY) {
    const found = await Promise.all(
      keys.slice(first, first + CONFIRM_CONCURRENCY).map(async (key) => {
        const chain = await readChain(key, principal, audit, ports).catch((thrown) => {
          // Filed by the redact stage but not readable: not this student's (yet).
          if (thrown instanceof ApiError && thrown.code === "NOT_FOUND") return undefined;
          throw thrown;
        });
        const current = chain?.[chain.length - 1];
        if (!current?.event.students.some((student) => student.ref.localId === query.localId)) {
          return undefined;
        }
        return {
          incidentId: key,
          occurredAt: current.event.occurredAt,
          schoolId: current.event.schoolId,
          status: statusOf(current),
          version: current.version,
          sortKey: occurredKey(current.event.occurredAt, key),
        };
      }),
    );
    for (const item of found) if (item) confirmed.push(item);
  }
  const from = query.fromInstant?.getTime() ?? Number.NEGATIVE_INFINITY;
  const to = query.toExclusive?.getTime() ?? Number.POSITIVE_INFINITY;
  const listed = confirmed
    .filter((item) => {
      const at = Date.parse(item.occurredAt);
      return at >= from && at < to && item.sortKey > after;
    })
    .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  const page = listed.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(({ sortKey: _sortKey, ...item }) => item),
    nextCursor:
      listed.length > page.length && last ? await cursors.encode({ after: last.sortKey }) : null,
  };
};
