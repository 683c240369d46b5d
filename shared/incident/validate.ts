import { ApiError } from "../http/errors.ts";
import { issueToDetail } from "../http/issues.ts";
import { parseJsonRequestBody, type RawBody } from "../http/json-body.ts";
import { findForbiddenFields, findForbiddenTerms, formatPath, type JsonPath } from "./forbidden.ts";
import {
  INCIDENT_EVENT_FIELDS,
  type IncidentEventV1,
  IncidentEventV1Schema,
  PersonSchema,
  StudentRefSchema,
  StudentSchema,
} from "./schema.ts";

export const MAX_BODY_BYTES = 256 * 1024;

/** The incident body: application/json of at most 256 KiB (the 415, 413 and 400 rows of the contract). */
export const parseJsonBody = (raw: RawBody): unknown =>
  parseJsonRequestBody(raw, { maxBytes: MAX_BODY_BYTES, what: "incident" });

const CONTRACT_KEYS: ReadonlySet<string> = new Set([
  ...Object.keys(INCIDENT_EVENT_FIELDS),
  ...Object.keys(StudentSchema.shape),
  ...Object.keys(StudentRefSchema.shape),
  ...Object.keys(PersonSchema.shape),
]);

/**
 * A forbidden field's path names the forbidden key (a spelling of a listed
 * name) but not the keys above it that the contract does not know: those
 * were typed by the submitter and could be anything.
 */
const maskSubmittedKeys = (path: JsonPath): JsonPath =>
  path.map((segment, index) =>
    typeof segment === "number" || index === path.length - 1 || CONTRACT_KEYS.has(segment)
      ? segment
      : "*",
  );

/** The 422 rows: forbidden fields first, then the schema, then the narrative. */
export const validateIncidentEvent = (body: unknown): IncidentEventV1 => {
  const forbidden = findForbiddenFields(body);
  if (forbidden.length > 0) {
    throw new ApiError(
      "FORBIDDEN_FIELD",
      "Citizenship and immigration information may not be collected (California Education Code 234.7). Remove the field.",
      forbidden.map((path) => ({
        path: formatPath(maskSubmittedKeys(path)),
        message: "field about citizenship or immigration status (Education Code 234.7)",
      })),
    );
  }
  const result = IncidentEventV1Schema.safeParse(body);
  if (!result.success) {
    throw new ApiError(
      "VALIDATION_FAILED",
      "The incident does not match the event contract.",
      result.error.issues.map(issueToDetail),
    );
  }
  const event = result.data;
  const terms = event.narrative === undefined ? [] : findForbiddenTerms(event.narrative);
  if (terms.length > 0) {
    throw new ApiError(
      "FORBIDDEN_CONTENT",
      "The narrative mentions immigration or citizenship status, which may not be recorded (California Education Code 234.7). Rewrite it without the listed terms.",
      terms.map((term) => ({ path: "narrative", message: `mentions "${term}"` })),
    );
  }
  return event;
};
