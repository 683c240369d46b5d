/**
 * The API on the same origin, with the contract's error bodies mapped to one
 * shape: `{"error": {"code", "message", "details": [{path, message}]}}`.
 * API Gateway's own answers (`{"message": ...}`) and a dropped connection map
 * to the same shape, so the screens handle one thing.
 */

export interface ErrorDetail {
  path: string;
  message: string;
  /** An enrollment CSV's problems name their line and column (contracts section 4). */
  line?: number;
  column?: number | null;
}

export class ApiFailure extends Error {
  override name = "ApiFailure";
  constructor(
    /** 0 when no answer came (no network, dropped connection). */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }

  /** Worth sending again with the same request: the outcome is unknown. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

const GATEWAY_CODES: Record<number, string> = {
  401: "UNAUTHENTICATED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  429: "THROTTLED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

const failureFrom = (status: number, body: unknown): ApiFailure => {
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  if (error && typeof error.code === "string") {
    const details = Array.isArray(error.details)
      ? (error.details as unknown[]).flatMap((detail) => {
          const { path, message, line, column } = (detail ?? {}) as Record<string, unknown>;
          if (typeof path !== "string" && typeof line !== "number") return [];
          return [
            {
              path: typeof path === "string" ? path : "",
              message: typeof message === "string" ? message : "is not valid",
              ...(typeof line === "number" ? { line } : {}),
              ...(typeof column === "number" || column === null ? { column } : {}),
            },
          ];
        })
      : [];
    return new ApiFailure(
      status,
      error.code,
      typeof error.message === "string" ? error.message : error.code,
      details,
    );
  }
  const message = (body as { message?: unknown } | null)?.message;
  return new ApiFailure(
    status,
    GATEWAY_CODES[status] ?? `HTTP_${status}`,
    typeof message === "string" ? message : `The server answered ${status}.`,
  );
};

export interface ApiRequest {
  method?: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  token: string;
  /** A JSON body ... */
  body?: unknown;
  /** ... or a text one (an enrollment CSV). */
  text?: { contentType: string; value: string };
  query?: Record<string, string | undefined>;
  /** More request headers: a custodian's `X-Access-Reason`. */
  headers?: Record<string, string>;
  /** The answer as text, not JSON (a report's HTML or CSV); errors are still JSON. */
  responseText?: boolean;
  signal?: AbortSignal;
}

export const apiRequest = async <T>(request: ApiRequest): Promise<{ status: number; body: T }> => {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined && value !== "") query.set(name, value);
  }
  const url = query.size > 0 ? `${request.path}?${query}` : request.path;
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method ?? "GET",
      headers: {
        ...request.headers,
        authorization: `Bearer ${request.token}`,
        ...(request.text
          ? { "content-type": request.text.contentType }
          : request.body === undefined
            ? {}
            : { "content-type": "application/json" }),
      },
      ...(request.text
        ? { body: request.text.value }
        : request.body === undefined
          ? {}
          : { body: JSON.stringify(request.body) }),
      cache: "no-store",
      credentials: "omit",
      ...(request.signal ? { signal: request.signal } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiFailure(0, "NETWORK", "No connection to the server.");
  }
  let body: unknown;
  try {
    const text = await response.text();
    body = response.ok && request.responseText ? text : text === "" ? undefined : JSON.parse(text);
  } catch {
    // A connection dropped mid-body, or not JSON: the outcome is unknown.
    if (response.ok) throw new ApiFailure(0, "NETWORK", "The answer was cut off.");
    body = undefined;
  }
  if (!response.ok) throw failureFrom(response.status, body);
  return { status: response.status, body: body as T };
};
