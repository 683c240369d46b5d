import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FUNCTIONS, type FunctionKey, SETTINGS, TABLES } from "../../resources/declarations.ts";
import { INTAKE_RECEIPTS_ENV, lambdaEvent } from "../support/events.ts";

/**
 * Every handler keeps Powertools from logging its event, even where the
 * environment asks for it: an event holds request bodies, and a body can
 * hold a student's name.
 */
const keyFile = join(mkdtempSync(join(tmpdir(), "sro-log-")), "key.secret");
writeFileSync(keyFile, "k".repeat(64));
Object.assign(process.env, INTAKE_RECEIPTS_ENV, {
  POWERTOOLS_LOGGER_LOG_EVENT: "true",
  POWERTOOLS_LOG_LEVEL: "DEBUG",
  POWERTOOLS_DEV: "false",
  ...Object.fromEntries(Object.values(TABLES).map((table) => [table.envVar, table.id])),
  [SETTINGS.cursorSecretFile]: keyFile,
  [SETTINGS.studentKeySecretFile]: keyFile,
  [SETTINGS.restrictedReadFunction]: "restricted",
  [SETTINGS.tokenIssuer]: "urn:test",
  [SETTINGS.tokenAudience]: "test",
  [SETTINGS.tokenJwksUrl]: "http://127.0.0.1:9/jwks.json",
  REPORTS_BUCKET: "reports",
});
const failure = new Error("service unavailable in this test");
mockClient(DynamoDBDocumentClient).rejects(failure);
mockClient(SQSClient).rejects(failure);
mockClient(S3Client).rejects(failure);
mockClient(LambdaClient).rejects(failure);
mockClient(SecretsManagerClient).rejects(failure);

const MARKER = "Marisol-Quintero-5f1c";
const context = {
  functionName: "test",
  awsRequestId: "r",
  getRemainingTimeInMillis: () => 5000,
} as Context;

/** What each kind of function is invoked with, the marker in every place a value can be. */
const eventFor = (key: FunctionKey): unknown => {
  if ("consumes" in FUNCTIONS[key]) {
    return {
      Records: [
        {
          messageId: "m1",
          receiptHandle: "h",
          body: JSON.stringify({ incidentKey: MARKER, narrative: MARKER }),
          attributes: { ApproximateReceiveCount: "1" },
          messageAttributes: {},
          md5OfBody: "",
          eventSource: "aws:sqs",
          eventSourceARN: "arn:aws:sqs:us-west-2:000000000000:q",
          awsRegion: "us-west-2",
        },
      ],
    };
  }
  if (key === "scheduledReports") return { source: "scheduler", detail: MARKER };
  return {
    ...lambdaEvent({
      body: JSON.stringify({ narrative: MARKER }),
      claims: { sub: "officer-1", "cognito:groups": "[sro]" },
    }),
    headers: { "content-type": "application/json", authorization: `Bearer ${MARKER}` },
    queryStringParameters: { cursor: MARKER },
    pathParameters: { incidentId: MARKER, reportId: MARKER, schoolYear: MARKER },
  };
};

let output: string[];
beforeEach(() => {
  output = [];
  const capture = (chunk: unknown) => {
    output.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, "write").mockImplementation(capture);
  vi.spyOn(process.stderr, "write").mockImplementation(capture);
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation((...args) => void capture(args.join(" ")));
  }
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe("Powertools event logging", () => {
  it("would log the event with POWERTOOLS_LOGGER_LOG_EVENT=true, left to itself", async () => {
    const logger = new Logger({ serviceName: "control" });
    await middy(async () => "ok").use(injectLambdaContext(logger))({ body: MARKER }, context);
    expect(output.join("")).toContain(MARKER);
  });

  it.each(Object.keys(FUNCTIONS) as FunctionKey[])("is off in %s", async (key) => {
    const { handler } = (await import(`../../functions/${FUNCTIONS[key].entry}.ts`)) as {
      handler: (event: unknown, context: Context) => Promise<unknown>;
    };
    await handler(eventFor(key), context).catch(() => undefined);
    expect(output.join("")).not.toContain(MARKER);
  });
});
