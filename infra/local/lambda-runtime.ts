import { randomUUID } from "node:crypto";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { type LocalBundles, localBundles } from "./lambda-bundles.ts";
import type { ContainerData, FromContainer, ToContainer } from "./lambda-container.ts";
import { pauseDeadline, TaskTimedOut } from "./lambda-context.ts";

export interface LocalFunctionOptions {
  functionName: string;
  /** file: URL of the module exporting `handler`. */
  moduleUrl: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** Containers that may run at once, i.e. the function's concurrency. */
  maxContainers?: number;
}

/** What a function's containers loaded and how its invocations ended. */
export interface LocalFunctionStats {
  moduleUrl: string;
  /** Containers that loaded the module and reported ready. */
  coldStarts: number;
  /** Their start-up times added up, from a container's creation to its ready. */
  coldStartMs: number;
  /** Invocations that returned, an HTTP error answer or a batch's failures included. */
  results: number;
  /** Invocations that threw or timed out, or whose container failed to start. */
  errors: number;
}

export interface LocalFunction {
  /**
   * One invocation with the function's whole timeout, counted from the
   * moment a container takes it. The context lends its request id, and its
   * clock stands still until then.
   */
  invoke(event: unknown, context?: unknown): Promise<unknown>;
  /** Takes no more invocations, gives those in flight `graceMs` to finish, then ends every container. */
  stop(graceMs?: number): Promise<void>;
  /**
   * Lets a test tell which module really ran (a bundle, not the sources
   * behind it): the module URL alone says what was asked for.
   */
  stats(): LocalFunctionStats;
}

/**
 * A module that does not load in time fails the invocation. Lambda allows
 * 10 seconds; bundling, or loading TypeScript, on a busy laptop can take more.
 */
const INIT_TIMEOUT_MS = 30_000;

/**
 * Enough for the bursts tests and benchmarks send, few enough that a burst
 * does not start a dozen containers at once on a small machine. Two at
 * least, so one stuck invocation never holds up the function's next one
 * for longer than a container's start.
 */
const DEFAULT_MAX_CONTAINERS = Math.max(2, Math.min(4, availableParallelism()));

const BOOTSTRAP = new URL("./lambda-worker.mjs", import.meta.url);
const CONTAINER_SOURCE = new URL("./lambda-container.ts", import.meta.url).href;

/**
 * What a container loads: a function's bundle in place of its TypeScript
 * entry, and the bundled container code. Any other module (a test's
 * handler, a synthesized asset) is loaded as given; TypeScript then goes
 * through tsx, in that container only.
 */
const containerModules = (moduleUrl: string, bundles: LocalBundles | undefined) => ({
  moduleUrl: bundles?.modules.get(moduleUrl) ?? moduleUrl,
  containerUrl: bundles?.containerUrl ?? CONTAINER_SOURCE,
});

class RuntimeError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/**
 * One execution environment: a worker thread that can be ended whatever its
 * handler does, which a promise in the same thread cannot be. Like a Lambda
 * container it runs one invocation at a time and is thrown away when an
 * invocation times out or its thread dies.
 */
class Container {
  readonly ready: Promise<void>;
  dead = false;
  /** Set once the bundles are known; until then the container is starting. */
  private worker: Worker | undefined;
  private nextId = 0;
  private pending:
    | { id: number; resolve(value: unknown): void; reject(error: Error): void }
    | undefined;

  constructor(
    private readonly options: LocalFunctionOptions,
    bundles: Promise<LocalBundles | undefined>,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new RuntimeError("InitTimeout", "The function did not start in time"));
        this.kill();
      }, INIT_TIMEOUT_MS);
      const settle = (error?: Error) => {
        clearTimeout(timer);
        if (error) {
          // Never handed out again, even before its thread has exited.
          this.dead = true;
          reject(error);
        } else resolve();
      };
      const die = (error: Error) => {
        this.dead = true;
        settle(error);
        this.pending?.reject(error);
        this.pending = undefined;
      };
      const begin = (found: LocalBundles | undefined) => {
        // Ended (stopped, or out of time) before its thread began.
        if (this.dead) return die(new RuntimeError("Runtime.ExitError", "Container ended"));
        const data: ContainerData = {
          ...containerModules(options.moduleUrl, found),
          functionName: options.functionName,
          timeoutSeconds: options.timeoutSeconds,
          memoryMb: options.memoryMb,
        };
        const worker = new Worker(BOOTSTRAP, {
          workerData: data,
          // A copy of the stack's environment as it is now (table names, queue
          // URLs, endpoints), plus what Lambda tells every function.
          env: {
            ...process.env,
            AWS_LAMBDA_FUNCTION_NAME: options.functionName,
            AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memoryMb),
            AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
          },
          resourceLimits: { maxOldGenerationSizeMb: options.memoryMb },
        });
        this.worker = worker;
        // A container never keeps the process alive: stopping the stack ends them.
        worker.unref();
        worker.on("message", (message: FromContainer) => {
          if (message.type === "ready") settle();
          else if (message.type === "init-error")
            settle(new RuntimeError("Runtime.InitError", message.name));
          else if (this.pending?.id === message.id) {
            const { resolve: done, reject: fail } = this.pending;
            this.pending = undefined;
            if (message.type === "result") done(message.result);
            else fail(new RuntimeError(message.name, message.message));
          }
        });
        worker.on("error", (error) =>
          die(new RuntimeError("Runtime.ExitError", error instanceof Error ? error.name : "error")),
        );
        worker.on("exit", () => die(new RuntimeError("Runtime.ExitError", "The container exited")));
      };
      void bundles.then((found) => {
        try {
          begin(found);
        } catch (error) {
          die(new RuntimeError("Runtime.ExitError", error instanceof Error ? error.name : "error"));
        }
      });
    });
    // Failures surface through invoke(); this keeps an unawaited start quiet.
    this.ready.catch(() => undefined);
  }

  /** Runs one event; ends the container if it outlives the function's timeout. */
  run(event: unknown, requestId: string): Promise<unknown> {
    const worker = this.worker;
    if (this.dead || !worker)
      return Promise.reject(new RuntimeError("Runtime.ExitError", "Container ended"));
    const id = ++this.nextId;
    const timeoutMs = this.options.timeoutSeconds * 1000;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        this.kill();
        reject(new TaskTimedOut(this.options.timeoutSeconds));
      }, timeoutMs);
      const settle =
        <T>(next: (value: T) => void) =>
        (value: T) => {
          clearTimeout(timer);
          next(value);
        };
      this.pending = { id, resolve: settle(resolve), reject: settle(reject) };
      const message: ToContainer = { id, event, requestId, deadline: Date.now() + timeoutMs };
      try {
        worker.postMessage(message);
      } catch (error) {
        this.pending = undefined;
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error("Event could not be sent"));
      }
    });
  }

  kill(): void {
    this.dead = true;
    void this.worker?.terminate();
  }

  async end(): Promise<void> {
    this.dead = true;
    await this.worker?.terminate();
  }
}

/**
 * A function as Lambda runs it: containers started on demand (a cold start),
 * reused while warm, one invocation each at a time, up to a concurrency
 * limit beyond which invocations wait for a free container.
 */
export const localFunction = (options: LocalFunctionOptions): LocalFunction => {
  const maxContainers = options.maxContainers ?? DEFAULT_MAX_CONTAINERS;
  const containers = new Set<Container>();
  const idle: Container[] = [];
  const busy = new Set<Promise<unknown>>();
  const waiting: Array<{ resolve(container: Container): void; reject(error: Error): void }> = [];
  let stopped = false;
  const counts = { coldStarts: 0, coldStartMs: 0, results: 0, errors: 0 };

  const start = () => {
    const startedAt = performance.now();
    const container = new Container(options, localBundles());
    containers.add(container);
    container.ready.then(
      () => {
        counts.coldStarts++;
        counts.coldStartMs += Math.round(performance.now() - startedAt);
      },
      () => undefined,
    );
    return container;
  };

  const acquire = (): Promise<Container> => {
    if (stopped) return Promise.reject(new RuntimeError("Runtime.Stopped", "The stack stopped"));
    for (let warm = idle.pop(); warm; warm = idle.pop()) {
      if (!warm.dead) return Promise.resolve(warm);
      containers.delete(warm);
    }
    if (containers.size < maxContainers) return Promise.resolve(start());
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };

  const release = (container: Container) => {
    if (container.dead) containers.delete(container);
    const next = waiting.shift();
    if (!next) {
      if (!container.dead) idle.push(container);
      return;
    }
    // A dead container's place goes to a fresh one: the next invocation is a cold start.
    next.resolve(container.dead ? start() : container);
  };

  const invoke = async (event: unknown, context: unknown) => {
    const resume = pauseDeadline(context);
    let container: Container;
    try {
      container = await acquire();
    } catch (error) {
      resume();
      throw error;
    }
    try {
      await container.ready.finally(resume);
      const requestId =
        (context as { awsRequestId?: string } | undefined)?.awsRequestId ?? randomUUID();
      const result = await container.run(event, requestId);
      counts.results++;
      return result;
    } catch (error) {
      counts.errors++;
      throw error;
    } finally {
      release(container);
    }
  };

  return {
    invoke: (event, context) => {
      const invocation = invoke(event, context);
      busy.add(invocation);
      const forget = () => busy.delete(invocation);
      invocation.then(forget, forget);
      return invocation;
    },
    stop: async (graceMs = 0) => {
      stopped = true;
      for (const waiter of waiting.splice(0))
        waiter.reject(new RuntimeError("Runtime.Stopped", "The stack stopped"));
      if (busy.size > 0 && graceMs > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.allSettled([...busy]),
          new Promise((resolve) => {
            timer = setTimeout(resolve, graceMs);
          }),
        ]);
        clearTimeout(timer);
      }
      idle.length = 0;
      await Promise.all([...containers].map((container) => container.end()));
      containers.clear();
    },
    stats: () => ({ moduleUrl: options.moduleUrl, ...counts }),
  };
};
