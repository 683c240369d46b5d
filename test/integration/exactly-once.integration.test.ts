import { GetItemCommand, PutItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDynamoClient } from "../../infra/local/dynamodb.ts";
import type { SqsHandler } from "../../infra/local/poller.ts";
import { waitFor } from "../../infra/local/wait.ts";
import { runCommand } from "../support/cli.ts";
import {
  newIncident,
  postIncident,
  queueDepth,
  startTestStack,
  tokenFor,
  waitUntilRedacted,
  waitUntilStored,
} from "../support/local-stack.ts";

/** Every record the store function was handed, by message id. */
const deliveries = new Map<string, number>();

let stack: Awaited<ReturnType<typeof startTestStack>>;
let sro: string;
let dynamo: ReturnType<typeof localDynamoClient>;

beforeAll(async () => {
  stack = await startTestStack({
    // Short enough to see five receives within the test, long enough that a
    // batch on a busy machine finishes before its messages reappear.
    visibilityTimeoutSeconds: 4,
    wrapHandler: (key, handler) =>
      key !== "store"
        ? handler
        : async (event: SQSEvent, context: unknown): Promise<SQSBatchResponse | undefined> => {
            for (const record of event.Records) {
              deliveries.set(record.messageId, (deliveries.get(record.messageId) ?? 0) + 1);
            }
            return (handler as SqsHandler)(event, context as never);
          },
  });
  sro = await tokenFor(stack, "sro", "officer-1");
  dynamo = localDynamoClient(stack.dynamoEndpoint);
});
afterAll(async () => {
  dynamo?.destroy();
  await stack?.dispose();
});

const queue = (key: string) => stack.queues.find((candidate) => candidate.key === key)!;

const storedItem = async (incidentId: string) =>
  (
    await dynamo.send(
      new GetItemCommand({
        TableName: stack.tableNames.incidents,
        Key: { incidentId: { S: incidentId.toLowerCase() } },
        ConsistentRead: true,
      }),
    )
  ).Item;

const countStored = async (incidentId: string) => {
  const { Items = [] } = await dynamo.send(
    new ScanCommand({
      TableName: stack.tableNames.incidents,
      FilterExpression: "incidentId = :id",
      ExpressionAttributeValues: { ":id": { S: incidentId.toLowerCase() } },
      ConsistentRead: true,
    }),
  );
  return Items.length;
};

describe("exactly-once effect", () => {
  it("stores an incident once when it is posted many times concurrently", async () => {
    const incident = newIncident();
    const responses = await Promise.all(
      Array.from({ length: 25 }, () => postIncident(stack, sro, incident)),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(25).fill(202));
    await waitUntilStored(stack, sro, incident.incidentId);
    const first = await storedItem(incident.incidentId);
    // Let every queued copy be delivered; none may overwrite the first write.
    await waitFor(async () => (await queueDepth(stack, queue("intake").url)) === 0, {
      timeoutMs: 20_000,
      what: "intake queue drained",
    });
    expect(await countStored(incident.incidentId)).toBe(1);
    expect((await storedItem(incident.incidentId))?.storedAt).toEqual(first?.storedAt);
  });

  it("stores an incident once when the queue delivers its message twice", async () => {
    const incident = newIncident();
    expect((await postIncident(stack, sro, incident)).status).toBe(202);
    await waitUntilStored(stack, sro, incident.incidentId);
    const first = await storedItem(incident.incidentId);
    const duplicate = {
      incidentKey: incident.incidentId,
      officerId: "officer-1",
      receivedAt: new Date().toISOString(),
      event: incident,
    };
    await stack.sqs.send(
      new SendMessageCommand({
        QueueUrl: queue("intake").url,
        MessageBody: JSON.stringify(duplicate),
      }),
    );
    await waitFor(async () => (await queueDepth(stack, queue("intake").url)) === 0, {
      timeoutMs: 20_000,
      what: "intake queue drained",
    });
    expect(await countStored(incident.incidentId)).toBe(1);
    expect(await storedItem(incident.incidentId)).toEqual(first);
  });

  it("forwards every stored incident to the redact stage", async () => {
    const incident = newIncident();
    await postIncident(stack, sro, incident);
    await waitUntilRedacted(stack, incident.incidentId);
  });
});

describe("poison messages", () => {
  it("go to the DLQ after their retries while the rest of their batch is processed once", async () => {
    const good = Array.from({ length: 6 }, () => newIncident());
    const poison = [
      "not json at all",
      JSON.stringify({ incidentKey: "x", officerId: "o", receivedAt: "yesterday", event: {} }),
    ];
    const sent = new Map<string, "good" | "poison">();
    for (const [index, body] of [
      ...good.map((incident) =>
        JSON.stringify({
          incidentKey: incident.incidentId,
          officerId: "officer-1",
          receivedAt: new Date().toISOString(),
          event: incident,
        }),
      ),
      ...poison,
    ].entries()) {
      const { MessageId } = await stack.sqs.send(
        new SendMessageCommand({ QueueUrl: queue("intake").url, MessageBody: body }),
      );
      sent.set(MessageId!, index < good.length ? "good" : "poison");
    }
    await waitFor(async () => (await queueDepth(stack, queue("intake").dlqUrl)) >= poison.length, {
      timeoutMs: 60_000,
      what: "poison messages in the DLQ",
    });
    for (const incident of good) expect(await countStored(incident.incidentId)).toBe(1);
    for (const [messageId, kind] of sent) {
      expect(deliveries.get(messageId)).toBe(kind === "good" ? 1 : 5);
    }
    const { Messages = [] } = await stack.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue("intake").dlqUrl, MaxNumberOfMessages: 10 }),
    );
    expect(Messages.map((message) => message.Body).sort()).toEqual([...poison].sort());
  });

  it("come back with npm run redrive, and a message that can now be processed is stored", async () => {
    const incident = newIncident();
    const message = {
      incidentKey: incident.incidentId,
      officerId: "officer-1",
      receivedAt: new Date().toISOString(),
      event: incident,
    };
    // Intake records the receipt before it queues; readers find the incident through it.
    await dynamo.send(
      new PutItemCommand({
        TableName: stack.tableNames.intakeReceipts,
        Item: {
          incidentId: { S: message.incidentKey },
          digest: { S: "redrive-test" },
          officerId: { S: message.officerId },
          receivedAt: { S: message.receivedAt },
        },
      }),
    );
    // As if it had failed five times while storage was down.
    await stack.sqs.send(
      new SendMessageCommand({
        QueueUrl: queue("intake").dlqUrl,
        MessageBody: JSON.stringify(message),
      }),
    );
    const result = await runCommand("cli/redrive.ts", [
      "--queue",
      "intake",
      "--data-dir",
      stack.dataDir,
    ]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/moved [1-9]\d* message/);
    expect(result.stdout).not.toContain(incident.incidentId);
    await waitUntilStored(stack, sro, incident.incidentId);
  });
});
