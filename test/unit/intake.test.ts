import { describe, expect, it } from "vitest";
import type { Principal } from "../../shared/auth/claims.ts";
import { ApiError } from "../../shared/http/errors.ts";
import { acceptIncident, type IntakeReceipt } from "../../shared/incident/intake.ts";
import type { IntakeMessage } from "../../shared/incident/messages.ts";
import { validateIncidentEvent } from "../../shared/incident/validate.ts";
import { newIncident, SCHOOL } from "../support/local-stack.ts";

const officer = (userId: string, schools = [SCHOOL]): Principal => ({
  userId,
  role: "sro",
  schoolIds: new Set(schools),
});

/** The use case's ports over plain maps; storage behaviour itself is tested against DynamoDB Local. */
const memoryPorts = () => {
  const receipts = new Map<string, IntakeReceipt>();
  const queued: IntakeMessage[] = [];
  let failQueue = false;
  let clock = Date.parse("2026-03-01T00:00:00Z");
  return {
    receipts,
    queued,
    failQueueOnce: () => {
      failQueue = true;
    },
    ports: {
      recordReceipt: async (receipt: IntakeReceipt) => {
        const existing = receipts.get(receipt.incidentKey);
        if (!existing) receipts.set(receipt.incidentKey, receipt);
        return existing;
      },
      enqueue: async (message: IntakeMessage) => {
        if (failQueue) {
          failQueue = false;
          throw new Error("queue down");
        }
        queued.push(message);
      },
      now: () => {
        clock += 1000;
        return new Date(clock);
      },
    },
  };
};

const codeOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (thrown) => (thrown instanceof ApiError ? thrown.code : "other"),
  );

describe("acceptIncident", () => {
  it("queues a repeat again under the first receipt, so a lost first send is made good", async () => {
    const memory = memoryPorts();
    const event = validateIncidentEvent(newIncident());
    memory.failQueueOnce();
    expect(await codeOf(acceptIncident(event, officer("o1"), "r1", memory.ports))).toBe(
      "UNAVAILABLE",
    );
    expect(memory.receipts.size).toBe(1);
    const repeat = await acceptIncident(event, officer("o1"), "r2", memory.ports);
    expect(repeat.repeat).toBe(true);
    expect(memory.queued).toHaveLength(1);
    expect(memory.queued[0]!.receivedAt).toBe([...memory.receipts.values()][0]!.receivedAt);
  });

  it("refuses other content or another officer under the same id, without queueing", async () => {
    const memory = memoryPorts();
    const event = validateIncidentEvent(newIncident());
    await acceptIncident(event, officer("o1"), undefined, memory.ports);
    const changed = { ...event, category: "theft" as const };
    expect(await codeOf(acceptIncident(changed, officer("o1"), undefined, memory.ports))).toBe(
      "CONFLICT",
    );
    expect(await codeOf(acceptIncident(event, officer("o2"), undefined, memory.ports))).toBe(
      "CONFLICT",
    );
    expect(memory.queued).toHaveLength(1);
  });

  it("refuses a school that is not the officer's before recording anything", async () => {
    const memory = memoryPorts();
    const event = validateIncidentEvent(newIncident());
    expect(await codeOf(acceptIncident(event, officer("o1", ["X"]), undefined, memory.ports))).toBe(
      "FORBIDDEN",
    );
    expect(memory.receipts.size).toBe(0);
  });

  it("maps a storage failure to 503 UNAVAILABLE", async () => {
    const memory = memoryPorts();
    const event = validateIncidentEvent(newIncident());
    const failing = {
      ...memory.ports,
      recordReceipt: async () => Promise.reject(new Error("down")),
    };
    const error = await acceptIncident(event, officer("o1"), undefined, failing).catch(
      (thrown) => thrown,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(503);
  });
});
