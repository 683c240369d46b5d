import { readFileSync } from "node:fs";
import { getSecret } from "@aws-lambda-powertools/parameters/secrets";
import { SETTINGS } from "../../resources/declarations.ts";
import { type Cursors, cursorsFor } from "../http/cursor.ts";
import { unavailableOnFailure } from "../http/errors.ts";
import type { HttpRequest } from "../http/handler.ts";

const MIN_KEY_CHARS = 32;
let localKey: { file: string; key: Buffer } | undefined;

/**
 * The key that signs pagination cursors: a secret of its own, so the list
 * functions never hold the student key secret. In AWS it is a Secrets
 * Manager secret the stack creates, fetched once per container and cached
 * by Powertools; locally, a file the local stack generates in its data folder.
 */
export const cursorKey = async (): Promise<Uint8Array> => {
  const arn = process.env[SETTINGS.cursorSecretArn];
  if (arn) return toKey(await getSecret(arn, { maxAge: 3600 }));
  const file = process.env[SETTINGS.cursorSecretFile];
  if (!file) {
    throw new Error(
      `Missing configuration: ${SETTINGS.cursorSecretArn} or ${SETTINGS.cursorSecretFile}`,
    );
  }
  if (localKey?.file !== file) {
    localKey = { file, key: toKey(readFileSync(file, "utf8").trim()) };
  }
  return localKey.key;
};

const toKey = (value: unknown): Buffer => {
  if (typeof value !== "string" || value.length < MIN_KEY_CHARS) {
    throw new Error("The cursor signing secret is missing or too short");
  }
  return Buffer.from(value, "utf8");
};

/**
 * The cursors of one list request, signed with the stack's cursor key. A
 * key that cannot be fetched is a 503; a cursor that is not shaped like one
 * is refused before the key is fetched.
 */
export const listCursors = (request: HttpRequest, list: string): Cursors =>
  cursorsFor(() => unavailableOnFailure(cursorKey), {
    list,
    principal: request.principal,
    parameters: request.event.queryStringParameters,
  });
