import { ApiError } from "./errors.ts";

const isJsonMediaType = (contentType: string | undefined) => {
  if (contentType === undefined) return false;
  const [mediaType] = contentType.split(";");
  return mediaType?.trim().toLowerCase() === "application/json";
};

/** Every key and string in a parsed value is well-formed Unicode (iterative: any depth). */
const isWellFormedJson = (value: unknown): boolean => {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node === "string") {
      if (!node.isWellFormed()) return false;
    } else if (Array.isArray(node)) {
      pending.push(...node);
    } else if (node !== null && typeof node === "object") {
      for (const [key, child] of Object.entries(node)) {
        if (!key.isWellFormed()) return false;
        pending.push(child);
      }
    }
  }
  return true;
};

export interface RawBody {
  contentType: string | undefined;
  /** The body as sent, decoded from base64 where the gateway encoded it. */
  body: Buffer;
}

/**
 * A JSON request body: its content type (415), size (413), UTF-8 and JSON
 * syntax (400), and well-formed text. Every JSON endpoint reads its body here.
 */
export const parseJsonRequestBody = (
  { contentType, body }: RawBody,
  { maxBytes, what }: { maxBytes: number; what: string },
): unknown => {
  if (!isJsonMediaType(contentType)) {
    throw new ApiError("UNSUPPORTED_MEDIA_TYPE", `Send the ${what} as application/json.`);
  }
  if (body.byteLength > maxBytes) {
    throw new ApiError("PAYLOAD_TOO_LARGE", `The body is larger than ${maxBytes / 1024} KiB.`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw new ApiError("MALFORMED_JSON", "The body is not valid UTF-8.");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiError("MALFORMED_JSON", "The body is not valid JSON.");
  }
  // JSON escapes can spell half a surrogate pair, which no store accepts;
  // refused here, it cannot become an accepted record that never stores.
  if (!isWellFormedJson(parsed)) {
    throw new ApiError(
      "MALFORMED_JSON",
      "The body holds an unpaired surrogate escape; text must be valid Unicode.",
    );
  }
  return parsed;
};
