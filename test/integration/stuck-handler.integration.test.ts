import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../infra/local/wait.ts";
import { QUEUES } from "../../resources/declarations.ts";
import {
  newIncident,
  postIncident,
  queueDepth,
  startTestStack,
  tokenFor,
  waitUntilStored,
} from "../support/local-stack.ts";
import { SPIN_MARKER } from "../support/spinning-handler.ts";

/**
 * A handler that never returns, because it spins on the CPU (as a
 * catastrophic regular expression does), gets what Lambda gives it: its
 * container is ended at the function's timeout. The API answers meanwhile,
 * the HTTP caller gets API Gateway's 500, and a queue message is delivered
 * again until the redrive policy moves it to the DLQ.
 */
const SPINNING = new URL("../support/spinning-handler.ts", import.meta.url).href;
// Short, with room for a first invocation on a busy machine.
const INTAKE_TIMEOUT = 5;
const STORE_TIMEOUT = 3;
const VISIBILITY = 4;

const settled = <T>(promise: Promise<T>) => {
  const state = { done: false };
  promise.then(
    () => {
      state.done = true;
    },
    () => {
      state.done = true;
    },
  );
  return state;
};

const health = async (url: string) => (await fetch(`${url}/health`)).status;

describe("a stuck handler", () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let sro: string;

  beforeAll(async () => {
    stack = await startTestStack({
      visibilityTimeoutSeconds: VISIBILITY,
      handlerModules: { intake: SPINNING, store: SPINNING },
      functionTimeouts: { intake: INTAKE_TIMEOUT, store: STORE_TIMEOUT },
    });
    sro = await tokenFor(stack, "sro", "officer-stuck");
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it("answers an HTTP request with a 500 at the function's timeout, and the API answers meanwhile", async () => {
    // A warm container first, so the stuck request starts at once.
    const first = newIncident();
    await waitFor(async () => (await postIncident(stack, sro, first)).status === 202, {
      timeoutMs: 20_000,
      what: "a first incident accepted",
    });

    const started = Date.now();
    const stuck = postIncident(
      stack,
      sro,
      newIncident({ narrative: `Student ran. ${SPIN_MARKER}` }),
    );
    const state = settled(stuck);
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(await health(stack.url)).toBe(200);
    expect((await fetch(`${stack.url}/openapi.json`)).status).toBe(200);
    expect(state.done).toBe(false);
    // The same function: another container takes it.
    const other = newIncident();
    expect((await postIncident(stack, sro, other)).status).toBe(202);

    const answer = await stuck;
    const elapsed = Date.now() - started;
    expect(answer.status).toBe(500);
    expect(answer.json).toEqual({ message: "Internal Server Error" });
    expect(elapsed).toBeGreaterThanOrEqual(INTAKE_TIMEOUT * 1000);
    expect(elapsed).toBeLessThan(INTAKE_TIMEOUT * 1000 + 10_000);

    // The ended container is replaced by a cold one.
    expect((await postIncident(stack, sro, newIncident())).status).toBe(202);
    await waitUntilStored(stack, sro, other.incidentId);
  });

  it("delivers a stuck queue message again until the DLQ takes it, and goes on with the next", async () => {
    const intake = stack.queues.find((queue) => queue.key === "intake")!;
    await stack.sqs.send(
      new SendMessageCommand({
        QueueUrl: intake.url,
        MessageBody: JSON.stringify({ note: SPIN_MARKER }),
      }),
    );
    const started = Date.now();
    // While the store function's containers spin and are ended, the API answers.
    await waitFor(
      async () => {
        expect(await health(stack.url)).toBe(200);
        return (await queueDepth(stack, intake.dlqUrl)) === 1;
      },
      { timeoutMs: 45_000, intervalMs: 250, what: "the stuck message in the DLQ" },
    );
    // Five receives, each VISIBILITY apart, before the sixth finds the limit.
    expect(Date.now() - started).toBeGreaterThanOrEqual(
      (QUEUES.intake.maxReceiveCount - 1) * VISIBILITY * 1000,
    );
    expect(await queueDepth(stack, intake.url)).toBe(0);
    const { Messages = [] } = await stack.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: intake.dlqUrl,
        MessageSystemAttributeNames: ["ApproximateReceiveCount"],
        VisibilityTimeout: 0,
      }),
    );
    expect(Messages[0]?.Body).toContain(SPIN_MARKER);

    const next = [newIncident(), newIncident(), newIncident()];
    for (const incident of next) {
      expect((await postIncident(stack, sro, incident)).status).toBe(202);
    }
    for (const incident of next) await waitUntilStored(stack, sro, incident.incidentId);
    expect(await queueDepth(stack, intake.dlqUrl)).toBe(1);
  });
});

describe("a stuck message kept across a restart", () => {
  it("does not stop the next start from answering", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "sro-stuck-"));
    const options = {
      dataDir,
      visibilityTimeoutSeconds: VISIBILITY,
      handlerModules: { store: SPINNING },
      functionTimeouts: { store: STORE_TIMEOUT },
    };
    try {
      const first = await startTestStack(options);
      const intake = first.queues.find((queue) => queue.key === "intake")!;
      await first.sqs.send(
        new SendMessageCommand({
          QueueUrl: intake.url,
          MessageBody: JSON.stringify({ note: SPIN_MARKER }),
        }),
      );
      await waitFor(async () => (await queueDepth(first, intake.url)) === 1, {
        timeoutMs: 10_000,
        what: "the stuck message queued",
      });
      const stopping = Date.now();
      await first.dispose();
      expect(Date.now() - stopping).toBeLessThan(10_000);

      const second = await startTestStack(options);
      try {
        expect(await health(second.url)).toBe(200);
        const sro = await tokenFor(second, "sro", "officer-restart");
        expect((await postIncident(second, sro, newIncident())).status).toBe(202);
        const secondIntake = second.queues.find((queue) => queue.key === "intake")!;
        // The message came back from the snapshot and is being received again.
        expect(
          (await queueDepth(second, secondIntake.url)) +
            (await queueDepth(second, secondIntake.dlqUrl)),
        ).toBeGreaterThanOrEqual(1);
        expect(await health(second.url)).toBe(200);
      } finally {
        await second.dispose();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
