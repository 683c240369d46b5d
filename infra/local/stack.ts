import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { SQSClient } from "@aws-sdk/client-sqs";
import {
  DEFAULT_AUDIT_RETENTION_DAYS,
  DEFAULT_REPORT_SCHEDULE,
  FUNCTIONS,
  type FunctionKey,
  QUEUES,
  REPORTS_BUCKET,
  ROUTES,
  SETTINGS,
  TABLES,
} from "../../resources/declarations.ts";
import { resetClients } from "../../shared/adapters/clients/container.ts";
import { DEFAULT_TIME_ZONE } from "../../shared/time/zoned.ts";
import { type DevIssuer, LOCAL_AUDIENCE, LOCAL_ISSUER, loadDevIssuer } from "./dev-issuer.ts";
import {
  type DynamoDbLocal,
  isDynamoReady,
  localDynamoClient,
  provisionTables,
  startDynamoDbLocal,
} from "./dynamodb.ts";
import { applyLocalAwsEnv } from "./env.ts";
import { type GatewayRoute, type HttpHandler, startGateway } from "./gateway.ts";
import { startInternalEndpoints } from "./internal-endpoints.ts";
import { lambdaContext } from "./lambda-context.ts";
import { type LocalFunction, type LocalFunctionStats, localFunction } from "./lambda-runtime.ts";
import { type SqsHandler, startPoller } from "./poller.ts";
import { type LocalQueues, localSqsClient, startLocalQueues } from "./queues.ts";
import { localS3Client, mirrorReportFiles, restoreReportFiles } from "./report-files.ts";
import { startReportSchedule } from "./scheduler.ts";
import { webFiles } from "./web-files.ts";

export interface LocalStackOptions {
  /** Where DynamoDB Local's file, the queue snapshot and the dev issuer key live. */
  dataDir: string;
  /** API port; 0 picks a free one. */
  port: number;
  /** Name prefix of tables and queues. */
  prefix?: string;
  /** Shorter visibility timeout, for tests that watch retries and the DLQ. */
  visibilityTimeoutSeconds?: number;
  /** Report schedule (EventBridge cron); defaults to the deployed default. */
  reportSchedule?: string;
  /**
   * Replace a function's handler (tests inject faults this way). The handler
   * given runs in the function's containers; the wrapper runs in this thread.
   */
  wrapHandler?: (key: FunctionKey, handler: unknown) => unknown;
  /** file: URLs of modules to load in a function's containers instead of its handler. */
  handlerModules?: Partial<Record<FunctionKey, string>>;
  /** Shorter function timeouts, in seconds, for tests that watch them pass. */
  functionTimeouts?: Partial<Record<FunctionKey, number>>;
  /** The API stage throttle (API_THROTTLE in AWS); none unless given. */
  throttle?: { rateLimit: number; burstLimit: number };
  log?: (line: string) => void;
}

export interface LocalStack {
  url: string;
  dataDir: string;
  dynamoEndpoint: string;
  sqsEndpoint: string;
  tableNames: Record<keyof typeof TABLES, string>;
  queues: LocalQueues["queues"];
  sqs: SQSClient;
  issuer: DevIssuer;
  restartDynamoDb(downtimeMs?: number): Promise<void>;
  /** Runs the report schedule once now, joining a run in progress. */
  runReportSchedule(): Promise<void>;
  /** Per function: the module its containers load, their cold starts and invocation outcomes. */
  functionStats(): Partial<Record<FunctionKey, LocalFunctionStats>>;
  stop(): Promise<void>;
}

export const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === "object" && address ? address.port : 0));
    });
  });

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** One running stack per data folder: DynamoDB Local's file must have one writer. */
const takeLock = (dataDir: string) => {
  const lockFile = join(dataDir, "stack.pid");
  if (existsSync(lockFile)) {
    const pid = Number(readFileSync(lockFile, "utf8"));
    if (Number.isInteger(pid) && isAlive(pid)) {
      throw new Error(`Another local stack (process ${pid}) is using ${dataDir}. Stop it first.`);
    }
  }
  writeFileSync(lockFile, String(process.pid));
  return () => rmSync(lockFile, { force: true });
};

/** The district secret behind student keys, made once per data folder (owner-only). */
const ensureLocalSecret = (file: string) => {
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600 });
  return file;
};

const handlerModule = (key: FunctionKey) =>
  pathToFileURL(resolve(import.meta.dirname, "../../functions", `${FUNCTIONS[key].entry}.ts`)).href;

/**
 * The whole pipeline on this machine: DynamoDB Local and the SQS emulator,
 * provisioned from the same declarations as the CDK stacks, the HTTP
 * gateway with the dev issuer as its authorizer, and a poller per consumer.
 * It sets this process's AWS environment, so a process runs one stack.
 */
export const startLocalStack = async (options: LocalStackOptions): Promise<LocalStack> => {
  const log = options.log ?? (() => undefined);
  const dataDir = resolve(options.dataDir);
  const prefix = options.prefix ?? "sro-local";
  mkdirSync(dataDir, { recursive: true });
  const releaseLock = takeLock(dataDir);
  applyLocalAwsEnv();
  const stops: Array<() => Promise<void> | void> = [releaseLock];
  /** Runs every stop step even when one fails, so nothing is left running. */
  const stopAll = async () => {
    const steps = [...stops].reverse();
    stops.length = 0;
    for (const stop of steps) {
      try {
        await stop();
      } catch (error) {
        log(`stop step failed: ${error instanceof Error ? error.message : "error"}`);
      }
    }
  };
  try {
    log("starting DynamoDB Local");
    const dynamoPort = await freePort();
    let dynamo: DynamoDbLocal = await startDynamoDbLocal(join(dataDir, "dynamodb"), dynamoPort);
    stops.push(() => dynamo.stop());
    /** Stops DynamoDB Local and starts it again on the same port and file (fault tests). */
    const restartDynamoDb = async (downtimeMs = 0) => {
      await dynamo.stop();
      await new Promise((resolve) => setTimeout(resolve, downtimeMs));
      dynamo = await startDynamoDbLocal(join(dataDir, "dynamodb"), dynamoPort);
    };
    const tableNames = Object.fromEntries(
      Object.entries(TABLES).map(([key, table]) => [key, `${prefix}-${table.id}`]),
    ) as Record<keyof typeof TABLES, string>;
    const dynamoClient = localDynamoClient(dynamo.endpoint);
    stops.push(() => dynamoClient.destroy());
    await provisionTables(
      dynamoClient,
      Object.entries(TABLES).map(([key, declaration]) => ({
        name: tableNames[key as keyof typeof TABLES],
        declaration,
      })),
    );

    log("starting the SQS emulator");
    const queues = await startLocalQueues({
      prefix,
      declarations: QUEUES,
      snapshotFile: join(dataDir, "queues.json"),
      ...(options.visibilityTimeoutSeconds !== undefined
        ? { visibilityTimeoutSeconds: options.visibilityTimeoutSeconds }
        : {}),
    });
    stops.push(async () => {
      const saved = queues.saveSnapshot();
      if (saved > 0) log(`saved ${saved} queued message(s) for the next start`);
      await queues.stop();
    });

    process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
    process.env.AWS_ENDPOINT_URL_SQS = queues.server.address;
    process.env.AWS_ENDPOINT_URL_S3 = queues.server.address;

    // Report files: a bucket in the emulator, mirrored to the data folder.
    const bucket = `${prefix}-${REPORTS_BUCKET.id}`.toLowerCase();
    queues.server.createBucket(bucket);
    process.env[REPORTS_BUCKET.envVar] = bucket;
    const s3 = localS3Client(queues.server.address);
    const filesFolder = join(dataDir, "report-files");
    await restoreReportFiles(s3, bucket, filesFolder);
    const mirror = () => mirrorReportFiles(s3, bucket, filesFolder);
    const mirrorTimer = setInterval(() => {
      mirror().catch((error) =>
        log(`report files: ${error instanceof Error ? error.name : "error"}`),
      );
    }, 5000);
    mirrorTimer.unref();
    stops.push(async () => {
      clearInterval(mirrorTimer);
      await mirror();
      s3.destroy();
    });
    for (const [key, table] of Object.entries(TABLES)) {
      process.env[table.envVar] = tableNames[key as keyof typeof TABLES];
    }
    for (const queue of queues.queues) {
      process.env[queue.declaration.envVar] = queue.url;
      // Every local function sees it (they share this environment); in AWS
      // only the queue's consumer has it, and the grant to use it.
      process.env[queue.declaration.dlqEnvVar] = queue.dlqUrl;
    }
    // Where operations tools (npm run redrive) find this stack's queues.
    const endpointsFile = join(dataDir, "endpoints.json");
    writeFileSync(
      endpointsFile,
      JSON.stringify({
        sqs: queues.server.address,
        queues: Object.fromEntries(
          queues.queues.map((queue) => [queue.key, { url: queue.url, dlqUrl: queue.dlqUrl }]),
        ),
      }),
    );
    stops.push(() => rmSync(endpointsFile, { force: true }));
    // Like a fresh Lambda container: clients are created again with these endpoints.
    resetClients();

    process.env[SETTINGS.studentKeySecretFile] = ensureLocalSecret(
      join(dataDir, "student-key.secret"),
    );
    process.env[SETTINGS.cursorSecretFile] = ensureLocalSecret(join(dataDir, "cursor-key.secret"));
    process.env[SETTINGS.timeZone] ??= DEFAULT_TIME_ZONE;
    process.env[SETTINGS.auditRetentionDays] ??= String(DEFAULT_AUDIT_RETENTION_DAYS);

    const issuer = await loadDevIssuer(join(dataDir, "dev-issuer-key.json"));
    // Each function runs in containers (worker threads) that are ended when
    // an invocation outlives the function's timeout, so a stuck handler
    // never stops this thread: the API, the pollers, the other functions.
    const timeoutFor = (key: FunctionKey) =>
      options.functionTimeouts?.[key] ?? FUNCTIONS[key].timeoutSeconds;
    /**
     * Lambda requires a visibility timeout of at least the function's
     * timeout. Tests that shorten the first make the poller give a batch up
     * that soon, as before, but its container keeps the function's own
     * timeout: a first invocation on a busy machine may be slow, and ending
     * it at a test's few seconds would only start another slow one.
     */
    const pollerTimeoutFor = (key: FunctionKey) =>
      Math.min(timeoutFor(key), options.visibilityTimeoutSeconds ?? Number.POSITIVE_INFINITY);
    const functions = new Map<FunctionKey, LocalFunction>();
    const functionFor = (key: FunctionKey) => {
      let found = functions.get(key);
      if (!found) {
        found = localFunction({
          functionName: `${prefix}-${key}`,
          moduleUrl: options.handlerModules?.[key] ?? handlerModule(key),
          timeoutSeconds: timeoutFor(key),
          memoryMb: FUNCTIONS[key].memoryMb,
        });
        functions.set(key, found);
      }
      return found;
    };
    const stopFunctions = async (graceMs = 0) => {
      await Promise.all([...functions.values()].map((fn) => fn.stop(graceMs)));
    };
    // Also on a failed start; on stop it runs again, before the pollers wait.
    stops.push(stopFunctions);
    const handlerFor = async (key: FunctionKey) => {
      const { invoke } = functionFor(key);
      const handler = (event: unknown, context: unknown) => invoke(event, context);
      return options.wrapHandler ? options.wrapHandler(key, handler) : handler;
    };
    // A function that invokes another reaches it through a local Lambda
    // Invoke endpoint, with the same SDK call as in AWS; the restricted read
    // checks tokens against the dev issuer's keys, published there as
    // Cognito publishes a pool's.
    const restrictedRead = `${prefix}-readRestrictedIncident`;
    let restrictedHandler: Promise<unknown> | undefined;
    const internal = await startInternalEndpoints({
      functions: {
        [restrictedRead]: async (event) => {
          restrictedHandler ??= handlerFor("readRestrictedIncident");
          const handler = (await restrictedHandler) as (
            event: unknown,
            context: unknown,
          ) => Promise<unknown>;
          const { timeoutSeconds, memoryMb } = FUNCTIONS.readRestrictedIncident;
          return handler(event, lambdaContext(restrictedRead, timeoutSeconds, memoryMb));
        },
      },
      jwks: () => issuer.jwks(),
      onError: (error) =>
        log(`internal endpoints: ${error instanceof Error ? error.name : "error"}`),
    });
    stops.push(() => internal.stop());
    process.env.AWS_ENDPOINT_URL_LAMBDA = internal.url;
    process.env[SETTINGS.restrictedReadFunction] = restrictedRead;
    process.env[SETTINGS.tokenIssuer] = LOCAL_ISSUER;
    process.env[SETTINGS.tokenAudience] = LOCAL_AUDIENCE;
    process.env[SETTINGS.tokenJwksUrl] = internal.jwksUrl;

    const sqs = localSqsClient(queues.server.address);
    stops.push(() => sqs.destroy());

    const pollers: Array<{ stop(): Promise<void> }> = [];
    for (const [key, declaration] of Object.entries(FUNCTIONS)) {
      if (!("consumes" in declaration)) continue;
      const queue = queues.queues.find((candidate) => candidate.key === declaration.consumes)!;
      const queueArn = queues.server.inspectQueue(queue.name)!.arn;
      pollers.push(
        startPoller({
          client: sqs,
          queueUrl: queue.url,
          queueArn,
          functionName: `${prefix}-${key}`,
          declaration: { ...declaration, timeoutSeconds: pollerTimeoutFor(key as FunctionKey) },
          batchSize: queue.declaration.batchSize,
          handler: (await handlerFor(key as FunctionKey)) as SqsHandler,
          onError: (error) =>
            log(`poller ${key}: ${error instanceof Error ? error.name : "error"}`),
        }),
      );
    }
    stops.push(async () => {
      await Promise.all(pollers.map((poller) => poller.stop()));
    });

    const scheduler = startReportSchedule({
      expression: options.reportSchedule ?? process.env.REPORT_SCHEDULE ?? DEFAULT_REPORT_SCHEDULE,
      timeZone: process.env[SETTINGS.timeZone] ?? DEFAULT_TIME_ZONE,
      run: async () => {
        const handler = (await handlerFor("scheduledReports")) as (
          event: unknown,
          context: unknown,
        ) => Promise<unknown>;
        // Its container ends the invocation at the function's timeout.
        await handler(
          { source: "local-scheduler" },
          lambdaContext(
            `${prefix}-scheduledReports`,
            timeoutFor("scheduledReports"),
            FUNCTIONS.scheduledReports.memoryMb,
          ),
        );
      },
      onError: (error) => log(`report schedule: ${error instanceof Error ? error.name : "error"}`),
    });
    stops.push(() => scheduler.stop());

    const routes: GatewayRoute[] = [];
    for (const route of ROUTES) {
      routes.push({
        route,
        functionName: `${prefix}-${route.function}`,
        declaration: {
          ...FUNCTIONS[route.function],
          timeoutSeconds: timeoutFor(route.function),
        },
        handler: (await handlerFor(route.function)) as HttpHandler,
      });
    }
    const gateway = await startGateway({
      port: options.port,
      routes,
      issuer,
      ...(options.throttle ? { throttle: options.throttle } : {}),
      web: webFiles({ issuer, timeZone: process.env[SETTINGS.timeZone] ?? DEFAULT_TIME_ZONE }),
      health: async () => {
        const dynamodb = await isDynamoReady(dynamoClient);
        const sqsUp = await fetch(`${queues.server.address}/health`)
          .then((response) => response.ok)
          .catch(() => false);
        return {
          healthy: dynamodb && sqsUp,
          body: {
            status: dynamodb && sqsUp ? "ok" : "degraded",
            components: {
              dynamodb: dynamodb ? "ok" : "unavailable",
              sqs: sqsUp ? "ok" : "unavailable",
              consumers: pollers.length,
            },
          },
        };
      },
      onError: (error) => log(`gateway: ${error instanceof Error ? error.name : "error"}`),
    });
    // Reversed at stop, right after the API closes: the pollers stop
    // receiving, batches in flight get a moment to finish, and then the
    // containers end, so a stuck invocation never holds up the stop.
    stops.push(async () => {
      await Promise.all([...pollers.map((poller) => poller.stop()), stopFunctions(2000)]);
    });
    stops.push(() => gateway.stop());

    return {
      url: gateway.url,
      dataDir,
      dynamoEndpoint: dynamo.endpoint,
      restartDynamoDb,
      sqsEndpoint: queues.server.address,
      tableNames,
      queues: queues.queues,
      sqs,
      issuer,
      runReportSchedule: () => scheduler.runNow(),
      functionStats: () => Object.fromEntries([...functions].map(([key, fn]) => [key, fn.stats()])),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
};
