import { randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";
import { LOCAL_AWS_ENV } from "./env.ts";

interface Deadline {
  at: number;
  /** Set while the invocation waits for a container: its clock has not started. */
  pausedAt?: number;
}

/** Deadlines by context, so the time a container takes to start is not counted. */
const deadlines = new WeakMap<object, Deadline>();

const remaining = (deadline: Deadline) =>
  Math.max(0, deadline.at - (deadline.pausedAt ?? Date.now()));

/** The Lambda context a local invocation gets, with the function's real timeout. */
export const lambdaContext = (
  functionName: string,
  timeoutSeconds: number,
  memoryMb: number,
  options: { requestId?: string; deadline?: number } = {},
): Context => {
  const deadline: Deadline = { at: options.deadline ?? Date.now() + timeoutSeconds * 1000 };
  const context: Context = {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_AWS_ENV.AWS_REGION}:000000000000:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: options.requestId ?? randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => remaining(deadline),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  deadlines.set(context, deadline);
  return context;
};

/**
 * Lambda starts an invocation's clock once a container is ready: time spent
 * starting one (or waiting for a free one) is not the invocation's. Stops
 * the context's clock until the returned function is called.
 */
export const pauseDeadline = (context: unknown): (() => void) => {
  const deadline = typeof context === "object" && context ? deadlines.get(context) : undefined;
  if (!deadline || deadline.pausedAt !== undefined) return () => undefined;
  deadline.pausedAt = Date.now();
  return () => {
    if (deadline.pausedAt === undefined) return;
    deadline.at += Date.now() - deadline.pausedAt;
    deadline.pausedAt = undefined;
  };
};

export class TaskTimedOut extends Error {
  override name = "TaskTimedOut";
  constructor(timeoutSeconds: number) {
    super(`Task timed out after ${timeoutSeconds} seconds`);
  }
}

/**
 * The caller's side of a timeout: gives up on `run` when the context's
 * deadline passes. It cannot stop `run`; the container runtime
 * (lambda-runtime.ts) is what ends a stuck handler. This bounds the time a
 * caller waits for code that runs on its own thread, such as the wrappers
 * tests put around handlers.
 */
export const invokeWithTimeout = async <T>(
  run: () => Promise<T>,
  context: Context,
  timeoutSeconds: number,
): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    // The clock stands still while a container starts, so the timer re-arms.
    const arm = () => {
      const left = context.getRemainingTimeInMillis();
      if (left <= 0) reject(new TaskTimedOut(timeoutSeconds));
      else timer = setTimeout(arm, left);
    };
    arm();
  });
  try {
    return await Promise.race([run(), timeout]);
  } finally {
    clearTimeout(timer);
  }
};
