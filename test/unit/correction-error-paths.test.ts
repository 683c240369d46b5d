import {
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from "@aws-sdk/client-dynamodb";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import type { Context } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { TABLES } from "../../resources/declarations.ts";
import { INTAKE_RECEIPTS_ENV, lambdaEvent } from "../support/events.ts";
import { newIncident, SCHOOL } from "../support/local-stack.ts";

// Unit tests of error paths only: the transaction itself is tested on DynamoDB Local.
Object.assign(process.env, INTAKE_RECEIPTS_ENV, {
  POWERTOOLS_LOG_LEVEL: "SILENT",
  [TABLES.correctionReceipts.envVar]: "corrections",
  [TABLES.audit.envVar]: "audit",
});
const dynamoMock = mockClient(DynamoDBDocumentClient);
const sqsMock = mockClient(SQSClient);
const { commitCorrection } = await import("../../shared/adapters/corrections.ts");
const correct = await import("../../functions/correct-incident.ts");

const context = {
  functionName: "test",
  awsRequestId: "r",
  getRemainingTimeInMillis: () => 1000,
} as Context;

beforeEach(() => {
  dynamoMock.reset();
  sqsMock.reset();
});

const receipt = {
  correctionId: "c",
  incidentKey: "k",
  digest: "d",
  version: 2,
  kind: "corrected" as const,
  at: "2026-02-04T00:00:00.000Z",
  by: "o1",
};
const move = { incidentKey: "k", baseVersion: 1, version: 2, status: "active" as const };
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: "Transaction cancelled",
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe("the correction's transaction", () => {
  it("tells which condition failed: the correctionId's, or the head's", async () => {
    dynamoMock.on(TransactWriteCommand).rejects(cancelled("ConditionalCheckFailed", "None"));
    expect(await commitCorrection(receipt, move)).toBe("correction-exists");
    dynamoMock.on(TransactWriteCommand).rejects(cancelled("None", "ConditionalCheckFailed"));
    expect(await commitCorrection(receipt, move)).toBe("head-moved");
  });

  it("rethrows a cancellation for any other reason, and every other failure", async () => {
    dynamoMock.on(TransactWriteCommand).rejects(cancelled("None", "TransactionConflict"));
    await expect(commitCorrection(receipt, move)).rejects.toThrow(TransactionCanceledException);
    dynamoMock
      .on(TransactWriteCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: "slow", $metadata: {} }));
    await expect(commitCorrection(receipt, move)).rejects.toThrow(
      ProvisionedThroughputExceededException,
    );
  });
});

describe("correct-incident function", () => {
  const incident = newIncident();
  const post = (body: unknown) =>
    correct.handler(
      {
        ...lambdaEvent({
          body: JSON.stringify(body),
          claims: { sub: "o1", "cognito:groups": "[sro]", "custom:schoolIds": SCHOOL },
        }),
        pathParameters: { incidentId: incident.incidentId },
      },
      context,
    );
  const body = {
    correctionId: crypto.randomUUID(),
    baseVersion: 1,
    reason: "Marisol's grade was wrong",
    incident,
  };
  const head = {
    Item: {
      incidentId: incident.incidentId,
      officerId: "o1",
      receivedAt: new Date().toISOString(),
      schoolId: SCHOOL,
    },
  };

  it("answers 503 UNAVAILABLE, echoing nothing, when the transaction fails, and queues nothing", async () => {
    dynamoMock.on(GetCommand, { TableName: "corrections" }).resolves({});
    dynamoMock.on(GetCommand, { TableName: "receipts" }).resolves(head);
    dynamoMock.on(PutCommand).resolves({});
    dynamoMock.on(TransactWriteCommand).rejects(new Error("connect ECONNREFUSED"));
    const response = await post(body);
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body!).error.code).toBe("UNAVAILABLE");
    for (const value of ["Marisol", "ECONNREFUSED", "grade was wrong"]) {
      expect(response.body).not.toContain(value);
    }
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it("answers 503 when the queue fails after the head moved", async () => {
    dynamoMock.on(GetCommand, { TableName: "corrections" }).resolves({});
    dynamoMock.on(GetCommand, { TableName: "receipts" }).resolves(head);
    dynamoMock.on(PutCommand).resolves({});
    dynamoMock.on(TransactWriteCommand).resolves({});
    sqsMock.on(SendMessageCommand).rejects(new Error("queue down"));
    const response = await post(body);
    expect(response.statusCode).toBe(503);
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it("answers 503 when the audit entry of an accepted correction cannot be written", async () => {
    dynamoMock.on(GetCommand, { TableName: "corrections" }).resolves({});
    dynamoMock.on(GetCommand, { TableName: "receipts" }).resolves(head);
    dynamoMock.on(PutCommand, { TableName: "audit" }).rejects(new Error("audit down"));
    dynamoMock.on(TransactWriteCommand).resolves({});
    sqsMock.on(SendMessageCommand).resolves({});
    const response = await post(body);
    expect(response.statusCode).toBe(503);
  });
});
