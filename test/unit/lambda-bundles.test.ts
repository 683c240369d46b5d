import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { localBundles } from "../../infra/local/lambda-bundles.ts";
import { localFunction } from "../../infra/local/lambda-runtime.ts";
import { FUNCTIONS } from "../../resources/declarations.ts";

/**
 * The local containers load bundles; when the build fails they fall back to
 * the sources, which works but is slow. This fails instead, so a handler
 * that no longer bundles is found here and not as a slower suite.
 */
const sourceUrl = (entry: string) =>
  pathToFileURL(resolve(import.meta.dirname, "../../functions", `${entry}.ts`)).href;

describe("the local containers' bundles", () => {
  it("hold every declared function and the container, outside the project", async () => {
    const bundles = await localBundles();
    expect(bundles).toBeDefined();
    const project = resolve(import.meta.dirname, "../..");
    const found = {
      container: bundles!.containerUrl,
      ...Object.fromEntries(
        Object.values(FUNCTIONS).map(({ entry }) => [
          entry,
          bundles!.modules.get(sourceUrl(entry)),
        ]),
      ),
    };
    for (const [name, bundle] of Object.entries(found)) {
      expect(bundle, name).toMatch(/^file:.*\.mjs$/);
      const file = fileURLToPath(bundle!);
      expect(existsSync(file), name).toBe(true);
      expect(file.startsWith(project), name).toBe(false);
    }
  });

  it("run a function from its TypeScript entry, and time its cold start", async () => {
    const fn = localFunction({
      functionName: "bundle-openapi",
      moduleUrl: sourceUrl(FUNCTIONS.openapi.entry),
      timeoutSeconds: 20,
      memoryMb: FUNCTIONS.openapi.memoryMb,
    });
    try {
      const answer = (await fn.invoke({ rawPath: "/openapi.json" }, undefined)) as {
        statusCode: number;
      };
      expect(answer.statusCode).toBe(200);
      expect(fn.stats()).toMatchObject({ coldStarts: 1, results: 1, errors: 0 });
      expect(fn.stats().coldStartMs).toBeGreaterThan(0);
    } finally {
      await fn.stop();
    }
  });
});
