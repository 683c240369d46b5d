import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  ChangeMessageVisibilityCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../infra/local/wait.ts";
import { QUEUES } from "../../resources/declarations.ts";
import { FAILURE_ATTRIBUTES } from "../../shared/queue/dead-letter.ts";
import { queueDepth, startTestStack } from "../support/local-stack.ts";

/**
 * A poison message on the local stack, with the real store function: on its
 * last allowed receive the consumer moves it to the DLQ itself, with why it
 * failed as message attributes, and none of them holds a submitted value.
 * `npm run redrive` moves it back without the old reason, and when it fails
 * again it is explained afresh.
 */
const CANARY = "Canary-Marisol-Quintero-8d2e";
const PREFIX = "sro-dlq";

let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => {
  stack = await startTestStack({ prefix: PREFIX });
});
afterAll(async () => {
  await stack?.dispose();
});

/** Every message in the DLQ, looked at and put straight back. */
const peekDlq = async (url: string) => {
  const { Messages = [] } = await stack.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      MessageAttributeNames: ["All"],
      WaitTimeSeconds: 1,
    }),
  );
  for (const message of Messages) {
    await stack.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: message.ReceiptHandle!,
        VisibilityTimeout: 0,
      }),
    );
  }
  return Messages;
};

const reasonOf = (message: Message) =>
  Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
      name,
      value.StringValue,
    ]),
  );

describe("a poison message", () => {
  const intake = () => stack.queues.find((queue) => queue.key === "intake")!;
  // Not the intake message (no incidentKey, no event), with a would-be name in it.
  const body = JSON.stringify({ event: { narrative: `Seen with ${CANARY}.` }, officerId: CANARY });
  let firstFailedAt = "";

  it("lands in the DLQ with why it failed, and no attribute holds a submitted value", async () => {
    await stack.sqs.send(
      new SendMessageCommand({
        QueueUrl: intake().url,
        MessageBody: body,
        MessageAttributes: { incidentId: { DataType: "String", StringValue: "poison-1" } },
      }),
    );
    await waitFor(async () => (await queueDepth(stack, intake().dlqUrl)) === 1, {
      timeoutMs: 60_000,
      intervalMs: 250,
      what: "the poison message in the DLQ",
    });
    // Moved by the consumer and deleted from the queue: not moved again by SQS.
    await waitFor(async () => (await queueDepth(stack, intake().url)) === 0, {
      timeoutMs: 10_000,
      what: "the intake queue empty",
    });
    const messages = await peekDlq(intake().dlqUrl);
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message!.Body).toBe(body);
    const reason = reasonOf(message!);
    expect(reason).toEqual({
      incidentId: "poison-1",
      [FAILURE_ATTRIBUTES.errorClass]: "MalformedMessage",
      [FAILURE_ATTRIBUTES.function]: `${PREFIX}-store`,
      [FAILURE_ATTRIBUTES.attemptCount]: String(QUEUES.intake.maxReceiveCount),
      [FAILURE_ATTRIBUTES.failedAt]: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/),
    });
    expect(JSON.stringify(message!.MessageAttributes)).not.toContain(CANARY);
    firstFailedAt = reason[FAILURE_ATTRIBUTES.failedAt]!;
  });

  it("goes back with npm run redrive, which names the reason, and fails afresh", async () => {
    // Asynchronously: the emulator it talks to runs in this process.
    const result = await promisify(execFile)(
      "node_modules/.bin/tsx",
      ["cli/redrive.ts", "--queue", "intake", "--data-dir", stack.dataDir],
      { encoding: "utf8", timeout: 60_000 },
    );
    expect(result.stdout).toContain("moved 1 message(s)");
    expect(result.stdout).toContain(`1\t${PREFIX}-store: MalformedMessage`);
    expect(result.stdout + result.stderr).not.toContain(CANARY);

    // Received again from the queue, from its first attempt, and back in the DLQ.
    await waitFor(
      async () => {
        const [message] = await peekDlq(intake().dlqUrl);
        return (
          message !== undefined && reasonOf(message)[FAILURE_ATTRIBUTES.failedAt]! > firstFailedAt
        );
      },
      { timeoutMs: 60_000, intervalMs: 250, what: "the redriven message back in the DLQ" },
    );
    const messages = await peekDlq(intake().dlqUrl);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.Body).toBe(body);
    const reason = reasonOf(messages[0]!);
    expect(reason[FAILURE_ATTRIBUTES.attemptCount]).toBe(String(QUEUES.intake.maxReceiveCount));
    expect(reason.incidentId).toBe("poison-1");
    expect(Object.keys(reason).sort()).toEqual(
      [
        "incidentId",
        FAILURE_ATTRIBUTES.errorClass,
        FAILURE_ATTRIBUTES.function,
        FAILURE_ATTRIBUTES.attemptCount,
        FAILURE_ATTRIBUTES.failedAt,
      ].sort(),
    );
  });
});
