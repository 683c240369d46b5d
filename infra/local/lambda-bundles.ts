import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build, version as esbuildVersion } from "esbuild";
import { FUNCTIONS } from "../../resources/declarations.ts";
import { ESBUILD_OPTIONS } from "../constructs/bundling.ts";

/**
 * The local containers load bundles, not TypeScript: registering tsx and
 * compiling a handler's few hundred modules in every new worker took about
 * a second per cold start, loading a bundle takes a tenth of that. Every
 * function and the container itself are bundled in one esbuild build (the
 * deployed settings, split into shared chunks so the AWS SDK is parsed
 * once), kept in the temporary folder under the hash of every file the
 * build read, so the processes of a test run build it once between them.
 */
export interface LocalBundles {
  /** The bundled container (lambda-container.ts), as a file: URL. */
  containerUrl: string;
  /** Each function's bundle by the file: URL of its TypeScript entry. */
  modules: Map<string, string>;
}

const ROOT = resolve(import.meta.dirname, "../..");
const CONTAINER = "infra/local/lambda-container.ts";
const CONTAINER_OUT = "container";

const OPTIONS = {
  ...ESBUILD_OPTIONS,
  // The Node.js that runs the containers, which may be older than Lambda's.
  target: `node${process.versions.node}`,
  splitting: true,
  entryNames: "[name]",
  chunkNames: "chunks/[name]-[hash]",
  outExtension: { ".js": ".mjs" },
  metafile: true,
  absWorkingDir: ROOT,
  logLevel: "silent",
} as const;

/** One cache per checkout, esbuild version and settings. */
const CACHE = join(
  tmpdir(),
  "sro-local-bundles",
  createHash("sha256")
    .update(JSON.stringify([ROOT, esbuildVersion, OPTIONS]))
    .digest("hex")
    .slice(0, 16),
);
const MANIFEST = join(CACHE, "manifest.json");

interface Manifest {
  /** Every file the build read, relative to the project, and its lock file. */
  inputs: string[];
  /** The hash of their contents: the name of the folder holding the build. */
  key: string;
  entries: Record<string, string>;
}

const entryPoints = () => {
  const entries: Record<string, string> = { [CONTAINER_OUT]: CONTAINER };
  for (const declaration of Object.values(FUNCTIONS)) {
    const file = `functions/${declaration.entry}.ts`;
    // A function declared before its handler is written runs from source (and fails) alone.
    if (existsSync(join(ROOT, file))) entries[`fn-${declaration.entry}`] = file;
  }
  return entries;
};

const contentKey = (inputs: string[]) => {
  const hash = createHash("sha256");
  for (const input of inputs) {
    hash.update(`${input}\0`);
    try {
      hash.update(readFileSync(join(ROOT, input)));
    } catch {
      hash.update("\0missing\0");
    }
  }
  return hash.digest("hex").slice(0, 32);
};

const readManifest = (): Manifest | undefined => {
  try {
    return JSON.parse(readFileSync(MANIFEST, "utf8")) as Manifest;
  } catch {
    return undefined;
  }
};

const bundlesIn = (folder: string, entries: Record<string, string>): LocalBundles => ({
  containerUrl: pathToFileURL(join(folder, `${CONTAINER_OUT}.mjs`)).href,
  modules: new Map(
    Object.entries(entries)
      .filter(([name]) => name !== CONTAINER_OUT)
      .map(([name, file]) => [
        pathToFileURL(join(ROOT, file)).href,
        pathToFileURL(join(folder, `${name}.mjs`)).href,
      ]),
  ),
});

/** The cached build, if no file it read has changed and no function was added since. */
const cached = (entries: Record<string, string>): LocalBundles | undefined => {
  const manifest = readManifest();
  if (!manifest || JSON.stringify(manifest.entries) !== JSON.stringify(entries)) return undefined;
  const folder = join(CACHE, manifest.key);
  if (!existsSync(join(folder, `${CONTAINER_OUT}.mjs`))) return undefined;
  return contentKey(manifest.inputs) === manifest.key ? bundlesIn(folder, entries) : undefined;
};

/** Builds of older sources, left after an hour: a running stack may still start containers from one. */
const removeStale = (current: string) => {
  const hourAgo = Date.now() - 3_600_000;
  for (const name of readdirSync(CACHE)) {
    const path = join(CACHE, name);
    if (name === current || name === "manifest.json") continue;
    try {
      if (statSync(path).mtimeMs < hourAgo) rmSync(path, { recursive: true, force: true });
    } catch {
      // Removed by another process meanwhile.
    }
  }
};

const rebuild = async (entries: Record<string, string>): Promise<LocalBundles> => {
  mkdirSync(CACHE, { recursive: true });
  const staging = mkdtempSync(join(CACHE, "building-"));
  try {
    const result = await build({ ...OPTIONS, entryPoints: entries, outdir: staging });
    const inputs = [
      ...Object.keys(result.metafile.inputs).filter((input) => !input.includes(":")),
      "package-lock.json",
    ].sort();
    const key = contentKey(inputs);
    const folder = join(CACHE, key);
    try {
      renameSync(staging, folder);
    } catch {
      // Another process built the same files first; its folder is as good.
      rmSync(staging, { recursive: true, force: true });
    }
    const manifest: Manifest = { inputs, key, entries };
    const next = join(CACHE, `manifest-${process.pid}.json`);
    writeFileSync(next, JSON.stringify(manifest));
    renameSync(next, MANIFEST);
    removeStale(key);
    return bundlesIn(folder, entries);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
};

let bundles: Promise<LocalBundles | undefined> | undefined;

/**
 * This process's bundles, built or found once, on the first container's
 * start: a handler edited while a stack runs takes effect at the next
 * start, as a deployment does. Undefined when the build fails (a handler
 * that does not compile, say): the containers then load the sources
 * through tsx, and only the broken function's fail, as before.
 */
export const localBundles = (): Promise<LocalBundles | undefined> => {
  bundles ??= (async () => {
    const entries = entryPoints();
    return cached(entries) ?? (await rebuild(entries));
  })().catch(() => undefined);
  return bundles;
};
