import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    // Two files at a time even on 2 cores, where the default is one: most
    // integration files wait (on timeouts, visibility timeouts, DynamoDB
    // Local's start) more than they compute. Files share nothing: each
    // stack has its own data folder, DynamoDB Local, emulator and free ports.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Handlers log in JSON to stdout; tests keep warnings and errors only.
    env: { POWERTOOLS_LOG_LEVEL: "WARN" },
  },
});
