/**
 * The contract's error body. Messages are fixed strings written here; no
 * function builds one from a submitted value (it could be a student's name).
 */

export type ErrorCode =
  | "MALFORMED_JSON"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "PAYLOAD_TOO_LARGE"
  | "VALIDATION_FAILED"
  | "FORBIDDEN_FIELD"
  | "FORBIDDEN_CONTENT"
  | "CONFLICT"
  | "VERSION_CONFLICT"
  | "VOIDED"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "UNAVAILABLE"
  | "INTERNAL";

export interface ErrorDetail {
  path: string;
  message: string;
  /** A correction's VERSION_CONFLICT: the incident's current version (contracts section 8). */
  currentVersion?: number;
  /** A file's problems (an enrollment upload): where, as the browser's preview shows it. */
  line?: number;
  column?: number | null;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: ErrorDetail[] };
}

export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  MALFORMED_JSON: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  VALIDATION_FAILED: 422,
  FORBIDDEN_FIELD: 422,
  FORBIDDEN_CONTENT: 422,
  CONFLICT: 409,
  VERSION_CONFLICT: 409,
  VOIDED: 409,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** A refusal that maps to one contract error response. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    status?: number,
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status ?? STATUS_BY_CODE[code];
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details ? { details: this.details } : {}),
      },
    };
  }
}

/** Storage and queue failures leave the outcome unknown: the client retries. */
export const unavailableOnFailure = async <T>(operation: () => Promise<T>): Promise<T> => {
  try {
    return await operation();
  } catch (thrown) {
    if (thrown instanceof ApiError) throw thrown;
    const unavailable = new ApiError(
      "UNAVAILABLE",
      "Storage or the queue is unavailable; the outcome is unknown. Retry (a submission with the same incidentId).",
    );
    unavailable.cause = thrown;
    throw unavailable;
  }
};
