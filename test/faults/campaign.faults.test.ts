import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prng } from "../../bench/synthetic.ts";
import { localDynamoClient } from "../../infra/local/dynamodb.ts";
import type { SqsHandler } from "../../infra/local/poller.ts";
import { waitFor } from "../../infra/local/wait.ts";
import { redrive } from "../../shared/adapters/redrive.ts";
import {
  newIncident,
  postIncident,
  queueDepth,
  SCHOOL,
  startTestStack,
  tokenFor,
} from "../support/local-stack.ts";

/**
 * The fault campaign: incidents pushed through the local stack over HTTP
 * while store and redact invocations throw, time out or lose their
 * acknowledgements, DynamoDB Local is stopped and restarted, and the same
 * events are posted concurrently. Afterwards every incident that got a 202
 * is stored once and redacted once, whatever reached a DLQ is redriven and
 * explained, and the report's totals equal what was stored.
 *
 * `npm test` runs it small; `npm run test:faults` runs FAULT_INCIDENTS=3000.
 */
const INCIDENTS = Number(process.env.FAULT_INCIDENTS ?? 240);
const DUPLICATED = 10;
const random = prng(2026);
let faults = true;
const injected = { throws: 0, timeouts: 0, lostAcks: 0 };

const faulty =
  (handler: SqsHandler, timeoutMs: number): SqsHandler =>
  async (event: SQSEvent, context) => {
    const roll = random();
    if (faults && roll < 0.06) {
      injected.throws++;
      throw new Error("injected fault");
    }
    if (faults && roll < 0.09) {
      injected.timeouts++;
      // Past the function's timeout: the poller gives the batch up, and the
      // work still lands later, as a slow invocation's would.
      await new Promise((resolve) => setTimeout(resolve, timeoutMs + 500));
    }
    const response = (await handler(event, context)) ?? { batchItemFailures: [] };
    if (faults && random() < 0.08 && event.Records.length > 0) {
      // Processed, but the acknowledgement is lost: the record comes back.
      injected.lostAcks++;
      const record = event.Records[Math.floor(random() * event.Records.length)]!;
      return {
        batchItemFailures: [
          ...response.batchItemFailures.filter(
            (failure) => failure.itemIdentifier !== record.messageId,
          ),
          { itemIdentifier: record.messageId },
        ],
      } satisfies SQSBatchResponse;
    }
    return response;
  };

let stack: Awaited<ReturnType<typeof startTestStack>>;
const VISIBILITY = 4;

beforeAll(async () => {
  stack = await startTestStack({
    visibilityTimeoutSeconds: VISIBILITY,
    wrapHandler: (key, handler) =>
      key === "store" || key === "redact"
        ? faulty(handler as SqsHandler, VISIBILITY * 1000)
        : handler,
  });
});
afterAll(async () => {
  await stack?.dispose();
});

const scanAll = async (table: string) => {
  const client = localDynamoClient(stack.dynamoEndpoint);
  const items: Record<string, any>[] = [];
  let start: Record<string, any> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
    start = page.LastEvaluatedKey;
  } while (start);
  client.destroy();
  return items;
};

/** A client that does what the contract asks: on 503 or no answer, retry with the same incidentId. */
const submit = async (token: string, incident: unknown) => {
  for (let attempt = 0; attempt < 60; attempt++) {
    const response = await postIncident(stack, token, incident).catch(() => ({
      status: 0,
      json: undefined,
      text: "",
    }));
    if (response.status !== 503 && response.status !== 0) return response.status;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return 503;
};

describe("fault campaign", () => {
  it("loses nothing and stores nothing twice", async () => {
    const token = await tokenFor(stack, "sro", "officer-f");
    const events = Array.from({ length: INCIDENTS }, (_, index) => {
      const incident = newIncident({ narrative: `Fault campaign incident ${index}.` });
      incident.students[0].ref = { localId: `F${index % Math.max(10, Math.floor(INCIDENTS / 3))}` };
      incident.students[0].actions = index % 4 === 0 ? ["arrest"] : ["questioned"];
      return incident;
    });
    const statuses = new Map<string, number>();
    let next = 0;
    let restarted = false;
    const worker = async () => {
      while (next < events.length) {
        const incident = events[next++]!;
        if (!restarted && next > events.length * 0.4) {
          restarted = true;
          // Storage goes away mid-run and comes back.
          await stack.restartDynamoDb(1000);
        }
        statuses.set(incident.incidentId, await submit(token, incident));
      }
    };
    const duplicates = events
      .slice(0, DUPLICATED)
      .map((incident) => Promise.all(Array.from({ length: 15 }, () => submit(token, incident))));
    await Promise.all([...Array.from({ length: 8 }, worker), ...duplicates]);
    for (const result of await Promise.all(duplicates)) expect(result).toEqual(Array(15).fill(202));
    expect([...statuses.values()].filter((status) => status !== 202)).toEqual([]);

    // Faults stop; retries, redeliveries and any redrive finish the work.
    faults = false;
    const accepted = new Set(events.map((event) => event.incidentId));
    const settled = async () => {
      const [stored, redacted] = await Promise.all([
        scanAll(stack.tableNames.incidents),
        scanAll(stack.tableNames.redactedIncidents),
      ]);
      return {
        stored,
        redacted,
        done: stored.length === accepted.size && redacted.length === accepted.size,
      };
    };
    const dlqDepths = async () =>
      Promise.all(stack.queues.map(async (queue) => queueDepth(stack, queue.dlqUrl)));
    await waitFor(
      async () => {
        if ((await dlqDepths()).some((depth) => depth > 0)) {
          // Explained: messages that failed five times under injected faults
          // or while storage was down. They go back, and now succeed.
          for (const queue of stack.queues)
            await redrive(stack.sqs, { dlqUrl: queue.dlqUrl, queueUrl: queue.url });
        }
        return (await settled()).done;
      },
      { timeoutMs: 180_000, intervalMs: 1000, what: "every accepted incident stored and redacted" },
    );
    const { stored, redacted } = await settled();
    expect(new Set(stored.map((item) => item.incidentId))).toEqual(accepted);
    expect(new Set(redacted.map((item) => item.incidentId))).toEqual(accepted);
    expect(await dlqDepths()).toEqual(stack.queues.map(() => 0));
    console.log(
      `fault campaign: ${INCIDENTS} incidents, injected ${JSON.stringify(injected)}, DynamoDB restarted once`,
    );
    expect(injected.throws + injected.timeouts + injected.lostAcks).toBeGreaterThan(0);

    // The report counts what was stored, each incident once.
    const analyst = await tokenFor(stack, "district_analyst", "analyst-f");
    const enrollment = ["schoolYear,schoolId,dimension,group,enrollment"]
      .concat(
        ["raceEthnicity", "gender", "disability", "englishLearner", "gradeBand"].map(
          (dimension) => `2025-26,${SCHOOL},${dimension},not_reported,5000`,
        ),
      )
      .join("\n");
    await fetch(`${stack.url}/enrollment/2025-26`, {
      method: "PUT",
      headers: { authorization: `Bearer ${analyst}`, "content-type": "text/csv" },
      body: enrollment,
    });
    const created = (await (
      await fetch(`${stack.url}/reports`, {
        method: "POST",
        headers: { authorization: `Bearer ${analyst}`, "content-type": "application/json" },
        body: JSON.stringify({ schoolYear: "2025-26", minCell: 1, minN: 1 }),
      })
    ).json()) as { reportId: string };
    const report = (await (
      await fetch(`${stack.url}/reports/${created.reportId}`, {
        headers: { authorization: `Bearer ${analyst}` },
      })
    ).json()) as {
      totals: { incidents: number; subjects: number; students: number };
      tables: any[];
    };
    const storedEvents = stored.map((item) => item.event as (typeof events)[number]);
    const subjects = storedEvents.flatMap((event) =>
      event.students.filter((student: any) => student.role === "subject"),
    );
    expect(report.totals).toEqual({
      incidents: storedEvents.length,
      subjects: subjects.length,
      students: new Set(subjects.map((student: any) => student.ref.localId)).size,
    });
    const arrests = report.tables.find(
      (table) => table.decisionPoint === "arrest" && table.dimension === "gender",
    );
    expect(arrests.totalStudents).toBe(
      new Set(
        subjects
          .filter((student: any) => student.actions.includes("arrest"))
          .map((student: any) => student.ref.localId),
      ).size,
    );
  }, 600_000);
});
