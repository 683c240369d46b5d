import { parentPort, workerData } from "node:worker_threads";
import { lambdaContext } from "./lambda-context.ts";

/**
 * Inside one local Lambda container (a worker thread): loads the handler
 * module once, as Lambda's init phase does, then runs the invocations the
 * runtime sends, one at a time.
 */
export interface ContainerData {
  /** The handler's module: a function's bundle, or a module given as is. */
  moduleUrl: string;
  /** This module, bundled, or its source when the bundles could not be built. */
  containerUrl: string;
  functionName: string;
  timeoutSeconds: number;
  memoryMb: number;
}

export type ToContainer = { id: number; event: unknown; requestId: string; deadline: number };

export type FromContainer =
  | { type: "ready" }
  | { type: "init-error"; name: string }
  | { type: "result"; id: number; result: unknown }
  | { type: "error"; id: number; name: string; message: string };

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const port = parentPort!;
const data = workerData as ContainerData;
const post = (message: FromContainer) => port.postMessage(message);
const errorName = (error: unknown) => (error instanceof Error ? error.name : "Error");

let handler: Handler;
try {
  const module = (await import(data.moduleUrl)) as { handler?: unknown };
  if (typeof module.handler !== "function") throw new TypeError("The module exports no handler");
  handler = module.handler as Handler;
  post({ type: "ready" });
} catch (error) {
  // Only the error's name crosses over: an init error may quote code or data.
  post({ type: "init-error", name: errorName(error) });
  process.exit(1);
}

port.on("message", async ({ id, event, requestId, deadline }: ToContainer) => {
  const context = lambdaContext(data.functionName, data.timeoutSeconds, data.memoryMb, {
    requestId,
    deadline,
  });
  try {
    post({ type: "result", id, result: await handler(event, context) });
  } catch (error) {
    post({
      type: "error",
      id,
      name: errorName(error),
      message: error instanceof Error ? error.message : "",
    });
  }
});
