import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { WEB_DIST } from "../infra/local/web-files.ts";
import type { Role } from "../shared/auth/claims.ts";
import { launchChromium } from "./browser.ts";

/**
 * The web app in Debian's Chromium through playwright-core: a fresh context
 * per page, signing in through the local stack's sign-in page, and the app
 * built once per run. The browser tests reach it through
 * test/support/browser.ts; the web benchmark uses it directly.
 */

const ROOT = resolve(import.meta.dirname, "..");
const MARKER = join(WEB_DIST, ".built");
const LOCK = join(ROOT, "web", ".build-lock");

const newestUnder = (path: string): number => {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path)
    .filter((name) => name !== "dist" && name !== "node_modules" && !name.startsWith("."))
    .reduce((newest, name) => Math.max(newest, newestUnder(join(path, name))), stat.mtimeMs);
};

const isFresh = () =>
  existsSync(MARKER) &&
  statSync(MARKER).mtimeMs >=
    Math.max(newestUnder(join(ROOT, "web")), newestUnder(join(ROOT, "shared")));

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Builds web/dist unless a build newer than every source is there. Test
 * files run in parallel processes: one builds (a directory is the lock, as
 * mkdir is atomic) while the others wait for it.
 */
export const buildWebOnce = async (): Promise<void> => {
  for (let waited = 0; !isFresh(); waited += 500) {
    let locked = false;
    try {
      mkdirSync(LOCK);
      locked = true;
    } catch {
      // Another process builds; a lock older than 3 minutes is a crashed build's.
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > 180_000) rmdirSync(LOCK);
    }
    if (locked) {
      try {
        if (isFresh()) return;
        const run = spawnSync("npm", ["run", "--silent", "build:web"], {
          cwd: ROOT,
          encoding: "utf8",
          timeout: 180_000,
          // Vitest sets NODE_ENV=test, which would build the development bundle.
          env: { ...process.env, NODE_ENV: "production" },
        });
        if (run.status !== 0)
          throw new Error(`npm run build:web failed:\n${run.stderr}${run.stdout}`);
        writeFileSync(MARKER, new Date().toISOString());
        return;
      } finally {
        rmdirSync(LOCK);
      }
    }
    if (waited > 200_000) throw new Error("Waited too long for another process's web build.");
    await sleep(500);
  }
};

export const launchBrowser = (): Promise<Browser> => launchChromium();

export interface SignIn {
  role: Role;
  sub: string;
  schools?: string[];
}

/** Signs in through `/local/sign-in` as a tester would, and waits for the app's first screen. */
export const signInAs = async (page: Page, baseUrl: string, who: SignIn): Promise<void> => {
  await page.goto(`${baseUrl}/local/sign-in`);
  await page.selectOption("select[name=role]", who.role);
  await page.fill("input[name=sub]", who.sub);
  await page.fill("input[name=schools]", (who.schools ?? []).join(","));
  await Promise.all([
    page.waitForURL((url) => url.pathname === "/"),
    page.click("button[type=submit]"),
  ]);
  await page.waitForSelector("main#main h1");
};

/** A context at a phone's width, and a page in it. AxeBuilder needs pages of a context. */
export const phonePage = async (
  browser: Browser,
  options: { width?: number; height?: number } = {},
): Promise<{ context: BrowserContext; page: Page }> => {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 360, height: options.height ?? 740 },
    serviceWorkers: "allow",
  });
  const page = await context.newPage();
  return { context, page };
};

/** No horizontal scroll (a string: the project's types have no DOM library). */
export const scrollsSideways = async (page: Page): Promise<boolean> => {
  const widths = (await page.evaluate(
    "({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })",
  )) as { scroll: number; inner: number };
  return widths.scroll > widths.inner;
};
