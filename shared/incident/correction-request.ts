import * as z from "zod";
import { ApiError } from "../http/errors.ts";
import type { RawBody } from "../http/json-body.ts";
import { incidentKey } from "./key.ts";
import { MAX_REASON_LENGTH } from "./messages.ts";
import { contractObject, type IncidentEventV1, IncidentEventV1Schema } from "./schema.ts";
import {
  MAX_BODY_BYTES,
  parseJsonBody,
  parseOrRefuse,
  refuseForbiddenFields,
  refuseForbiddenTerms,
} from "./validate.ts";

/**
 * Contracts section 8: `POST /incidents/{incidentId}/corrections`, a
 * correction (a complete version-1 event) or a void, each with an
 * idempotency key, the version it was made from, and why.
 */
export type CorrectionRequest =
  | {
      correctionId: string;
      baseVersion: number;
      reason: string;
      incident: IncidentEventV1;
      void?: undefined;
    }
  | { correctionId: string; baseVersion: number; reason: string; void: true; incident?: undefined };

const ENVELOPE_KEYS = ["correctionId", "baseVersion", "reason", "incident", "void"] as const;

const CorrectionRequestSchema = contractObject({
  correctionId: z.guid(),
  baseVersion: z.int().min(1).max(1_000_000),
  reason: z
    .string()
    .min(1, "must not be empty")
    .max(MAX_REASON_LENGTH, `must be at most ${MAX_REASON_LENGTH} characters`),
  incident: IncidentEventV1Schema.optional(),
  void: z.literal(true).optional(),
}).superRefine((request, ctx) => {
  if ((request.incident === undefined) === (request.void === undefined)) {
    ctx.addIssue({
      code: "custom",
      path: [],
      message: 'give either "incident" (a correction) or "void": true, not both or neither',
    });
  }
});

/** Room for the envelope around an event of the intake's largest size. */
export const MAX_CORRECTION_BODY_BYTES = MAX_BODY_BYTES + 4 * 1024;

/** The body's framing rows (415, 413, 400), as intake's. */
export const parseCorrectionBody = (raw: RawBody): unknown =>
  parseJsonBody(raw, MAX_CORRECTION_BODY_BYTES);

/**
 * The correctionId of a body not yet validated, when it has one that could
 * have been accepted: the repeat check comes before the body's (contracts
 * section 8's order), and a body without a valid id cannot be a repeat.
 */
export const claimedCorrectionId = (body: unknown): string | undefined => {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return undefined;
  const { correctionId } = body as { correctionId?: unknown };
  return typeof correctionId === "string" && z.guid().safeParse(correctionId).success
    ? correctionId.toLowerCase()
    : undefined;
};

/**
 * The 422 rows exactly as intake's, over the whole body: forbidden fields
 * at any depth first, then the schema (the event's paths under
 * `incident.`), then the forbidden terms in the narrative and the reason,
 * and last that the event is the path's incident.
 */
export const validateCorrectionRequest = (
  body: unknown,
  pathIncidentKey: string,
): CorrectionRequest => {
  refuseForbiddenFields(body, ENVELOPE_KEYS);
  const request = parseOrRefuse(
    CorrectionRequestSchema,
    body,
    "The correction does not match the contract.",
  ) as CorrectionRequest;
  refuseForbiddenTerms([
    { path: "incident.narrative", text: request.incident?.narrative },
    { path: "reason", text: request.reason },
  ]);
  if (request.incident && incidentKey(request.incident.incidentId) !== pathIncidentKey) {
    throw new ApiError("VALIDATION_FAILED", "The correction does not match the contract.", [
      { path: "incident.incidentId", message: "must be the incidentId of the path" },
    ]);
  }
  return request;
};
