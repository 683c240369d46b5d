import type { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
} from "aws-lambda";
import { type Principal, principalFromClaims } from "../auth/claims.ts";
import { errorKind } from "../observability.ts";
import { ApiError } from "./errors.ts";
import { toErrorResponse } from "./responses.ts";

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2;

export interface HttpRequest {
  event: HttpEvent;
  principal: Principal;
}

/**
 * The frame every HTTP function shares: reads the caller from the
 * authorizer's claims, turns refusals into contract errors, and logs and
 * counts each outcome by code, without any submitted value.
 */
export const httpHandler = (
  { logger, metrics }: { logger: Logger; metrics: Metrics },
  route: (request: HttpRequest) => Promise<HttpResult>,
) =>
  middy(async (event: HttpEvent): Promise<HttpResult> => {
    logger.appendKeys({ requestId: event.requestContext?.requestId });
    try {
      const principal = principalFromClaims(event.requestContext?.authorizer?.jwt?.claims);
      logger.appendKeys({ userId: principal.userId, role: principal.role });
      const result = await route({ event, principal });
      metrics.addMetric(`Status${result.statusCode}`, MetricUnit.Count, 1);
      return result;
    } catch (thrown) {
      const response = toErrorResponse(thrown);
      const code = thrown instanceof ApiError ? thrown.code : "INTERNAL";
      const cause = thrown instanceof ApiError ? thrown.cause : thrown;
      const details = {
        code,
        status: response.statusCode,
        ...(cause ? { cause: errorKind(cause) } : {}),
      };
      if ((response.statusCode ?? 500) >= 500) logger.error("request failed", details);
      else logger.info("request refused", details);
      metrics.addMetric(`Refused_${code}`, MetricUnit.Count, 1);
      return response;
    } finally {
      logger.removeKeys(["requestId", "userId", "role"]);
    }
  })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));

/** API Gateway lower-cases header names in payload v2; the local gateway does the same. */
export const header = (event: HttpEvent, name: string): string | undefined =>
  event.headers?.[name.toLowerCase()];

export const rawBody = (event: HttpEvent): Buffer =>
  event.body === undefined
    ? Buffer.alloc(0)
    : Buffer.from(event.body, event.isBase64Encoded ? "base64" : "utf8");
