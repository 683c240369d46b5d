import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { waitFor } from "../../infra/local/wait.ts";
import {
  getIncident,
  newIncident,
  postIncident,
  startTestStack,
  tokenFor,
  waitUntilStored,
} from "../support/local-stack.ts";

const dataDir = mkdtempSync(join(tmpdir(), "sro-restart-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("a restart of the local stack", () => {
  it("keeps stored incidents, intake receipts, queued messages and the dev issuer's key", async () => {
    const incident = newIncident();
    const first = await startTestStack({ dataDir });
    const token = await tokenFor(first, "sro", "officer-1");
    try {
      expect((await postIncident(first, token, incident)).status).toBe(202);
      await waitUntilStored(first, token, incident.incidentId);
    } finally {
      await first.stop();
    }

    const second = await startTestStack({ dataDir });
    try {
      // A token issued before the restart is still accepted.
      const read = await getIncident(second, token, incident.incidentId);
      expect(read.status).toBe(200);
      expect(read.json.incident).toEqual(incident);
      // The receipt survived: other content under the same id is still a conflict.
      const changed = await postIncident(second, token, { ...incident, category: "theft" });
      expect(changed.status).toBe(409);
      // The redacted copy is there for the analysts.
      const analyst = await tokenFor(second, "district_analyst");
      await waitFor(
        async () => (await getIncident(second, analyst, incident.incidentId)).status === 200,
        { timeoutMs: 20_000, what: "redacted incident" },
      );
    } finally {
      await second.stop();
    }
  });

  it("refuses a second stack on the same data folder", async () => {
    const running = await startTestStack({ dataDir });
    try {
      await expect(startTestStack({ dataDir })).rejects.toThrow(/Another local stack/);
    } finally {
      await running.stop();
    }
  });
});
