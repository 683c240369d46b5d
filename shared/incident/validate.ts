import type * as z from "zod";
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
export const parseJsonBody = (raw: RawBody, maxBytes = MAX_BODY_BYTES): unknown =>
  parseJsonRequestBody(raw, { maxBytes, what: "incident" });

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
const maskSubmittedKeys = (path: JsonPath, known: ReadonlySet<string>): JsonPath =>
  path.map((segment, index) =>
    typeof segment === "number" || index === path.length - 1 || known.has(segment) ? segment : "*",
  );

/**
 * The FORBIDDEN_FIELD row, checked before anything else in a body.
 * `envelopeKeys` are the keys of a body that wraps an event (a correction).
 */
export const refuseForbiddenFields = (body: unknown, envelopeKeys: readonly string[] = []) => {
  const forbidden = findForbiddenFields(body);
  if (forbidden.length === 0) return;
  const known = new Set([...CONTRACT_KEYS, ...envelopeKeys]);
  throw new ApiError(
    "FORBIDDEN_FIELD",
    "Citizenship and immigration information may not be collected (California Education Code 234.7). Remove the field.",
    forbidden.map((path) => ({
      path: formatPath(maskSubmittedKeys(path, known)),
      message: "field about citizenship or immigration status (Education Code 234.7)",
    })),
  );
};

/** The VALIDATION_FAILED row: one detail per schema problem, at its path. */
export const parseOrRefuse = <T>(schema: z.ZodType<T>, body: unknown, message: string): T => {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new ApiError("VALIDATION_FAILED", message, result.error.issues.map(issueToDetail));
  }
  return result.data;
};

/** The FORBIDDEN_CONTENT row, for each free text at its path (the narrative, a correction's reason). */
export const refuseForbiddenTerms = (texts: ReadonlyArray<{ path: string; text?: string }>) => {
  const details = texts.flatMap(({ path, text }) =>
    text === undefined
      ? []
      : findForbiddenTerms(text).map((term) => ({ path, message: `mentions "${term}"` })),
  );
  if (details.length === 0) return;
  throw new ApiError(
    "FORBIDDEN_CONTENT",
    "The text mentions immigration or citizenship status, which may not be recorded (California Education Code 234.7). Rewrite it without the listed terms.",
    details,
  );
};

/** The 422 rows: forbidden fields first, then the schema, then the narrative. */
export const validateIncidentEvent = (body: unknown): IncidentEventV1 => {
  refuseForbiddenFields(body);
  const event = parseOrRefuse(
    IncidentEventV1Schema,
    body,
    "The incident does not match the event contract.",
  );
  refuseForbiddenTerms([{ path: "narrative", text: event.narrative }]);
  return event;
};
