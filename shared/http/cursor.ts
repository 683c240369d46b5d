import { createHmac, timingSafeEqual } from "node:crypto";
import type { z } from "zod";
import type { Principal } from "../auth/claims.ts";
import { ApiError } from "./errors.ts";

/**
 * Pagination cursors are opaque to clients: base64url of a small JSON value
 * (a DynamoDB key, a month) and an HMAC-SHA-256 tag over it and the cursor's
 * binding. The binding is the list, the caller and the query's bounds, so a
 * cursor made up, edited, or issued for another list, user or period is
 * refused with a 400 before anything reaches DynamoDB.
 */
export interface Cursors {
  /** The value a cursor of this binding carries, or a 400 VALIDATION_FAILED. */
  decode<T>(text: string, schema: z.ZodType<T>): Promise<T>;
  encode(value: unknown): Promise<string>;
}

export interface CursorBinding {
  /** Which list: a cursor of one list is refused by every other. */
  list: string;
  principal: Pick<Principal, "userId" | "role">;
  /** The request's query parameters; all but `cursor` and `limit` bind the cursor. */
  parameters: Record<string, string | undefined> | undefined;
}

/** Changing the tagged text's layout changes this, so old cursors are refused rather than misread. */
const FORMAT = "sro-cursor-v1";
const TAG_CHARS = 43; // 32 bytes of HMAC-SHA-256 in unpadded base64url
const MAX_CURSOR_CHARS = 2048;
const CURSOR_PATTERN = new RegExp(
  `^([A-Za-z0-9_-]{1,${MAX_CURSOR_CHARS}})\\.([A-Za-z0-9_-]{${TAG_CHARS}})$`,
);
/** Page size may change between pages; everything else in the query is part of the listing. */
const UNBOUND_PARAMETERS = new Set(["cursor", "limit"]);

const invalidCursor = () =>
  new ApiError(
    "VALIDATION_FAILED",
    "The cursor is not one this API issued for this list.",
    [{ path: "cursor", message: "invalid cursor" }],
    400,
  );

/** One canonical text per binding: parameter order does not matter, values are JSON-quoted. */
const bindingText = ({ list, principal, parameters }: CursorBinding): string => {
  const bounds = Object.entries(parameters ?? {})
    .filter(([name, value]) => value !== undefined && !UNBOUND_PARAMETERS.has(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([FORMAT, list, principal.userId, principal.role, bounds]);
};

const tag = (key: Uint8Array, binding: string, payload: string): string =>
  createHmac("sha256", key).update(binding).update("\n").update(payload).digest("base64url");

/**
 * Cursors for one request. The signing key is fetched only when a cursor is
 * read or made, and a cursor that is not even shaped like one is refused
 * before the key is asked for.
 */
export const cursorsFor = (
  signingKey: () => Promise<Uint8Array>,
  binding: CursorBinding,
): Cursors => {
  const bound = bindingText(binding);
  return {
    async decode<T>(text: string, schema: z.ZodType<T>): Promise<T> {
      const match = text.length <= MAX_CURSOR_CHARS ? CURSOR_PATTERN.exec(text) : null;
      if (!match) throw invalidCursor();
      const [, payload, given] = match as unknown as [string, string, string];
      // Compared as base64url text, so a second spelling of the same bytes is refused too.
      const expected = Buffer.from(tag(await signingKey(), bound, payload), "ascii");
      const received = Buffer.from(given, "ascii");
      if (expected.length !== received.length || !timingSafeEqual(expected, received)) {
        throw invalidCursor();
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
      } catch {
        throw invalidCursor();
      }
      const result = schema.safeParse(parsed);
      if (!result.success) throw invalidCursor();
      return result.data;
    },
    async encode(value: unknown): Promise<string> {
      const payload = Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
      return `${payload}.${tag(await signingKey(), bound, payload)}`;
    },
  };
};
