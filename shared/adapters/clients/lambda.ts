import { LambdaClient } from "@aws-sdk/client-lambda";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { FUNCTIONS } from "../../../resources/declarations.ts";
import { perContainer } from "./container.ts";

/**
 * Synchronous invocations: one attempt, since a retry would run the invoked
 * function (and write its audit entry) twice and the client can retry; the
 * wait is a little over the longest timeout of a function invoked this way.
 */
export const lambda = perContainer(
  () =>
    new LambdaClient({
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({
        connectionTimeout: 1000,
        requestTimeout: FUNCTIONS.readRestrictedIncident.timeoutSeconds * 1000 + 1000,
      }),
    }),
);
