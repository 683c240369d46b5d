import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { waitFor } from "../../infra/local/wait.ts";

/**
 * The README's path, as a newcomer takes it: `npm start`, a token from
 * `npm run token`, the example incident posted with curl's equivalent and
 * read back; Ctrl-C, start again, and the incident is still there.
 */
const dataDir = mkdtempSync(join(tmpdir(), "sro-e2e-"));
const example = readFileSync(new URL("../fixtures/example-incident.json", import.meta.url), "utf8");
const { incidentId, schoolId } = JSON.parse(example) as { incidentId: string; schoolId: string };
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
});

const npmStart = async () => {
  const started = Date.now();
  const child = spawn("npm", ["start", "--silent", "--", "--data-dir", dataDir, "--port", "0"], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: "WARN" },
  });
  children.push(child);
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on("data", (chunk) => {
    output += String(chunk);
  });
  let url = "";
  await waitFor(
    () => {
      url = /running at (http:\/\/\S+)/.exec(output)?.[1] ?? "";
      return url !== "";
    },
    { timeoutMs: 90_000, what: "npm start", abortIf: () => child.exitCode !== null },
  );
  const health = await fetch(`${url}/health`);
  const readyMs = Date.now() - started;
  return { child, url, health, readyMs, output: () => output };
};

/**
 * Ctrl-C in a terminal signals the whole process group. npm itself dies of
 * the signal; the stack's own process is done when it has removed its lock.
 */
const ctrlC = async (child: ChildProcess) => {
  process.kill(-child.pid!, "SIGINT");
  await waitFor(() => !existsSync(join(dataDir, "stack.pid")), {
    timeoutMs: 30_000,
    what: "the stack to stop",
  });
  await waitFor(() => javaFor() === "", { timeoutMs: 10_000, what: "DynamoDB Local to exit" });
};

const javaFor = () => {
  try {
    return execFileSync("pgrep", ["-f", `dbPath ${dataDir}`], { encoding: "utf8" }).trim();
  } catch {
    return "";
  }
};

describe("npm start", () => {
  it("serves, accepts the example incident, stops cleanly and keeps the data", async () => {
    const first = await npmStart();
    expect(first.health.status).toBe(200);
    console.log(`npm start → healthy /health in ${first.readyMs} ms`);

    const token = execFileSync(
      "npm",
      [
        "run",
        "--silent",
        "token",
        "--",
        "--role",
        "sro",
        "--sub",
        "officer-1",
        "--schools",
        schoolId,
        "--data-dir",
        dataDir,
      ],
      { encoding: "utf8" },
    ).trim();
    const posted = await fetch(`${first.url}/incidents`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: example,
    });
    expect(posted.status).toBe(202);
    const read = () =>
      fetch(`${first.url}/incidents/${incidentId}`, {
        headers: { authorization: `Bearer ${token}` },
      });
    await waitFor(async () => (await read()).status === 200, { timeoutMs: 20_000, what: "stored" });

    await ctrlC(first.child);
    expect(first.output()).toContain("[local] stopping");

    const second = await npmStart();
    try {
      const again = await fetch(`${second.url}/incidents/${incidentId}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(again.status).toBe(200);
      expect(((await again.json()) as { incident: unknown }).incident).toEqual(JSON.parse(example));
    } finally {
      await ctrlC(second.child);
    }
  }, 180_000);
});
