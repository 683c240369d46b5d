import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
} from "@aws-sdk/client-dynamodb";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Context, SQSEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { INTAKE_RECEIPTS_ENV, lambdaEvent } from "../support/events.ts";
import { newIncident, SCHOOL } from "../support/local-stack.ts";

// Unit tests of error paths only: storage and queue behaviour is tested against the real emulators.
Object.assign(process.env, INTAKE_RECEIPTS_ENV, { POWERTOOLS_LOG_LEVEL: "SILENT" });
const dynamoMock = mockClient(DynamoDBDocumentClient);
const sqsMock = mockClient(SQSClient);
const { recordReceipt } = await import("../../shared/adapters/intake-receipts.ts");
const intake = await import("../../functions/intake.ts");
const store = await import("../../functions/store.ts");

const context = {
  functionName: "test",
  awsRequestId: "r",
  getRemainingTimeInMillis: () => 1000,
} as Context;

beforeEach(() => {
  dynamoMock.reset();
  sqsMock.reset();
});

describe("intake receipts adapter", () => {
  it("returns the receipt it collided with", async () => {
    dynamoMock.rejects(
      new ConditionalCheckFailedException({
        message: "conditional",
        $metadata: {},
        Item: { digest: { S: "d" }, officerId: { S: "o" }, receivedAt: { S: "t" } },
      }),
    );
    expect(
      await recordReceipt({ incidentKey: "k", digest: "x", officerId: "o", receivedAt: "t2" }),
    ).toEqual({
      incidentKey: "k",
      digest: "d",
      officerId: "o",
      receivedAt: "t",
    });
  });

  it("rethrows every other failure", async () => {
    dynamoMock.rejects(
      new ProvisionedThroughputExceededException({ message: "slow down", $metadata: {} }),
    );
    await expect(
      recordReceipt({ incidentKey: "k", digest: "x", officerId: "o", receivedAt: "t" }),
    ).rejects.toThrow(ProvisionedThroughputExceededException);
  });
});

describe("intake function", () => {
  const post = (body: unknown) =>
    intake.handler(
      lambdaEvent({
        body: JSON.stringify(body),
        claims: { sub: "o1", "cognito:groups": "[sro]", "custom:schoolIds": SCHOOL },
      }),
      context,
    );

  it("answers 503 UNAVAILABLE, echoing nothing, when DynamoDB fails", async () => {
    dynamoMock.on(PutCommand).rejects(new Error("connect ECONNREFUSED"));
    const incident = newIncident();
    const response = await post(incident);
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body!).error.code).toBe("UNAVAILABLE");
    expect(response.body).not.toContain("Marisol");
    expect(response.body).not.toContain("ECONNREFUSED");
    expect(dynamoMock.commandCalls(PutCommand)).toHaveLength(1);
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it("answers 503 when the queue fails after the receipt was written", async () => {
    dynamoMock.on(PutCommand).resolves({});
    sqsMock.on(SendMessageCommand).rejects(new Error("queue down"));
    const response = await post(newIncident());
    expect(response.statusCode).toBe(503);
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(1);
  });
});

describe("store function", () => {
  it("reports only the records whose write failed", async () => {
    const ok = newIncident();
    const failing = newIncident();
    dynamoMock.callsFake((input) => {
      if (input.Item?.incidentId === failing.incidentId) throw new Error("throttled");
      return {};
    });
    sqsMock.on(SendMessageCommand).resolves({});
    const record = (messageId: string, incident: ReturnType<typeof newIncident>) => ({
      messageId,
      receiptHandle: "h",
      body: JSON.stringify({
        incidentKey: incident.incidentId,
        officerId: "o1",
        receivedAt: new Date().toISOString(),
        event: incident,
      }),
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: "1",
        SenderId: "s",
        ApproximateFirstReceiveTimestamp: "1",
      },
      messageAttributes: {},
      md5OfBody: "m",
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:us-west-2:000000000000:q",
      awsRegion: "us-west-2",
    });
    const event: SQSEvent = {
      Records: [record("m1", ok), record("m2", failing), record("m3", ok)],
    };
    const response = await store.handler(event, context);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "m2" }]);
    // The failed record is not forwarded; the two stored ones are.
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(2);
  });
});
