import type { IncidentEventV1 } from "./schema.ts";

/**
 * Actions whose record only a records custodian may void (contracts section
 * 8), so that force, handcuffing, a citation, an arrest or a referral to
 * prosecution cannot quietly disappear.
 */
export const PROTECTED_ACTIONS: ReadonlySet<string> = new Set([
  "use_of_force",
  "handcuffed",
  "citation",
  "arrest",
  "referral_to_prosecution",
]);

/**
 * Whether any student of the event has one of them. The head of the version
 * chain keeps this one bit of the current version (`recordsProtectedAction`
 * on the intake receipt), so that the correction function can apply the
 * rule without reading the restricted table.
 */
export const recordsProtectedAction = (event: IncidentEventV1): boolean =>
  event.students.some((student) => student.actions.some((action) => PROTECTED_ACTIONS.has(action)));
