import type { IncidentEventV1 } from "./schema.ts";

/**
 * What "my reports" lists of an incident (contracts section 7), kept on its
 * intake receipt so that a report is listed the moment intake accepts it,
 * before the store stage has run. Nothing in it names or identifies anyone:
 * the receipts table is not the restricted store.
 */
export interface ListingSummary {
  occurredAt: string;
  schoolId: string;
  category: string;
  studentCount: number;
}

export const listingSummary = (event: IncidentEventV1): ListingSummary => ({
  occurredAt: event.occurredAt,
  schoolId: event.schoolId,
  category: event.category,
  studentCount: event.students.length,
});
