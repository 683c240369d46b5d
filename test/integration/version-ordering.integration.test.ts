import { GetItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDynamoClient } from "../../infra/local/dynamodb.ts";
import {
  getVersionEvent,
  putIncidentOnce,
  putVersionOnce,
} from "../../shared/adapters/incidents-table.ts";
import { putRedactedIfNewer } from "../../shared/adapters/redacted-incidents-table.ts";
import { putStudentIncidentIfNewer } from "../../shared/adapters/student-incidents-table.ts";
import { versionKey } from "../../shared/incident/key.ts";
import type { IntakeMessage, RedactionMessage } from "../../shared/incident/messages.ts";
import type { IncidentEventV1 } from "../../shared/incident/schema.ts";
import { storeIncident, WithdrawnVersionNotStored } from "../../shared/incident/store.ts";
import { redactIncident } from "../../shared/privacy/redact.ts";
import { recordRedactedIncident } from "../../shared/privacy/redact-stage.ts";
import { incidentArbitrary } from "../support/incident-arbitrary.ts";
import { startTestStack } from "../support/local-stack.ts";

/**
 * The ordering rule (contracts section 8, storage model of issue 12) as a
 * property: a chain of versions is delivered to the store and redact stages
 * in a random order, with redeliveries (a lost ack delivers a message
 * again, before or after others), against DynamoDB Local through the real
 * adapters. Whatever the order, the restricted store holds every version
 * once, as sent, and the redacted store ends at the highest version.
 */
let stack: Awaited<ReturnType<typeof startTestStack>>;
let dynamo: ReturnType<typeof localDynamoClient>;
const SECRET = "ordering-test-secret";

beforeAll(async () => {
  // The stack sets this process's endpoint and table variables, which the adapters read.
  stack = await startTestStack();
  dynamo = localDynamoClient(stack.dynamoEndpoint);
}, 60_000);
afterAll(async () => {
  dynamo?.destroy();
  await stack?.dispose();
});

const getItem = async (table: string, key: Record<string, string>) => {
  const { Item } = await dynamo.send(
    new GetItemCommand({ TableName: table, Key: marshall(key), ConsistentRead: true }),
  );
  return Item ? unmarshall(Item) : undefined;
};

/** Version 1, then corrections, and perhaps a void last, as the correction endpoint queues them. */
const chain = fc
  .tuple(fc.uuid(), fc.integer({ min: 0, max: 4 }), fc.boolean())
  .chain(([incidentId, corrections, voided]) =>
    fc.tuple(
      fc.constant(incidentId),
      fc.array(incidentArbitrary(incidentId), {
        minLength: corrections + 1,
        maxLength: corrections + 1,
      }),
      fc.constant(voided),
    ),
  )
  .map(([incidentId, events, voided]): { messages: IntakeMessage[]; events: IncidentEventV1[] } => {
    const base = {
      incidentKey: incidentId,
      officerId: "officer-1",
      receivedAt: "2026-02-03T18:20:00.000Z",
    };
    const messages: IntakeMessage[] = events.map((event, index) =>
      index === 0
        ? { ...base, event: event as IncidentEventV1 }
        : {
            ...base,
            version: index + 1,
            kind: "corrected",
            at: `2026-02-0${4 + index}T09:00:00.000Z`,
            by: "custodian-1",
            reason: `correction ${index + 1}`,
            event: event as IncidentEventV1,
          },
    );
    if (voided) {
      messages.push({
        ...base,
        version: events.length + 1,
        kind: "voided",
        at: "2026-03-01T09:00:00.000Z",
        by: "custodian-1",
        reason: "entered in error",
      });
    }
    return { messages, events: events as IncidentEventV1[] };
  });

type Delivery =
  | { stage: "store"; message: IntakeMessage }
  | { stage: "redact"; message: RedactionMessage };

/**
 * Delivers everything pending in the order the choices pick; a delivery is
 * redelivered later when its choice says its ack was lost, and a delivery
 * that fails (a void before the version it withdraws is stored) comes back
 * after another delivery, as SQS makes it visible again only after its
 * visibility timeout.
 */
const deliverAll = async (initial: IntakeMessage[], choices: number[]) => {
  const pending: Delivery[] = initial.map((message) => ({ stage: "store", message }));
  let step = 0;
  let retries = 0;
  let redeliveries = 0;
  let failed: Delivery[] = [];
  while (pending.length > 0 || failed.length > 0) {
    if (pending.length === 0) {
      pending.push(...failed);
      failed = [];
    }
    const choice = choices[step % choices.length]! + step;
    step += 1;
    const [delivery] = pending.splice(choice % pending.length, 1) as [Delivery];
    const lostAck = choice % 5 === 0 && redeliveries < 8;
    try {
      if (delivery.stage === "store") {
        await storeIncident(delivery.message, {
          putIncidentOnce,
          putVersionOnce,
          getVersionEvent,
          forwardToRedaction: async (message) => {
            pending.push({ stage: "redact", message });
          },
          now: () => new Date("2026-03-02T00:00:00.000Z"),
        });
      } else {
        await recordRedactedIncident(delivery.message, {
          secret: async () => SECRET,
          putRedactedIfNewer,
          putStudentIncidentIfNewer,
          now: () => new Date("2026-03-02T00:00:00.000Z"),
        });
      }
    } catch (thrown) {
      if (!(thrown instanceof WithdrawnVersionNotStored)) throw thrown;
      retries += 1;
      failed.push(delivery);
      continue;
    }
    pending.push(...failed);
    failed = [];
    if (lostAck) {
      redeliveries += 1;
      pending.splice(choice % (pending.length + 1), 0, delivery);
    }
  }
  return { retries, redeliveries };
};

describe("the ordering rule", () => {
  it("ends every incident at its highest version, whatever the delivery order and redeliveries", async () => {
    let sawRetry = false;
    let sawRedelivery = false;
    await fc.assert(
      fc.asyncProperty(
        chain,
        fc.array(fc.nat(1000), { minLength: 1, maxLength: 50 }),
        async ({ messages, events }, choices) => {
          const { retries, redeliveries } = await deliverAll(messages, choices);
          sawRetry ||= retries > 0;
          sawRedelivery ||= redeliveries > 0;
          const key = messages[0]!.incidentKey;
          const last = messages.at(-1)!;
          const lastVersion = last.version ?? 1;
          const voided = last.kind === "voided";
          const lastActive = events.at(-1)!;

          // Every version is stored once, at its own key, as sent.
          const v1 = await getItem(stack.tableNames.incidents, { incidentId: key });
          expect(v1!.event).toEqual(events[0]);
          for (const message of messages.slice(1)) {
            const stored = await getItem(stack.tableNames.incidents, {
              incidentId: versionKey(key, message.version!),
            });
            expect(stored).toMatchObject({
              version: message.version,
              kind: message.kind,
              reason: "reason" in message ? message.reason : undefined,
            });
            expect(stored!.event).toEqual("event" in message ? message.event : undefined);
          }

          // The redacted item is the highest version, voided or not.
          const expected = redactIncident(lastActive, SECRET);
          const redacted = await getItem(stack.tableNames.redactedIncidents, { incidentId: key });
          expect(redacted).toMatchObject({
            version: lastVersion,
            status: voided ? "voided" : "active",
            schoolId: lastActive.schoolId,
          });
          expect(redacted!.incident).toEqual(JSON.parse(JSON.stringify(expected)));

          // Each student of that version is listed under the incident at that version.
          for (const student of expected.students) {
            if (!student.studentKey) continue;
            const { Items = [] } = await dynamo.send(
              new QueryCommand({
                TableName: stack.tableNames.studentIncidents,
                KeyConditionExpression: "studentKey = :s AND incidentId = :i",
                ExpressionAttributeValues: marshall({ ":s": student.studentKey, ":i": key }),
              }),
            );
            expect(Items.map((item) => unmarshall(item))).toEqual([
              {
                studentKey: student.studentKey,
                incidentId: key,
                schoolId: lastActive.schoolId,
                occurredAt: lastActive.occurredAt,
                version: lastVersion,
              },
            ]);
          }
        },
      ),
      { numRuns: 40 },
    );
    // The schedules did exercise what the rule is for.
    expect(sawRedelivery).toBe(true);
    expect(sawRetry).toBe(true);
  }, 300_000);
});
