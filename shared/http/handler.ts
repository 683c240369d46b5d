import type { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
} from "aws-lambda";
import type { AuditEntry, AuditOutcome } from "../audit/entry.ts";
import { type Principal, principalFromClaims } from "../auth/claims.ts";
import { errorKind } from "../observability.ts";
import { ApiError, unavailableOnFailure } from "./errors.ts";
import { toErrorResponse } from "./responses.ts";

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2;

/** What the audit log records of a request; a route fills in its target and reason. */
export interface AuditNote {
  action: string;
  target?: string;
  reason?: string;
  /** An allowed request that found nothing (a 200 with no data is still "allowed"). */
  outcome?: AuditOutcome;
  /**
   * The function this request was handed to wrote its entry (the restricted
   * read): one entry per request, written by the function that served it.
   */
  recordedElsewhere?: boolean;
}

export interface HttpRequest {
  event: HttpEvent;
  principal: Principal;
  audit: AuditNote;
}

export type AuditSink = (entry: AuditEntry) => Promise<void>;

/** Who is calling: by default the claims API Gateway's JWT authorizer verified. */
export type Authenticate = (event: HttpEvent) => Principal | Promise<Principal>;

const authorizerClaims: Authenticate = (event) =>
  principalFromClaims(event.requestContext?.authorizer?.jwt?.claims);

/**
 * The frame every HTTP function shares: reads the caller (from the
 * authorizer's claims unless told otherwise), turns refusals into contract
 * errors, writes the request to the audit log, and logs and counts each
 * outcome by code, without any submitted value. An allowed request whose
 * audit entry cannot be written is answered 503: nothing is served unaudited.
 * The audit sink is the function's to wire (the audit table in Lambda), so
 * the frame stays free of adapters.
 */
export const httpHandler = (
  {
    logger,
    metrics,
    audit,
    authenticate = authorizerClaims,
  }: { logger: Logger; metrics: Metrics; audit: AuditSink; authenticate?: Authenticate },
  action: string,
  route: (request: HttpRequest) => Promise<HttpResult>,
) =>
  middy(async (event: HttpEvent): Promise<HttpResult> => {
    const requestId = event.requestContext?.requestId;
    logger.appendKeys({ requestId });
    const note: AuditNote = { action };
    let principal: Principal | undefined;
    const record = (outcome: AuditOutcome, code?: string) =>
      audit({
        at: new Date().toISOString(),
        userId: principal?.userId ?? "unknown",
        role: principal?.role ?? "unknown",
        action: note.action,
        ...(note.target ? { target: note.target } : {}),
        outcome,
        ...(code ? { code } : {}),
        ...(note.reason ? { reason: note.reason } : {}),
        ...(requestId ? { requestId } : {}),
      });
    try {
      principal = await authenticate(event);
      logger.appendKeys({ userId: principal.userId, role: principal.role });
      const result = await route({ event, principal, audit: note });
      if (!note.recordedElsewhere)
        await unavailableOnFailure(() => record(note.outcome ?? "allowed"));
      metrics.addMetric(`Status${result.statusCode}`, MetricUnit.Count, 1);
      return result;
    } catch (thrown) {
      const response = toErrorResponse(thrown);
      const status = response.statusCode ?? 500;
      const code = thrown instanceof ApiError ? thrown.code : "INTERNAL";
      const cause = thrown instanceof ApiError ? thrown.cause : thrown;
      const details = { code, status, ...(cause ? { cause: errorKind(cause) } : {}) };
      if (status >= 500) logger.error("request failed", details);
      else logger.info("request refused", details);
      metrics.addMetric(`Refused_${code}`, MetricUnit.Count, 1);
      const outcome: AuditOutcome =
        note.outcome ?? (status === 404 ? "not_found" : status >= 500 ? "failed" : "refused");
      // A refusal is answered whatever happens, but its entry gets a second try.
      await record(outcome, code)
        .catch(() => record(outcome, code))
        .catch((failure) =>
          logger.error("audit entry not written", { code, cause: errorKind(failure) }),
        );
      return response;
    } finally {
      logger.removeKeys(["requestId", "userId", "role"]);
    }
  })
    // Explicitly off, whatever POWERTOOLS_LOGGER_LOG_EVENT says: an event
    // carries bodies and headers, and no setting may put those in a log.
    .use(injectLambdaContext(logger, { logEvent: false }))
    .use(logMetrics(metrics));

/** API Gateway lower-cases header names in payload v2; the local gateway does the same. */
export const header = (event: HttpEvent, name: string): string | undefined =>
  event.headers?.[name.toLowerCase()];

export const rawBody = (event: HttpEvent): Buffer =>
  event.body === undefined
    ? Buffer.alloc(0)
    : Buffer.from(event.body, event.isBase64Encoded ? "base64" : "utf8");
