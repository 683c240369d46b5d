/**
 * The bodies API Gateway (an HTTP API) answers with itself, before a
 * function runs or instead of its answer. An HTTP API cannot change them to
 * the contract's error body; docs/api-errors.md says why the API keeps them,
 * the OpenAPI document lists them on every route, and the local gateway
 * answers with the same.
 */
export const GATEWAY_BODIES = {
  /** The JWT authorizer: no, malformed, expired or foreign token. */
  401: { message: "Unauthorized" },
  /** The stage throttle. */
  429: { message: "Too Many Requests" },
  /** The function failed, crashed or reached its own timeout. */
  500: { message: "Internal Server Error" },
  /** The function was still running when the integration's 30 seconds ran out. */
  503: { message: "Service Unavailable" },
} as const;

export type GatewayStatus = keyof typeof GATEWAY_BODIES;
