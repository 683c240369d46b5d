import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { FUNCTIONS } from "../infra/resources.ts";

/**
 * Each function bundled as the CDK bundles it (minified ESM, SDK inside),
 * its size, and the time a fresh Node process takes to load it, beside a
 * minimal handler measured the same way.
 */
const bundle = async (entry: string, outfile: string) => {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    minify: true,
    mainFields: ["module", "main"],
    logLevel: "silent",
    banner: {
      js: "import { createRequire } from 'module';const require = createRequire(import.meta.url);",
    },
  });
  return statSync(outfile).size;
};

/** Median of five cold loads, each in its own process. */
const initMs = (file: string) => {
  const runs = Array.from({ length: 5 }, () =>
    Number(
      execFileSync(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `const t=process.hrtime.bigint();await import(${JSON.stringify(`file://${file}`)});console.log(Number(process.hrtime.bigint()-t)/1e6)`,
        ],
        { encoding: "utf8", env: { ...process.env, AWS_REGION: "us-west-2" } },
      ).trim(),
    ),
  ).sort((a, b) => a - b);
  return runs[2]!;
};

export const measureBundles = async () => {
  const dir = mkdtempSync(join(tmpdir(), "sro-bundles-"));
  try {
    const minimalEntry = join(dir, "minimal.ts");
    writeFileSync(minimalEntry, "export const handler = async () => ({ statusCode: 200 });\n");
    const minimalFile = join(dir, "minimal.mjs");
    await bundle(minimalEntry, minimalFile);
    const result: Record<string, { bytes: number; initMs: number }> = {
      "(minimal handler)": { bytes: statSync(minimalFile).size, initMs: initMs(minimalFile) },
    };
    for (const declaration of Object.values(FUNCTIONS)) {
      const file = join(dir, `${declaration.entry}.mjs`);
      const bytes = await bundle(join(process.cwd(), "functions", `${declaration.entry}.ts`), file);
      result[declaration.entry] = { bytes, initMs: initMs(file) };
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
