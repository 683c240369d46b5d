import { randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";
import { LOCAL_AWS_ENV } from "./env.ts";

/** The Lambda context a local invocation gets, with the function's real timeout. */
export const lambdaContext = (
  functionName: string,
  timeoutSeconds: number,
  memoryMb: number,
): Context => {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_AWS_ENV.AWS_REGION}:000000000000:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

/** Runs a handler with its timeout enforced, as Lambda would. */
export const invokeWithTimeout = async <T>(
  run: () => Promise<T>,
  timeoutSeconds: number,
): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Task timed out after ${timeoutSeconds} seconds`)),
      timeoutSeconds * 1000,
    );
  });
  try {
    return await Promise.race([run(), timeout]);
  } finally {
    clearTimeout(timer);
  }
};
