import { setTimeout as sleep } from "node:timers/promises";

/** Polls until `ready` holds, with a deadline: never a fixed sleep. */
export const waitFor = async (
  ready: () => Promise<boolean> | boolean,
  {
    timeoutMs,
    intervalMs = 100,
    what,
    abortIf,
  }: { timeoutMs: number; intervalMs?: number; what: string; abortIf?: () => boolean },
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ready()) return;
    if (abortIf?.()) throw new Error(`${what} stopped before it was ready`);
    await sleep(intervalMs);
  }
  throw new Error(`${what} was not ready within ${Math.round(timeoutMs / 1000)} s`);
};
