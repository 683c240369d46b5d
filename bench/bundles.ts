import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BuildOptions, build, type Metafile } from "esbuild";
import { ESBUILD_OPTIONS } from "../infra/constructs/bundling.ts";
import { FUNCTIONS } from "../resources/declarations.ts";

/**
 * Each function bundled as the CDK bundles it, beside a bundle of only the
 * AWS SDK clients (and commands) that the function's bundle holds, built
 * the same way: bytes, and the time a fresh Node process takes to load
 * each (median of several runs, the two interleaved so that a busy machine
 * slows both alike). Also the load with the source map and
 * `--enable-source-maps` (what the CDK's `sourceMap` setting turns on).
 */
const bundle = async (entry: string, outfile: string, sourcemap = false) => {
  const result = await build({
    ...(ESBUILD_OPTIONS as BuildOptions),
    entryPoints: [entry],
    outfile,
    sourcemap,
    metafile: true,
    // Baseline entries are written outside the project; the SDK resolves from it.
    nodePaths: [join(process.cwd(), "node_modules")],
    logLevel: "silent",
  });
  return { bytes: statSync(outfile).size, metafile: result.metafile };
};

const CLIENT_CLASSES: Record<string, string> = {
  dynamodb: "DynamoDBClient",
  sqs: "SQSClient",
  s3: "S3Client",
  "secrets-manager": "SecretsManagerClient",
  lambda: "LambdaClient",
};

/** The SDK clients and commands a bundle holds, read from esbuild's metafile. */
const sdkUse = (metafile: Metafile) => {
  const clients = new Map<string, Set<string>>();
  const documentCommands = new Set<string>();
  for (const path of Object.keys(metafile.inputs)) {
    const client = /@aws-sdk\/client-([a-z0-9-]+)\/dist-es\/(?:commands\/(\w+Command)\.js)?/.exec(
      path,
    );
    if (client && CLIENT_CLASSES[client[1]!]) {
      const commands = clients.get(client[1]!) ?? new Set<string>();
      if (client[2]) commands.add(client[2]);
      clients.set(client[1]!, commands);
    }
    const document = /@aws-sdk\/lib-dynamodb\/dist-es\/commands\/(\w+Command)\.js/.exec(path);
    if (document) documentCommands.add(document[1]!);
  }
  return { clients, documentCommands };
};

/** A module that creates each client once, as a function's container does, and names its commands. */
const baselineSource = ({ clients, documentCommands }: ReturnType<typeof sdkUse>) => {
  const lines: string[] = [];
  const used: string[] = [];
  for (const [client, commands] of clients) {
    const names = [CLIENT_CLASSES[client]!, ...commands];
    lines.push(`import { ${names.join(", ")} } from "@aws-sdk/client-${client}";`);
    lines.push(`const ${client.replace(/-/g, "_")} = new ${CLIENT_CLASSES[client]}({});`);
    used.push(client.replace(/-/g, "_"), ...commands);
  }
  if (documentCommands.size > 0) {
    lines.push(
      `import { DynamoDBDocumentClient, ${[...documentCommands].join(", ")} } from "@aws-sdk/lib-dynamodb";`,
      "const document = DynamoDBDocumentClient.from(dynamodb);",
    );
    used.push("document", ...documentCommands);
  }
  lines.push(`export const handler = async () => [${used.join(", ")}].length;`);
  return `${lines.join("\n")}\n`;
};

const loadMs = (file: string, nodeOptions: string[] = []) =>
  Number(
    execFileSync(
      process.execPath,
      [
        ...nodeOptions,
        "--input-type=module",
        "-e",
        `const t=process.hrtime.bigint();await import(${JSON.stringify(`file://${file}`)});console.log(Number(process.hrtime.bigint()-t)/1e6)`,
      ],
      { encoding: "utf8", env: { ...process.env, AWS_REGION: "us-west-2" } },
    ).trim(),
  );

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export interface BundleFigures {
  bytes: number;
  sdkBytes: number;
  bytesRatio: number | null;
  initMs: number;
  sdkInitMs: number;
  initRatio: number | null;
  /** The load with its source map and --enable-source-maps. */
  initWithSourceMapsMs: number;
  clients: string[];
}

export const measureBundles = async ({ runs = 7 } = {}) => {
  const dir = mkdtempSync(join(tmpdir(), "sro-bundles-"));
  try {
    const built = [];
    for (const declaration of Object.values(FUNCTIONS)) {
      const file = join(dir, `${declaration.entry}.mjs`);
      const mappedFile = join(dir, `${declaration.entry}.mapped.mjs`);
      const entry = join(process.cwd(), "functions", `${declaration.entry}.ts`);
      const own = await bundle(entry, file);
      await bundle(entry, mappedFile, true);
      const use = sdkUse(own.metafile);
      const baselineEntry = join(dir, `${declaration.entry}.sdk.ts`);
      writeFileSync(baselineEntry, baselineSource(use));
      const baselineFile = join(dir, `${declaration.entry}.sdk.mjs`);
      const baseline = use.clients.size ? await bundle(baselineEntry, baselineFile) : undefined;
      built.push({
        name: declaration.entry,
        file,
        mappedFile,
        baselineFile: baseline ? baselineFile : undefined,
        bytes: own.bytes,
        sdkBytes: baseline?.bytes ?? 0,
        clients: [...use.clients.keys()],
        times: { own: [] as number[], sdk: [] as number[], mapped: [] as number[] },
      });
    }
    for (let run = 0; run < runs; run++) {
      for (const item of built) {
        if (item.baselineFile) item.times.sdk.push(loadMs(item.baselineFile));
        item.times.own.push(loadMs(item.file));
        item.times.mapped.push(loadMs(item.mappedFile, ["--enable-source-maps"]));
      }
    }
    const result: Record<string, BundleFigures> = {};
    for (const item of built) {
      const initMs = median(item.times.own);
      const sdkInitMs = item.times.sdk.length ? median(item.times.sdk) : 0;
      result[item.name] = {
        bytes: item.bytes,
        sdkBytes: item.sdkBytes,
        bytesRatio: item.sdkBytes ? item.bytes / item.sdkBytes : null,
        initMs,
        sdkInitMs,
        initRatio: sdkInitMs ? initMs / sdkInitMs : null,
        initWithSourceMapsMs: median(item.times.mapped),
        clients: item.clients,
      };
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
