import type { z } from "zod";
import { ApiError } from "./errors.ts";

/** Pagination cursors are opaque to clients: base64url of a small JSON value. */
export const encodeCursor = (value: unknown): string =>
  Buffer.from(JSON.stringify(value), "utf8").toString("base64url");

/** A cursor that does not decode to the expected shape is refused, never passed to DynamoDB. */
export const decodeCursor = <T>(text: string, schema: z.ZodType<T>): T => {
  const invalid = () =>
    new ApiError(
      "VALIDATION_FAILED",
      "The cursor is not one this API issued.",
      [{ path: "cursor", message: "invalid cursor" }],
      400,
    );
  if (text.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(text)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw invalid();
  return result.data;
};
