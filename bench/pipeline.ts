import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateTableCommand,
  DeleteItemCommand,
  PutItemCommand,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { marshall } from "@aws-sdk/util-dynamodb";
import { localDynamoClient } from "../infra/local/dynamodb.ts";
import { startLocalStack } from "../infra/local/stack.ts";
import { TABLES } from "../resources/declarations.ts";
import { asciiJson } from "../shared/adapters/queues.ts";

/**
 * The pipeline through the local stack: the sustained rate from POST to
 * redacted record, what the emulators alone allow for the same work, intake
 * latency at half the sustained rate, and the write capacity one incident
 * consumes.
 */
const example = (await import("../test/fixtures/example-incident.json", { with: { type: "json" } }))
  .default;
const incident = (index: number) => ({
  ...example,
  incidentId: crypto.randomUUID(),
  students: example.students.map((student, position) =>
    position === 0 ? { ...student, ref: { ...student.ref, localId: `B${index % 5000}` } } : student,
  ),
});

const pool = async <T>(count: number, concurrency: number, work: (index: number) => Promise<T>) => {
  let next = 0;
  const results: T[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await work(index);
      }
    }),
  );
  return results;
};

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

export const measurePipeline = async ({ incidents = 1500, concurrency = 16 } = {}) => {
  const dataDir = mkdtempSync(join(tmpdir(), "sro-bench-pipeline-"));
  const previousLevel = process.env.POWERTOOLS_LOG_LEVEL;
  process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
  const stack = await startLocalStack({ dataDir, port: 0 });
  const dynamo = localDynamoClient(stack.dynamoEndpoint);
  try {
    const token = await stack.issuer.issue({
      role: "sro",
      sub: "bench",
      schoolIds: [example.schoolId],
    });
    const post = async (body: unknown) => {
      const started = performance.now();
      const response = await fetch(`${stack.url}/incidents`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      await response.arrayBuffer();
      if (response.status !== 202) throw new Error(`intake answered ${response.status}`);
      return performance.now() - started;
    };
    const redactedCount = async () => {
      let count = 0;
      let start: Record<string, any> | undefined;
      do {
        const page = await dynamo.send(
          new ScanCommand({
            TableName: stack.tableNames.redactedIncidents,
            Select: "COUNT",
            ExclusiveStartKey: start,
          }),
        );
        count += page.Count ?? 0;
        start = page.LastEvaluatedKey;
      } while (start);
      return count;
    };

    // Warm-up, then the sustained rate: all posted, all redacted.
    await pool(50, 8, (index) => post(incident(index)));
    while ((await redactedCount()) < 50) await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    await pool(incidents, concurrency, (index) => post(incident(index)));
    while ((await redactedCount()) < 50 + incidents)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const incidentsPerSecond = incidents / ((performance.now() - started) / 1000);

    // Intake latency at half the sustained rate, open loop.
    const rate = incidentsPerSecond / 2;
    const latencies: Promise<number>[] = [];
    const count = Math.max(100, Math.round(rate * 8));
    const opened = performance.now();
    for (let index = 0; index < count; index++) {
      const due = opened + (index / rate) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      latencies.push(post(incident(index)));
    }
    const intake = await Promise.all(latencies);

    // Write capacity of one incident: its items written again under a new key.
    let wcu = 0;
    for (const [key, table] of [
      ["intakeReceipts", TABLES.intakeReceipts],
      ["incidents", TABLES.incidents],
      ["redactedIncidents", TABLES.redactedIncidents],
      ["audit", TABLES.audit],
    ] as const) {
      const name = stack.tableNames[key];
      const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: name, Limit: 1 }));
      const item = Items[0]!;
      const copy = { ...item, [table.partitionKey]: { S: `bench-${crypto.randomUUID()}` } };
      const written = await dynamo.send(
        new PutItemCommand({ TableName: name, Item: copy, ReturnConsumedCapacity: "TOTAL" }),
      );
      wcu += written.ConsumedCapacity?.CapacityUnits ?? 0;
      const keyOnly = Object.fromEntries(
        [table.partitionKey, ...("sortKey" in table ? [table.sortKey] : [])].map((name) => [
          name,
          copy[name]!,
        ]),
      );
      await dynamo.send(new DeleteItemCommand({ TableName: name, Key: keyOnly }));
    }

    // The emulators alone: raw puts, and raw send-receive-delete cycles.
    const scratch = `bench-scratch-${Date.now()}`;
    await dynamo.send(
      new CreateTableCommand({
        TableName: scratch,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "incidentId", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "incidentId", KeyType: "HASH" }],
      }),
    );
    const item = marshall({
      incidentId: "x",
      event: example,
      officerId: "bench",
      receivedAt: new Date().toISOString(),
    });
    const puts = 2000;
    const putStarted = performance.now();
    await pool(puts, concurrency, (index) =>
      dynamo.send(
        new PutItemCommand({
          TableName: scratch,
          Item: { ...item, incidentId: { S: `k${index}` } },
        }),
      ),
    );
    const putsPerSecond = puts / ((performance.now() - putStarted) / 1000);
    const { QueueUrl } = await stack.sqs.send(
      new CreateQueueCommand({ QueueName: `bench-${Date.now()}` }),
    );
    const body = asciiJson({ event: example });
    const messages = 2000;
    const cycleStarted = performance.now();
    await pool(messages, concurrency, () =>
      stack.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body })),
    );
    let received = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (received < messages) {
          const { Messages = [] } = await stack.sqs.send(
            new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
          );
          if (Messages.length === 0) continue;
          received += Messages.length;
          await stack.sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl,
              Entries: Messages.map((message, index) => ({
                Id: String(index),
                ReceiptHandle: message.ReceiptHandle!,
              })),
            }),
          );
        }
      }),
    );
    const messageCyclesPerSecond = messages / ((performance.now() - cycleStarted) / 1000);
    // One incident: 4 item writes (receipt, audit, incident, redacted) and 2 message cycles.
    const ceilingIncidentsPerSecond = Math.min(putsPerSecond / 4, messageCyclesPerSecond / 2);

    return {
      pipeline: {
        incidentsPerSecond,
        concurrency,
        incidents,
        ceilingIncidentsPerSecond,
        ratioToCeiling: incidentsPerSecond / ceilingIncidentsPerSecond,
        emulators: { putsPerSecond, messageCyclesPerSecond },
      },
      intake: {
        p50Ms: percentile(intake, 50),
        p99Ms: percentile(intake, 99),
        ratePerSecond: rate,
        requests: count,
      },
      wcuPerIncident: wcu,
    };
  } finally {
    dynamo.destroy();
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (previousLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
    else process.env.POWERTOOLS_LOG_LEVEL = previousLevel;
  }
};
