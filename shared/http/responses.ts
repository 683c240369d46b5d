import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { ApiError } from "./errors.ts";

const SECURITY_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
};

export const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: SECURITY_HEADERS,
  body: JSON.stringify(body),
});

export const errorResponse = (error: ApiError): APIGatewayProxyStructuredResultV2 =>
  json(error.status, error.toBody());

/**
 * Maps anything thrown by a use case to a response. Unknown failures become a
 * fixed 500 body; their details go only to the (value-free) log line.
 */
export const toErrorResponse = (thrown: unknown): APIGatewayProxyStructuredResultV2 =>
  thrown instanceof ApiError
    ? errorResponse(thrown)
    : errorResponse(new ApiError("INTERNAL", "The request could not be completed."));
