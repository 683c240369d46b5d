import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Handlers log in JSON to stdout; tests keep warnings and errors only.
    env: { POWERTOOLS_LOG_LEVEL: "WARN" },
  },
});
