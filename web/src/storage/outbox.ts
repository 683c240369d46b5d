import { ApiFailure, apiRequest } from "../api.ts";
import type { Session } from "../auth.ts";
import { seal, unseal } from "./crypto.ts";
import { db, type OutboxRecord, writing } from "./db.ts";

/**
 * Reports go to the device first, then to the API (contracts section 7).
 * An entry belongs to the officer who wrote it and is sent only with that
 * officer's token, always with its own incidentId, so the server stores it
 * once however often it is sent.
 */

const BASE_DELAY_MS = 2_000;
const MAX_DELAY_MS = 5 * 60_000;

/** Exponential backoff with "equal jitter": at least half the step, so retries neither storm nor stall. */
export const retryDelay = (attempts: number, random = Math.random): number => {
  const step = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(step / 2 + random() * (step / 2));
};

const changed = new EventTarget();
export const onOutboxChange = (listener: () => void) => {
  changed.addEventListener("change", listener);
  return () => changed.removeEventListener("change", listener);
};
const notify = () => changed.dispatchEvent(new Event("change"));

/** Stores a report to send. A rejected or conflicting entry is replaced by its fixed version. */
export const enqueue = async (
  sub: string,
  event: Record<string, unknown> & { incidentId: string; schoolId: string },
): Promise<void> => {
  const database = await db();
  const existing = await database.get("outbox", event.incidentId);
  if (
    existing &&
    (existing.sub !== sub || existing.state === "sent" || existing.state === "sending")
  ) {
    throw new Error("This report is already in the outbox and cannot be changed.");
  }
  const sealed = await seal(event);
  await writing(() =>
    database.put("outbox", {
      id: event.incidentId,
      sub,
      state: "queued",
      schoolId: event.schoolId,
      createdAt: existing?.createdAt ?? Date.now(),
      attempts: 0,
      nextAttemptAt: 0,
      sealed,
    }),
  );
  notify();
};

export const listOutbox = async (): Promise<OutboxRecord[]> =>
  (await (await db()).getAll("outbox")).sort((a, b) => b.createdAt - a.createdAt);

export const outboxEntry = async (id: string) => (await db()).get("outbox", id);

export const entryReport = async <T>(entry: OutboxRecord): Promise<T | undefined> =>
  entry.sealed ? unseal<T>(entry.sealed) : undefined;

/** Unsent entries of one officer: what sign-out warns about. */
export const unsentOf = async (sub: string): Promise<OutboxRecord[]> =>
  (await (await db()).getAllFromIndex("outbox", "bySub", sub)).filter(
    (entry) => entry.state !== "sent",
  );

/** Only ever on the officer's say (a button that asks first). */
export const deleteEntry = async (sub: string, id: string): Promise<void> => {
  const database = await db();
  const entry = await database.get("outbox", id);
  if (!entry || entry.sub !== sub) return;
  await database.delete("outbox", id);
  notify();
};

/** A conflict resolved by sending the report again as a new one, under a new incidentId. */
export const resendAsNew = async (sub: string, id: string): Promise<string | undefined> => {
  const database = await db();
  const entry = await database.get("outbox", id);
  if (!entry || entry.sub !== sub || entry.state !== "conflict" || !entry.sealed) return;
  const report = await unseal<Record<string, unknown> & { schoolId: string }>(entry.sealed);
  const incidentId = crypto.randomUUID();
  await enqueue(sub, { ...report, incidentId });
  await database.delete("outbox", id);
  notify();
  return incidentId;
};

const update = async (id: string, change: (entry: OutboxRecord) => OutboxRecord | undefined) => {
  const database = await db();
  const tx = database.transaction("outbox", "readwrite");
  const entry = await tx.store.get(id);
  const next = entry && change(entry);
  if (next) await tx.store.put(next);
  await tx.done;
  notify();
};

export type SendOutcome = "sent" | "rejected" | "conflict" | "unauthenticated" | "retry";

/** One entry, one attempt. The caller has checked that the token is its author's. */
const sendOne = async (entry: OutboxRecord, session: Session): Promise<SendOutcome> => {
  if (entry.sub !== session.profile.sub || !entry.sealed) return "rejected";
  const report = await unseal<Record<string, unknown>>(entry.sealed);
  await update(entry.id, (current) => ({ ...current, state: "sending" }));
  try {
    await apiRequest({ method: "POST", path: "/incidents", token: session.token, body: report });
    // Identifying data leaves the device: only the id, time and school stay.
    const database = await db();
    await database.put("outbox", {
      id: entry.id,
      sub: entry.sub,
      state: "sent",
      schoolId: entry.schoolId,
      createdAt: entry.createdAt,
      sentAt: Date.now(),
      attempts: entry.attempts + 1,
      nextAttemptAt: 0,
    });
    notify();
    return "sent";
  } catch (error) {
    const failure =
      error instanceof ApiFailure ? error : new ApiFailure(0, "NETWORK", "Sending failed.");
    const lastError = {
      status: failure.status,
      code: failure.code,
      message: failure.message,
      details: failure.details,
    };
    if (failure.status === 401) {
      await update(entry.id, (current) => ({ ...current, state: "queued", lastError }));
      return "unauthenticated";
    }
    if (failure.retryable) {
      const attempts = entry.attempts + 1;
      await update(entry.id, (current) => ({
        ...current,
        state: "queued",
        attempts,
        nextAttemptAt: Date.now() + retryDelay(attempts),
        lastError,
      }));
      return "retry";
    }
    const state = failure.status === 409 ? "conflict" : "rejected";
    await update(entry.id, (current) => ({ ...current, state, lastError }));
    return state;
  }
};

export interface FlushResult {
  outcomes: Map<string, SendOutcome>;
  /** When the next retry is due, if any entry waits for one. */
  nextAttemptAt?: number;
}

let flushing: Promise<FlushResult> | undefined;

/**
 * Sends every due entry of the signed-in officer. One flush at a time per
 * tab, and across tabs through a Web Lock where the browser has them.
 * `force` sends waiting entries now (the network came back, the app started).
 */
export const flushOutbox = (session: Session, force = false): Promise<FlushResult> => {
  if (flushing) return flushing.then(() => flushOutbox(session, force));
  const run = async (): Promise<FlushResult> => {
    const outcomes = new Map<string, SendOutcome>();
    const database = await db();
    const mine = await database.getAllFromIndex("outbox", "bySub", session.profile.sub);
    const now = Date.now();
    // An entry left `sending` by a closed tab was never answered: send it again.
    const due = mine
      .filter(
        (entry) =>
          (entry.state === "queued" || entry.state === "sending") &&
          (force || entry.nextAttemptAt <= now),
      )
      .sort((a, b) => a.createdAt - b.createdAt);
    for (const entry of due) {
      const outcome = await sendOne(entry, session);
      outcomes.set(entry.id, outcome);
      if (outcome === "unauthenticated") break;
    }
    const waiting = (await database.getAllFromIndex("outbox", "bySub", session.profile.sub))
      .filter((entry) => entry.state === "queued")
      .map((entry) => entry.nextAttemptAt);
    return waiting.length > 0 ? { outcomes, nextAttemptAt: Math.min(...waiting) } : { outcomes };
  };
  const locked = "locks" in navigator ? navigator.locks.request("sro-outbox", run) : run();
  flushing = locked.finally(() => {
    flushing = undefined;
  });
  return flushing;
};
