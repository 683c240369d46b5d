import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as z from "zod";
import { QUEUES } from "../../resources/declarations.ts";
import { sendToDeadLetterQueue } from "../../shared/adapters/dead-letter-queue.ts";
import { redrive } from "../../shared/adapters/redrive.ts";
import { observability } from "../../shared/observability.ts";
import { queueConsumer } from "../../shared/queue/consumer.ts";
import { FAILURE_ATTRIBUTES } from "../../shared/queue/dead-letter.ts";

const DLQ_URL = "https://sqs.us-west-2.amazonaws.com/000000000000/intake-dlq";
Object.assign(process.env, {
  AWS_REGION: "us-west-2",
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
  POWERTOOLS_METRICS_DISABLED: "true",
  [QUEUES.intake.dlqEnvVar]: DLQ_URL,
});

const sqsMock = mockClient(SQSClient);
// Log lines are checked for the canary too, wherever the logger writes them.
const logged: string[] = [];
const capture = (chunk: unknown) => {
  logged.push(String(chunk));
  return true;
};
const spies = [
  vi.spyOn(process.stdout, "write").mockImplementation(capture),
  vi.spyOn(process.stderr, "write").mockImplementation(capture),
  ...(["log", "info", "warn", "error", "debug"] as const).map((method) =>
    vi.spyOn(console, method).mockImplementation((...args) => void capture(args.join(" "))),
  ),
];
afterAll(() => {
  for (const spy of spies) spy.mockRestore();
});

const CANARY = "Canary-Quintero-5c1d";
const MAX = QUEUES.intake.maxReceiveCount;

/** Fails the way a library error does: a class, a code, and a message quoting the input. */
class StorageRefused extends Error {
  code: string;
  constructor(code: string) {
    super(`refused item with narrative ${CANARY}`);
    this.name = "StorageRefused";
    this.code = code;
  }
}

let failure: Error = new StorageRefused("ConditionalCheckFailed");
const handler = queueConsumer(
  {
    ...observability("dead-letter-test"),
    queue: "intake",
    sendToDeadLetter: sendToDeadLetterQueue,
  },
  z.object({ narrative: z.string() }),
  async () => {
    throw failure;
  },
);

const record = (receiveCount: number, body = JSON.stringify({ narrative: CANARY })): SQSRecord => ({
  messageId: `m-${receiveCount}`,
  receiptHandle: "r",
  body,
  attributes: {
    ApproximateReceiveCount: String(receiveCount),
    SentTimestamp: "0",
    SenderId: "s",
    ApproximateFirstReceiveTimestamp: "0",
  },
  messageAttributes: {
    incidentId: {
      dataType: "String",
      stringValue: "6f1c2a34-9b7e-4d2a-8f51-0c3e5a7b9d10",
      stringListValues: [],
      binaryListValues: [],
    },
  },
  md5OfBody: "",
  eventSource: "aws:sqs",
  eventSourceARN: "arn:aws:sqs:us-west-2:000000000000:intake",
  awsRegion: "us-west-2",
});
const context = { functionName: "pipeline-StoreFunction" } as Context;
const run = (...records: SQSRecord[]) =>
  handler({ Records: records } satisfies SQSEvent, context) as Promise<{
    batchItemFailures: Array<{ itemIdentifier: string }>;
  }>;

beforeEach(() => {
  sqsMock.reset();
  logged.length = 0;
  failure = new StorageRefused("ConditionalCheckFailed");
});

describe("a record that fails its last allowed attempt", () => {
  it("goes to the queue's DLQ with the reason, body unchanged, and is reported done", async () => {
    sqsMock.on(SendMessageCommand).resolves({ MessageId: "d-1" });
    const last = record(MAX);
    const response = await run(last);
    expect(response.batchItemFailures).toEqual([]);
    const sent = sqsMock.commandCalls(SendMessageCommand);
    expect(sent).toHaveLength(1);
    const input = sent[0]!.args[0].input;
    expect(input.QueueUrl).toBe(DLQ_URL);
    expect(input.MessageBody).toBe(last.body);
    const attributes = input.MessageAttributes!;
    expect(attributes[FAILURE_ATTRIBUTES.errorClass]?.StringValue).toBe("StorageRefused");
    expect(attributes[FAILURE_ATTRIBUTES.errorCode]?.StringValue).toBe("ConditionalCheckFailed");
    expect(attributes[FAILURE_ATTRIBUTES.function]?.StringValue).toBe("pipeline-StoreFunction");
    expect(attributes[FAILURE_ATTRIBUTES.attemptCount]).toEqual({
      DataType: "Number",
      StringValue: String(MAX),
    });
    expect(Date.parse(attributes[FAILURE_ATTRIBUTES.failedAt]!.StringValue!)).not.toBeNaN();
    expect(attributes.incidentId?.StringValue).toBe("6f1c2a34-9b7e-4d2a-8f51-0c3e5a7b9d10");
    expect(JSON.stringify(attributes)).not.toContain(CANARY);
    expect(logged.join("")).not.toContain(CANARY);
  });

  it("names a malformed body's class, and leaves out a code that is not an identifier", async () => {
    sqsMock.on(SendMessageCommand).resolves({});
    await run(record(MAX, `{"narrative": 1, "note": "${CANARY}"}`));
    failure = new StorageRefused(`bad value ${CANARY}`);
    await run(record(MAX + 1));
    const [malformed, uncoded] = sqsMock
      .commandCalls(SendMessageCommand)
      .map((call) => call.args[0].input.MessageAttributes!);
    expect(malformed![FAILURE_ATTRIBUTES.errorClass]?.StringValue).toBe("MalformedMessage");
    expect(malformed![FAILURE_ATTRIBUTES.errorCode]).toBeUndefined();
    expect(uncoded![FAILURE_ATTRIBUTES.errorCode]).toBeUndefined();
    expect(JSON.stringify([malformed, uncoded])).not.toContain(CANARY);
  });

  it("falls back to the ordinary failure when the DLQ send fails, so SQS's redrive moves it", async () => {
    sqsMock
      .on(SendMessageCommand)
      .rejects(Object.assign(new Error("denied"), { name: "AccessDenied" }));
    const response = await run(record(MAX));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: `m-${MAX}` }]);
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(1);
    expect(logged.join("")).toContain("AccessDenied");
    expect(logged.join("")).not.toContain(CANARY);
  });

  it("falls back to the ordinary failure when no DLQ is configured", async () => {
    const saved = process.env[QUEUES.intake.dlqEnvVar];
    delete process.env[QUEUES.intake.dlqEnvVar];
    try {
      const response = await run(record(MAX));
      expect(response.batchItemFailures).toEqual([{ itemIdentifier: `m-${MAX}` }]);
      expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
    } finally {
      process.env[QUEUES.intake.dlqEnvVar] = saved;
    }
  });
});

describe("a record with attempts left", () => {
  it("fails as before and is delivered again; nothing is sent", async () => {
    const response = await run(record(1), record(MAX - 1));
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual([
      "m-1",
      `m-${MAX - 1}`,
    ]);
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
  });
});

describe("redrive", () => {
  it("moves a message back with its own attributes and without the reason, and counts reasons", async () => {
    const reasonAttributes = {
      incidentId: { DataType: "String", StringValue: "6f1c2a34" },
      [FAILURE_ATTRIBUTES.errorClass]: { DataType: "String", StringValue: "MalformedMessage" },
      [FAILURE_ATTRIBUTES.function]: { DataType: "String", StringValue: "pipeline-StoreFunction" },
      [FAILURE_ATTRIBUTES.attemptCount]: { DataType: "Number", StringValue: "5" },
    };
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: [
          { Body: "one", ReceiptHandle: "h1", MessageAttributes: reasonAttributes },
          { Body: "two", ReceiptHandle: "h2" },
        ],
      })
      .resolves({ Messages: [] });
    sqsMock.on(SendMessageCommand).resolves({});
    sqsMock.on(DeleteMessageCommand).resolves({});
    const result = await redrive(new SQSClient({}), { dlqUrl: "dlq", queueUrl: "queue" });
    expect(result).toEqual({
      moved: 2,
      reasons: {
        "pipeline-StoreFunction: MalformedMessage": 1,
        "no reason attached (moved by SQS)": 1,
      },
    });
    const inputs = sqsMock.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
    expect(inputs).toEqual([
      {
        QueueUrl: "queue",
        MessageBody: "one",
        MessageAttributes: { incidentId: { DataType: "String", StringValue: "6f1c2a34" } },
      },
      { QueueUrl: "queue", MessageBody: "two" },
    ]);
  });
});
