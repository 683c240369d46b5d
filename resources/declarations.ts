/**
 * The one declaration of the pipeline's tables, queues, bucket, functions,
 * routes and settings. The CDK stacks and the local stack build their
 * resources from these entries, and the adapters in shared/ find them at run
 * time through the environment variable names declared here. It is the
 * bottom layer: it imports nothing of the project, so both infra/ and
 * shared/ can depend on it without shared/ depending on the deployment
 * (docs/layers.md).
 */

export interface TableDeclaration {
  /** Construct id in CDK; table name suffix locally. */
  readonly id: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  /** Environment variable through which functions learn the table's name. */
  readonly envVar: string;
  /** Holds identifying student data: its own KMS key and the narrowest grants. */
  readonly restricted: boolean;
  readonly indexes?: ReadonlyArray<IndexDeclaration>;
  /** Items expire through DynamoDB TTL on this attribute (epoch seconds). */
  readonly timeToLiveAttribute?: string;
}

export interface IndexDeclaration {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

export interface QueueDeclaration {
  readonly id: string;
  readonly envVar: string;
  /**
   * The DLQ's URL, given to the queue's consumer only: it sends a message
   * that failed its last attempt there itself, with the reason attached.
   */
  readonly dlqEnvVar: string;
  /** Timeout of the consuming function; the visibility timeout is six times it. */
  readonly consumerTimeoutSeconds: number;
  readonly batchSize: number;
  readonly maxReceiveCount: number;
  /** How long the DLQ keeps a message for someone to look at and redrive. */
  readonly dlqRetentionDays: number;
}

export const TABLES = {
  intakeReceipts: {
    id: "IntakeReceipts",
    partitionKey: "incidentId",
    envVar: "INTAKE_RECEIPTS_TABLE",
    restricted: false,
    indexes: [
      // "My reports" (GET /me/incidents): an officer's receipts, newest
      // first, with the listing summary intake writes beside each.
      { name: "byOfficer", partitionKey: "officerId", sortKey: "receivedAt" },
    ],
  },
  incidents: {
    id: "Incidents",
    partitionKey: "incidentId",
    envVar: "INCIDENTS_TABLE",
    restricted: true,
  },
  redactedIncidents: {
    id: "RedactedIncidents",
    partitionKey: "incidentId",
    envVar: "REDACTED_INCIDENTS_TABLE",
    restricted: false,
    indexes: [
      // Listing by school and period, and district-wide by period: never a scan.
      { name: "bySchool", partitionKey: "schoolId", sortKey: "occurredKey" },
      { name: "byDistrict", partitionKey: "district", sortKey: "occurredKey" },
    ],
  },
  // One item per student key and incident, written by the redact stage, so
  // that a custodian finds a student's incidents with one Query (contracts
  // section 8). Keys and dates only; membership and status are re-read.
  studentIncidents: {
    id: "StudentIncidents",
    partitionKey: "studentKey",
    sortKey: "incidentId",
    envVar: "STUDENT_INCIDENTS_TABLE",
    restricted: false,
  },
  // Corrections' idempotency records: correctionId -> the incident, a digest
  // of the request and caller, the version it made. No expiry, as receipts.
  correctionReceipts: {
    id: "CorrectionReceipts",
    partitionKey: "correctionId",
    envVar: "CORRECTION_RECEIPTS_TABLE",
    restricted: false,
  },
  enrollment: {
    id: "Enrollment",
    // `schoolYear` (the pointer to the current upload) or `schoolYear#version`
    // (one item per school of that upload): a new upload becomes visible all
    // at once when the pointer moves.
    partitionKey: "pk",
    sortKey: "sk",
    envVar: "ENROLLMENT_TABLE",
    restricted: false,
  },
  reports: {
    id: "Reports",
    partitionKey: "reportId",
    envVar: "REPORTS_TABLE",
    restricted: false,
    indexes: [
      { name: "byTime", partitionKey: "listing", sortKey: "createdKey" },
      // Sparse: only public reports carry `publicListing`.
      { name: "publicByTime", partitionKey: "publicListing", sortKey: "createdKey" },
    ],
  },
  activities: {
    id: "Activities",
    partitionKey: "activityId",
    envVar: "ACTIVITIES_TABLE",
    restricted: false,
    indexes: [
      // Each list is a Query of one index, newest date first. A deleted
      // activity loses `dateKey` and so drops out of all three.
      { name: "byAuthor", partitionKey: "authorId", sortKey: "dateKey" },
      { name: "bySchool", partitionKey: "schoolId", sortKey: "dateKey" },
      { name: "byDistrict", partitionKey: "listing", sortKey: "dateKey" },
    ],
  },
  audit: {
    id: "AuditLog",
    partitionKey: "month",
    sortKey: "entryKey",
    envVar: "AUDIT_TABLE",
    restricted: false,
    // The custodian's searches: each is a Query of one index (docs/privacy.md).
    // An entry without a target is left out of byTarget only.
    indexes: [
      { name: "byUser", partitionKey: "userId", sortKey: "entryKey" },
      { name: "byAction", partitionKey: "action", sortKey: "entryKey" },
      { name: "byTarget", partitionKey: "target", sortKey: "entryKey" },
    ],
    timeToLiveAttribute: "expiresAt",
  },
} as const satisfies Record<string, TableDeclaration>;

export const QUEUES = {
  intake: {
    id: "IntakeQueue",
    envVar: "INTAKE_QUEUE_URL",
    dlqEnvVar: "INTAKE_DLQ_URL",
    consumerTimeoutSeconds: 30,
    batchSize: 10,
    maxReceiveCount: 5,
    dlqRetentionDays: 14,
  },
  redaction: {
    id: "RedactionQueue",
    envVar: "REDACTION_QUEUE_URL",
    dlqEnvVar: "REDACTION_DLQ_URL",
    consumerTimeoutSeconds: 30,
    batchSize: 10,
    maxReceiveCount: 5,
    dlqRetentionDays: 14,
  },
} as const satisfies Record<string, QueueDeclaration>;

export type TableKey = keyof typeof TABLES;
export type QueueKey = keyof typeof QUEUES;

/** Visibility timeout: six times the consumer's timeout, as AWS advises for Lambda sources. */
export const visibilityTimeoutSeconds = (queue: QueueDeclaration): number =>
  queue.consumerTimeoutSeconds * 6;

export interface FunctionDeclaration {
  /** Handler file under functions/, exporting `handler`. */
  readonly entry: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** The queue whose batches it consumes, if any. */
  readonly consumes?: QueueKey;
}

export const FUNCTIONS = {
  intake: { entry: "intake", timeoutSeconds: 10, memoryMb: 512 },
  readIncident: { entry: "read-incident", timeoutSeconds: 10, memoryMb: 512 },
  /**
   * The author's and the custodian's reads: the only reader of the
   * restricted table, invoked by readIncident with the caller's token.
   */
  readRestrictedIncident: { entry: "read-restricted-incident", timeoutSeconds: 6, memoryMb: 512 },
  listIncidents: { entry: "list-incidents", timeoutSeconds: 10, memoryMb: 512 },
  listMyIncidents: { entry: "list-my-incidents", timeoutSeconds: 10, memoryMb: 512 },
  correctIncident: { entry: "correct-incident", timeoutSeconds: 10, memoryMb: 512 },
  readAudit: { entry: "read-audit", timeoutSeconds: 10, memoryMb: 512 },
  recordActivity: { entry: "record-activity", timeoutSeconds: 10, memoryMb: 512 },
  deleteActivity: { entry: "delete-activity", timeoutSeconds: 10, memoryMb: 512 },
  listActivities: { entry: "list-activities", timeoutSeconds: 10, memoryMb: 512 },
  openapi: { entry: "openapi", timeoutSeconds: 5, memoryMb: 256 },
  uploadEnrollment: { entry: "upload-enrollment", timeoutSeconds: 30, memoryMb: 512 },
  createReport: { entry: "create-report", timeoutSeconds: 120, memoryMb: 1536 },
  listReports: { entry: "list-reports", timeoutSeconds: 10, memoryMb: 512 },
  readReport: { entry: "read-report", timeoutSeconds: 10, memoryMb: 512 },
  exportIncidents: { entry: "export-incidents", timeoutSeconds: 30, memoryMb: 1024 },
  scheduledReports: { entry: "scheduled-reports", timeoutSeconds: 900, memoryMb: 1536 },
  store: {
    entry: "store",
    timeoutSeconds: QUEUES.intake.consumerTimeoutSeconds,
    memoryMb: 512,
    consumes: "intake",
  },
  redact: {
    entry: "redact",
    timeoutSeconds: QUEUES.redaction.consumerTimeoutSeconds,
    memoryMb: 512,
    consumes: "redaction",
  },
} as const satisfies Record<string, FunctionDeclaration>;

export type FunctionKey = keyof typeof FUNCTIONS;

export interface RouteDeclaration {
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  /** API Gateway path syntax: `{name}` is one path segment. */
  readonly path: string;
  readonly function: FunctionKey;
  /** Public routes skip the JWT authorizer. */
  readonly public?: boolean;
}

export const ROUTES: readonly RouteDeclaration[] = [
  { method: "POST", path: "/incidents", function: "intake" },
  { method: "GET", path: "/incidents", function: "listIncidents" },
  { method: "GET", path: "/incidents/{incidentId}", function: "readIncident" },
  { method: "POST", path: "/incidents/{incidentId}/corrections", function: "correctIncident" },
  // Both are served from the restricted table: readIncident hands them to
  // readRestrictedIncident, as it does the author's and the custodian's reads.
  { method: "GET", path: "/incidents/{incidentId}/versions", function: "readIncident" },
  { method: "GET", path: "/custodian/incidents", function: "readIncident" },
  { method: "GET", path: "/me/incidents", function: "listMyIncidents" },
  { method: "GET", path: "/audit", function: "readAudit" },
  { method: "POST", path: "/activities", function: "recordActivity" },
  { method: "GET", path: "/activities", function: "listActivities" },
  { method: "DELETE", path: "/activities/{activityId}", function: "deleteActivity" },
  { method: "PUT", path: "/enrollment/{schoolYear}", function: "uploadEnrollment" },
  { method: "POST", path: "/reports", function: "createReport" },
  { method: "GET", path: "/reports", function: "listReports" },
  { method: "GET", path: "/reports/{reportId}", function: "readReport" },
  { method: "GET", path: "/exports/incidents", function: "exportIncidents" },
  { method: "GET", path: "/openapi.json", function: "openapi", public: true },
];

/**
 * The API stage's throttle: requests per second, and the burst above it.
 * API Gateway answers a throttled request itself (429, its own body); the
 * local gateway answers with the same body when a stack is given a throttle.
 */
export const API_THROTTLE = { rateLimit: 100, burstLimit: 200 } as const;

/** The identity provider's group and attribute names behind the token claims. */
export const AUTH = {
  schoolIdsAttribute: "schoolIds",
} as const;

/** Settings that reach functions as environment variables (CDK context locally defaulted). */
export const SETTINGS = {
  timeZone: "DISTRICT_TIME_ZONE",
  auditRetentionDays: "AUDIT_RETENTION_DAYS",
  studentKeySecretArn: "STUDENT_KEY_SECRET_ARN",
  studentKeySecretFile: "STUDENT_KEY_SECRET_FILE",
  /** The secret that signs pagination cursors (never the student key secret). */
  cursorSecretArn: "CURSOR_SECRET_ARN",
  cursorSecretFile: "CURSOR_SECRET_FILE",
  /** Name of the function that serves the author's and the custodian's reads. */
  restrictedReadFunction: "RESTRICTED_READ_FUNCTION",
  /** What the restricted read checks bearer tokens against: the user pool, or the dev issuer. */
  tokenIssuer: "TOKEN_ISSUER",
  tokenAudience: "TOKEN_AUDIENCE",
  tokenJwksUrl: "TOKEN_JWKS_URL",
  /** JSON of the report parameters the district chose (CDK context `report`). */
  reportDefaults: "REPORT_DEFAULTS",
} as const;

/** The report bucket: one, KMS-encrypted, private, TLS-only. */
export const REPORTS_BUCKET = { id: "ReportFiles", envVar: "REPORTS_BUCKET" } as const;

/**
 * The report schedule (EventBridge Scheduler cron, six fields) in the
 * district's time zone: by default the 1st of each month at 06:00.
 */
export const DEFAULT_REPORT_SCHEDULE = "cron(0 6 1 * ? *)";

/** The audit log is kept at least this long (CJIS 5.4: one year). */
export const MIN_AUDIT_RETENTION_DAYS = 365;
export const DEFAULT_AUDIT_RETENTION_DAYS = 730;
