import { InvokeCommand } from "@aws-sdk/client-lambda";
import { SETTINGS } from "../../resources/declarations.ts";
import { requireEnv } from "../config.ts";
import type { HttpEvent, HttpResult } from "../http/handler.ts";
import { lambda } from "./clients/lambda.ts";

class RestrictedReadFailed extends Error {
  override name = "RestrictedReadFailed";
}

const isHttpResult = (value: unknown): value is HttpResult =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as HttpResult).statusCode === "number" &&
  ((value as HttpResult).body === undefined || typeof (value as HttpResult).body === "string");

/**
 * Hands an author's or custodian's read to the function that alone may read
 * the restricted table, and returns its answer as it is. The request goes
 * as it came, bearer token included, and without the authorizer's claims:
 * that function checks the token itself and takes no claims from this one.
 * Any failure to get an answer throws (the caller turns it into a 503).
 */
export const invokeRestrictedRead = async (event: HttpEvent): Promise<HttpResult> => {
  const { authorizer: _claims, ...requestContext } = event.requestContext;
  const { Payload, FunctionError } = await lambda().send(
    new InvokeCommand({
      FunctionName: requireEnv(SETTINGS.restrictedReadFunction),
      InvocationType: "RequestResponse",
      Payload: Buffer.from(JSON.stringify({ ...event, body: undefined, requestContext })),
    }),
  );
  if (FunctionError || !Payload) throw new RestrictedReadFailed("the restricted read failed");
  let result: unknown;
  try {
    result = JSON.parse(Buffer.from(Payload).toString("utf8"));
  } catch {
    throw new RestrictedReadFailed("the restricted read answered something other than JSON");
  }
  if (!isHttpResult(result))
    throw new RestrictedReadFailed("the restricted read's answer is not an HTTP result");
  return result;
};
