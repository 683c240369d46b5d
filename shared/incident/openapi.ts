import * as z from "zod";
import { ACTIVITY_TYPES } from "../activity/model.ts";
import { ActivitySchema } from "../activity/schema.ts";
import { GATEWAY_BODIES, type GatewayStatus } from "../http/gateway-bodies.ts";
import { RedactedIncidentSchema } from "../privacy/redact.ts";
import { IncidentEventV1Schema } from "./schema.ts";

/** JSON Schema (2020-12) of the incident event, generated from the validating zod schema. */
export const incidentEventJsonSchema = () =>
  z.toJSONSchema(IncidentEventV1Schema, {
    target: "draft-2020-12",
    io: "input",
    unrepresentable: "any",
  });

const errorCodes = [
  "MALFORMED_JSON",
  "UNSUPPORTED_MEDIA_TYPE",
  "PAYLOAD_TOO_LARGE",
  "VALIDATION_FAILED",
  "FORBIDDEN_FIELD",
  "FORBIDDEN_CONTENT",
  "CONFLICT",
  "VERSION_CONFLICT",
  "VOIDED",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "UNAVAILABLE",
  "INTERNAL",
] as const;

export const ErrorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(errorCodes),
    message: z.string(),
    details: z
      .array(
        z.strictObject({
          path: z.string(),
          message: z.string(),
          /** VERSION_CONFLICT: the incident's current version. */
          currentVersion: z.number().int().min(1).optional(),
        }),
      )
      .optional(),
  }),
});

export const AcceptedSchema = z.strictObject({
  incidentId: z.uuid(),
  status: z.literal("accepted"),
});

export const AuthorViewSchema = z.strictObject({
  view: z.literal("full"),
  /** The current version's event; for a voided incident, the one the void withdrew. */
  incident: IncidentEventV1Schema,
  receivedAt: z.iso.datetime(),
  version: z.number().int().min(1),
  status: z.enum(["active", "voided"]),
});

/** Contracts section 8: one version, oldest first; `sub` only for the author and a custodian. */
const VersionsSchema = z.strictObject({
  items: z.array(
    z.strictObject({
      version: z.number().int().min(1),
      at: z.iso.datetime(),
      kind: z.enum(["submitted", "corrected", "voided"]),
      reason: z.string().nullable(),
      changedPaths: z.array(z.string()),
      sub: z.string().optional(),
    }),
  ),
});

const StudentIncidentSchema = z.strictObject({
  incidentId: z.guid(),
  occurredAt: z.string(),
  schoolId: z.string(),
  status: z.enum(["active", "voided"]),
  version: z.number().int().min(1),
});

export const RedactedViewSchema = z.strictObject({
  view: z.literal("redacted"),
  incident: RedactedIncidentSchema,
});

const page = (item: z.ZodType) =>
  z.strictObject({ items: z.array(item), nextCursor: z.string().nullable() });

/** Contracts section 8: a correction or a void was accepted as version `version`. */
const CorrectionAcceptedSchema = z.strictObject({
  incidentId: z.uuid(),
  version: z.number().int().min(2),
  status: z.literal("accepted"),
});

/** The request: a complete event to correct, or `void: true`; the same envelope either way. */
const correctionEnvelope = {
  correctionId: {
    type: "string",
    format: "uuid",
    description: "Idempotency key of this correction",
  },
  baseVersion: {
    type: "integer",
    minimum: 1,
    description: "The version this correction was made from; it must be the current one",
  },
  reason: {
    type: "string",
    minLength: 1,
    maxLength: 500,
    description: "Why; checked for the forbidden terms as a narrative is",
  },
} as const;
const correctionRequestSchema = {
  oneOf: [
    {
      type: "object",
      properties: {
        ...correctionEnvelope,
        incident: { $ref: "#/components/schemas/IncidentEventV1" },
      },
      required: ["correctionId", "baseVersion", "reason", "incident"],
      additionalProperties: false,
    },
    {
      type: "object",
      properties: { ...correctionEnvelope, void: { const: true } },
      required: ["correctionId", "baseVersion", "reason", "void"],
      additionalProperties: false,
    },
  ],
};

const ActivityAcceptedSchema = z.strictObject({
  activityId: z.uuid(),
  status: z.literal("accepted"),
});

const ActivityViewSchema = z.strictObject({
  activityId: z.uuid(),
  schoolId: z.string(),
  date: z.iso.date(),
  type: z.enum(ACTIVITY_TYPES),
  minutes: z.number().int(),
  attendees: z.number().int().optional(),
  recordedAt: z.iso.datetime(),
});

/** "My reports" (contracts section 7): from the intake receipt; null where a receipt predates summaries. */
const MyIncidentSchema = z.strictObject({
  incidentId: z.guid(),
  occurredAt: z.string().nullable(),
  schoolId: z.string().nullable(),
  category: z.string().nullable(),
  students: z.number().int().nullable(),
  receivedAt: z.iso.datetime(),
  version: z.number().int().min(1),
  status: z.enum(["active", "voided"]),
});

const AuditEntrySchema = z.strictObject({
  at: z.iso.datetime(),
  userId: z.string(),
  role: z.string(),
  action: z.string(),
  target: z.string().optional(),
  outcome: z.enum(["allowed", "refused", "not_found", "failed"]),
  code: z.string().optional(),
  reason: z.string().optional(),
  requestId: z.string().optional(),
});

const listParameters = [
  {
    name: "from",
    in: "query",
    schema: { type: "string", format: "date" },
    description: "first date, inclusive, in the district's time zone",
  },
  {
    name: "to",
    in: "query",
    schema: { type: "string", format: "date" },
    description: "last date, inclusive",
  },
  { name: "cursor", in: "query", schema: { type: "string" } },
  {
    name: "limit",
    in: "query",
    schema: { type: "integer", minimum: 1, maximum: 200, default: 50 },
  },
];

const schemaOf = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { target: "draft-2020-12", io: "output", unrepresentable: "any" });

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

const gatewayBody = (status: GatewayStatus) => ({
  type: "object",
  properties: { message: { const: GATEWAY_BODIES[status].message } },
  required: ["message"],
  additionalProperties: false,
});

const GATEWAY_RESPONSES = {
  401: "No, malformed, expired or foreign bearer token: API Gateway's JWT authorizer refuses it before any function runs, with its own body",
  429: "Throttled by API Gateway (the stage's rate and burst limits), with its own body: retry later with the same request",
  500: "The function failed or timed out: API Gateway's own body; for POST /incidents the outcome is unknown, retry with the same incidentId",
  503: "The function did not answer within the integration's 30 seconds: API Gateway's own body; the outcome is unknown, retry with the same incidentId",
} as const;

type Operation = { security?: unknown[]; responses: Record<string, Response> };
type Response = { description: string; content?: { "application/json": { schema: unknown } } };

/**
 * Every operation lists the bodies API Gateway may answer it with: the
 * authorizer's 401 (authorised routes only), throttling, and the
 * integration's 500 and 503, beside any contract error of the same status
 * that the function itself answers.
 */
const withGatewayResponses = <Paths extends Record<string, Record<string, Operation>>>(
  paths: Paths,
): Paths => {
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      const authorised = !Array.isArray(operation.security) || operation.security.length > 0;
      for (const [status, description] of Object.entries(GATEWAY_RESPONSES)) {
        if (status === "401" && !authorised) continue;
        const gateway = { $ref: `#/components/schemas/Gateway${status}` };
        const own = operation.responses[status];
        operation.responses[status] = own?.content
          ? {
              description: `${own.description}. Or: ${description}`,
              content: {
                "application/json": {
                  schema: { oneOf: [own.content["application/json"].schema, gateway] },
                },
              },
            }
          : { description, content: { "application/json": { schema: gateway } } };
      }
    }
  }
  return paths;
};

/** The parameters both report types take (contracts sections 5 and 9). */
const reportParameterProperties = {
  schoolId: { type: "string" },
  public: { type: "boolean" },
  partition: { enum: ["year", "semester", "quarter"] },
  minCell: { type: "integer", minimum: 1 },
  minN: { type: "integer", minimum: 1 },
  riskRatioThreshold: { type: "number", exclusiveMinimum: 0 },
  confidenceLevel: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 },
  timeZone: { type: "string" },
  routineDisciplineCategories: { type: "array", items: { type: "string" }, minItems: 1 },
} as const;

/** OpenAPI 3.1 (whose schemas are JSON Schema 2020-12) built from the same zod schemas. */
export const openApiDocument = () => ({
  openapi: "3.1.0",
  info: {
    title: "SRO incident pipeline",
    version: "1.0.0",
    description:
      "Records School Resource Officer interactions with students. Bearer tokens are JWTs; roles come from the token's groups.",
  },
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
    schemas: {
      IncidentEventV1: incidentEventJsonSchema(),
      Accepted: schemaOf(AcceptedSchema),
      CorrectionRequest: correctionRequestSchema,
      CorrectionAccepted: schemaOf(CorrectionAcceptedSchema),
      AuthorView: schemaOf(AuthorViewSchema),
      RedactedView: schemaOf(RedactedViewSchema),
      IncidentPage: schemaOf(page(RedactedIncidentSchema)),
      MyIncidentPage: schemaOf(page(MyIncidentSchema)),
      Versions: schemaOf(VersionsSchema),
      StudentIncidentPage: schemaOf(page(StudentIncidentSchema)),
      AuditPage: schemaOf(page(AuditEntrySchema)),
      Activity: z.toJSONSchema(ActivitySchema, {
        target: "draft-2020-12",
        io: "input",
        unrepresentable: "any",
      }),
      ActivityAccepted: schemaOf(ActivityAcceptedSchema),
      ActivityPage: schemaOf(page(ActivityViewSchema)),
      Error: schemaOf(ErrorBodySchema),
      Gateway401: gatewayBody(401),
      Gateway429: gatewayBody(429),
      Gateway500: gatewayBody(500),
      Gateway503: gatewayBody(503),
    },
  },
  security: [{ bearer: [] }],
  paths: withGatewayResponses({
    "/incidents": {
      get: {
        operationId: "listIncidents",
        summary:
          "Redacted incidents of a school or the district, oldest first (school_admin, district_analyst)",
        parameters: [
          ...listParameters,
          { name: "schoolId", in: "query", schema: { type: "string" } },
        ],
        responses: {
          "200": {
            description: "A page",
            content: {
              "application/json": { schema: { $ref: "#/components/schemas/IncidentPage" } },
            },
          },
          "400": errorResponse("VALIDATION_FAILED"),
          "401": errorResponse("UNAUTHENTICATED"),
          "403": errorResponse("FORBIDDEN"),
        },
      },
      post: {
        operationId: "submitIncident",
        summary: "Submit an incident (role sro, for one of the token's schools)",
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: { $ref: "#/components/schemas/IncidentEventV1" } },
          },
        },
        responses: {
          "202": {
            description:
              "Accepted (first time, or a repeat with the same content by the same officer)",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Accepted" } } },
          },
          "400": errorResponse("MALFORMED_JSON: the body is not JSON"),
          "401": errorResponse("UNAUTHENTICATED: no or bad token"),
          "403": errorResponse("FORBIDDEN: role or school not allowed"),
          "409": errorResponse("CONFLICT: same incidentId, other content or another officer"),
          "413": errorResponse("PAYLOAD_TOO_LARGE: body over 256 KiB"),
          "415": errorResponse("UNSUPPORTED_MEDIA_TYPE: not application/json"),
          "422": errorResponse("VALIDATION_FAILED, FORBIDDEN_FIELD or FORBIDDEN_CONTENT"),
          "503": errorResponse("UNAVAILABLE: outcome unknown, retry with the same incidentId"),
        },
      },
    },
    "/incidents/{incidentId}": {
      get: {
        operationId: "readIncident",
        summary:
          "Read an incident: its author and a records_custodian (X-Access-Reason) get the current version unredacted with version and status; a school_admin or district_analyst the redacted one (a voided one: 404)",
        parameters: [
          {
            name: "incidentId",
            in: "path",
            required: true,
            schema: { type: "string", format: "uuid" },
          },
        ],
        responses: {
          "200": {
            description: "The incident",
            content: {
              "application/json": { schema: { $ref: "#/components/schemas/AuthorView" } },
            },
          },
          "400": errorResponse("VALIDATION_FAILED: the id is not a UUID"),
          "401": errorResponse("UNAUTHENTICATED"),
          "403": errorResponse("FORBIDDEN: role may not read incidents this way"),
          "404": errorResponse("NOT_FOUND: no such incident among yours"),
          "503": errorResponse("UNAVAILABLE"),
        },
      },
    },
    "/incidents/{incidentId}/corrections": {
      post: {
        operationId: "correctIncident",
        summary:
          "Correct an incident (a complete version-1 event with the same incidentId) or void it: its author within 720 hours of intake and within its schools, or a records_custodian any time. Checked in this order: a repeated correctionId; visibility and right; the body; VOIDED; baseVersion",
        parameters: [
          {
            name: "incidentId",
            in: "path",
            required: true,
            schema: { type: "string", format: "uuid" },
          },
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: { $ref: "#/components/schemas/CorrectionRequest" } },
          },
        },
        responses: {
          "202": {
            description:
              "Accepted as the new version (first time, or a repeat of the same correctionId with the same content: the same answer)",
            content: {
              "application/json": { schema: { $ref: "#/components/schemas/CorrectionAccepted" } },
            },
          },
          "400": errorResponse("MALFORMED_JSON: the body is not JSON"),
          "401": errorResponse("UNAUTHENTICATED: no or bad token"),
          "403": errorResponse(
            "FORBIDDEN: school_admin, district_analyst and board; the author after 720 hours or outside its schools; an officer's void of an incident that records use_of_force, handcuffed, citation, arrest or referral_to_prosecution",
          ),
          "404": errorResponse("NOT_FOUND: unknown incident, or another officer's"),
          "409": errorResponse(
            "CONFLICT: the correctionId was used with other content; VERSION_CONFLICT: baseVersion is not the current version (details[0].currentVersion gives it); VOIDED: the incident is voided",
          ),
          "413": errorResponse("PAYLOAD_TOO_LARGE: body over 260 KiB"),
          "415": errorResponse("UNSUPPORTED_MEDIA_TYPE: not application/json"),
          "422": errorResponse(
            "VALIDATION_FAILED (also incident.incidentId differing from the path), FORBIDDEN_FIELD or FORBIDDEN_CONTENT (the narrative or the reason), as for POST /incidents",
          ),
          "503": errorResponse("UNAVAILABLE: outcome unknown, retry with the same correctionId"),
        },
      },
    },
    "/incidents/{incidentId}/versions": {
      get: {
        operationId: "readIncidentVersions",
        summary:
          "An incident's versions, oldest first, with the paths each changed (never values): the author and a records_custodian with sub and the reason as written; a district_analyst without sub, the reason redacted as a narrative is",
        parameters: [
          {
            name: "incidentId",
            in: "path",
            required: true,
            schema: { type: "string", format: "uuid" },
          },
          {
            name: "X-Access-Reason",
            in: "header",
            schema: { type: "string", maxLength: 500 },
            description: "records_custodian: optional, kept in the audit entry",
          },
        ],
        responses: {
          "200": {
            description: "The versions",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Versions" } } },
          },
          "400": errorResponse("VALIDATION_FAILED: the id is not a UUID"),
          "401": errorResponse("UNAUTHENTICATED"),
          "403": errorResponse("FORBIDDEN: school_admin and board"),
          "404": errorResponse("NOT_FOUND: unknown, or another officer's"),
          "503": errorResponse("UNAVAILABLE"),
        },
      },
    },
    "/custodian/incidents": {
      get: {
        operationId: "searchStudentIncidents",
        summary:
          "A student's incidents by district local id, oldest first, each confirmed against its current version (records_custodian, with X-Access-Reason)",
        parameters: [
          {
            name: "localId",
            in: "query",
            required: true,
            schema: { type: "string", maxLength: 32 },
          },
          ...listParameters,
          {
            name: "X-Access-Reason",
            in: "header",
            required: true,
            schema: { type: "string", maxLength: 500 },
          },
        ],
        responses: {
          "200": {
            description: "A page",
            content: {
              "application/json": { schema: { $ref: "#/components/schemas/StudentIncidentPage" } },
            },
          },
          "400": errorResponse("VALIDATION_FAILED: no reason, no localId, a bad date or cursor"),
          "401": errorResponse("UNAUTHENTICATED"),
          "403": errorResponse("FORBIDDEN: not a records_custodian"),
          "503": errorResponse("UNAVAILABLE"),
        },
      },
    },
    "/me/incidents": {
      get: {
        operationId: "listMyIncidents",
        summary:
          "Your own reports (role sro), newest receivedAt first, listed the moment intake accepts them; from/to filter occurredAt; voided ones listed with their status",
        parameters: listParameters,
        responses: {
          "200": {
            description: "A page",
            content: {
              "application/json": { schema: { $ref: "#/components/schemas/MyIncidentPage" } },
            },
          },
          "400": errorResponse("VALIDATION_FAILED"),
          "401": errorResponse("UNAUTHENTICATED"),
          "403": errorResponse("FORBIDDEN: not an officer"),
          "503": errorResponse("UNAVAILABLE"),
        },
      },
    },
    "/audit": {
      get: {
        operationId: "listAudit",
        summary: "The audit log, newest first (records_custodian only)",
        parameters: [
          ...listParameters,
          { name: "user", in: "query", schema: { type: "string", maxLength: 256 } },
          {
            name: "action",
            in: "query",
            schema: { type: "string", pattern: "^[a-z_]{1,32}(\\.[a-z_]{1,32}){0,3}$" },
          },
          { name: "target", in: "query", schema: { type: "string", maxLength: 256 } },
        ],
        responses: {
          "200": {
            description: "A page",
            content: { "application/json": { schema: { $ref: "#/components/schemas/AuditPage" } } },
          },
          "400": errorResponse("VALIDATION_FAILED"),
          "401": errorResponse("UNAUTHENTICATED"),
          "403": errorResponse("FORBIDDEN"),
        },
      },
    },
    "/enrollment/{schoolYear}": {
      put: {
        operationId: "uploadEnrollment",
        summary:
          "Replace a school year's enrollment (district_analyst), as CSV: schoolYear,schoolId,dimension,group,enrollment",
        parameters: [
          {
            name: "schoolYear",
            in: "path",
            required: true,
            schema: { type: "string", pattern: "^\\d{4}-\\d{2}$" },
          },
        ],
        requestBody: { required: true, content: { "text/csv": { schema: { type: "string" } } } },
        responses: {
          "200": { description: "Stored; readers see it at once" },
          "400": errorResponse("VALIDATION_FAILED: the school year"),
          "403": errorResponse("FORBIDDEN"),
          "413": errorResponse("PAYLOAD_TOO_LARGE: over 5 MiB"),
          "415": errorResponse("UNSUPPORTED_MEDIA_TYPE: not text/csv"),
          "422": errorResponse("VALIDATION_FAILED: the line and the reason"),
        },
      },
    },
    "/reports": {
      post: {
        operationId: "createReport",
        summary: "Run a disproportionality report or a trend now (district_analyst)",
        description:
          "A period report (reportType period, the default; contracts section 5) or a trend (reportType trend: 2 to 10 consecutive schoolYears, oldest first, cut by partition; contracts section 9). A public request (public: true) takes the district's configured parameters and may set none of partition, minCell, minN, riskRatioThreshold, confidenceLevel, timeZone, routineDisciplineCategories or persistenceYears; a public period is one of the district's partition that ended at least publicationDelayDays ago, in a school year not published under another partition. A public trend copies each period's published report, publishing a due one first, and is refused whole if any of its periods is not yet publishable.",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                oneOf: [
                  {
                    type: "object",
                    required: ["schoolYear"],
                    additionalProperties: false,
                    properties: {
                      reportType: { const: "period" },
                      schoolYear: { type: "string" },
                      from: { type: "string", format: "date" },
                      to: { type: "string", format: "date" },
                      ...reportParameterProperties,
                    },
                  },
                  {
                    type: "object",
                    required: ["reportType", "schoolYears"],
                    additionalProperties: false,
                    properties: {
                      reportType: { const: "trend" },
                      schoolYears: {
                        type: "array",
                        items: { type: "string" },
                        minItems: 2,
                        maxItems: 10,
                      },
                      ...reportParameterProperties,
                      persistenceYears: { type: "integer", minimum: 1, maximum: 3 },
                    },
                  },
                ],
              },
            },
          },
        },
        responses: {
          "201": {
            description:
              "Made; its index entry (reportType, and for a trend schoolYears and partition)",
          },
          "200": { description: "A public period or public trend already published: its entry" },
          "400": errorResponse(
            "VALIDATION_FAILED: a parameter, the period or the scope; a public request that sets a parameter, a period not yet publishable, or another partition than the school year's first publication",
          ),
          "403": errorResponse("FORBIDDEN"),
        },
      },
      get: {
        operationId: "listReports",
        summary: "Reports, newest first (district_analyst: all; board: public only)",
        parameters: listParameters,
        responses: {
          "200": { description: "A page of index entries (the board's without requestedBy)" },
          "403": errorResponse("FORBIDDEN"),
        },
      },
    },
    "/reports/{reportId}": {
      get: {
        operationId: "readReport",
        summary:
          "A report as JSON (contracts section 5, or a trend's of section 9), CSV or the board page (HTML; a trend's page charts each group over its periods)",
        parameters: [
          { name: "reportId", in: "path", required: true, schema: { type: "string" } },
          {
            name: "format",
            in: "query",
            schema: { enum: ["json", "csv", "html"], default: "json" },
          },
        ],
        responses: {
          "200": { description: "The report file" },
          "400": errorResponse("VALIDATION_FAILED: the format"),
          "403": errorResponse("FORBIDDEN"),
          "404": errorResponse("NOT_FOUND (also an internal report asked for by the board)"),
        },
      },
    },
    "/exports/incidents": {
      get: {
        operationId: "exportIncidents",
        summary:
          "A school year's incidents as NDJSON (district_analyst): each line the redacted current version with studentKeys, version and status; a voided incident's line only status, version, schoolId and occurredAt. X-As-Of gives the instant counted; the report CLI reads the lines with --as-of",
        parameters: [
          {
            name: "schoolYear",
            in: "query",
            required: true,
            schema: { type: "string", pattern: "^\\d{4}-\\d{2}$" },
          },
        ],
        responses: {
          "200": {
            description:
              "application/x-ndjson, oldest first; the header X-As-Of gives the instant it counts",
          },
          "400": errorResponse("VALIDATION_FAILED: the school year"),
          "401": errorResponse("UNAUTHENTICATED"),
          "403": errorResponse("FORBIDDEN: not a district_analyst"),
          "413": errorResponse("PAYLOAD_TOO_LARGE: the year's export exceeds one answer"),
          "503": errorResponse("UNAVAILABLE"),
        },
      },
    },
    "/activities": {
      post: {
        operationId: "recordActivity",
        summary:
          "Record an SRO activity (role sro, for one of the token's schools); idempotent by activityId",
        requestBody: {
          required: true,
          content: { "application/json": { schema: { $ref: "#/components/schemas/Activity" } } },
        },
        responses: {
          "202": {
            description:
              "Accepted (first time, or a repeat with the same content by the same officer)",
            content: {
              "application/json": { schema: { $ref: "#/components/schemas/ActivityAccepted" } },
            },
          },
          "400": errorResponse("MALFORMED_JSON: the body is not JSON"),
          "401": errorResponse("UNAUTHENTICATED: no or bad token"),
          "403": errorResponse("FORBIDDEN: role or school not allowed"),
          "409": errorResponse(
            "CONFLICT: same activityId, other content, another officer, or a deleted activity",
          ),
          "413": errorResponse("PAYLOAD_TOO_LARGE: body over 4 KiB"),
          "415": errorResponse("UNSUPPORTED_MEDIA_TYPE: not application/json"),
          "422": errorResponse("VALIDATION_FAILED, one detail per problem with its path"),
          "503": errorResponse("UNAVAILABLE: outcome unknown, retry with the same activityId"),
        },
      },
      get: {
        operationId: "listActivities",
        summary:
          "Activities, newest date first: sro its own, school_admin one of its schools, district_analyst a school or the district",
        parameters: [
          ...listParameters,
          {
            name: "schoolId",
            in: "query",
            schema: { type: "string" },
            description: "school_admin (required with several schools) and district_analyst only",
          },
        ],
        responses: {
          "200": {
            description: "A page",
            content: {
              "application/json": { schema: { $ref: "#/components/schemas/ActivityPage" } },
            },
          },
          "400": errorResponse("VALIDATION_FAILED"),
          "401": errorResponse("UNAUTHENTICATED"),
          "403": errorResponse("FORBIDDEN"),
          "503": errorResponse("UNAVAILABLE"),
        },
      },
    },
    "/activities/{activityId}": {
      delete: {
        operationId: "deleteActivity",
        summary: "Delete an activity you recorded, within 720 hours of recording it (role sro)",
        parameters: [
          {
            name: "activityId",
            in: "path",
            required: true,
            schema: { type: "string", format: "uuid" },
          },
        ],
        responses: {
          "204": { description: "Deleted" },
          "401": errorResponse("UNAUTHENTICATED"),
          "403": errorResponse("FORBIDDEN: not an officer, or more than 720 hours since recording"),
          "404": errorResponse(
            "NOT_FOUND: no such activity among yours (another officer's, or already deleted)",
          ),
          "503": errorResponse("UNAVAILABLE"),
        },
      },
    },
    "/openapi.json": {
      get: {
        operationId: "openApi",
        summary: "This document",
        security: [],
        responses: { "200": { description: "OpenAPI 3.1 document" } } as Record<string, Response>,
      },
    },
  }),
});
