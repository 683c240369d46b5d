import { spawn } from "node:child_process";

/**
 * Runs one of the project's commands (`cli/report.ts`, `cli/redrive.ts`)
 * without blocking this process: a local stack the command talks to may be
 * running in it.
 */
export const runCommand = (script: string, args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn("node_modules/.bin/tsx", [script, ...args]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += String(chunk);
    });
    child.stderr.on("data", (chunk) => {
      stderr += String(chunk);
    });
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
