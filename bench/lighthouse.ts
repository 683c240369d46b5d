import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import puppeteer from "puppeteer-core";
import { startLocalStack } from "../infra/local/stack.ts";
import type { Role } from "../shared/auth/claims.ts";
import { buildWebOnce } from "./web-browser.ts";

/**
 * `npm run lighthouse [-- --runs 5] [-- --json]`: Lighthouse (mobile: a
 * throttled mid-range phone) on the officer's new-report form as served by
 * the local stack, the median of 5 runs, each in a new Chromium with a cold
 * cache and no service worker. The officer is signed in the way the local
 * sign-in page does it (a dev-issuer token in the tab's sessionStorage), so
 * the form itself is measured, not the sign-in screen. Not part of npm test:
 * it takes minutes. Needs CHROME_PATH (default /usr/bin/chromium).
 */
const CATEGORIES = ["performance", "accessibility", "best-practices"] as const;

const argument = (name: string) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const runs = Number(argument("--runs") ?? 5);
// Another screen and role: `-- --role district_analyst --screen /reports` (a district screen).
const role = (argument("--role") ?? "sro") as Role;
const screen = argument("--screen") ?? "/new";
const asJson = process.argv.includes("--json");
const chromePath = process.env.CHROME_PATH ?? "/usr/bin/chromium";

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

await buildWebOnce();
const dataDir = mkdtempSync(join(tmpdir(), "sro-lighthouse-"));
const stack = await startLocalStack({ dataDir, port: 0 });
const results: Array<Record<string, number>> = [];
const failing = new Map<string, string>();
try {
  const token = await stack.issuer.issue({
    role,
    sub: "lighthouse-user",
    schoolIds: ["19647330000003"],
  });
  for (let run = 1; run <= runs; run++) {
    const chrome = await chromeLauncher.launch({
      chromePath,
      chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu"],
    });
    try {
      const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}` });
      const page = await browser.newPage();
      // The sign-in page loads none of the app: the cache stays cold.
      await page.goto(`${stack.url}/local/sign-in`);
      await page.evaluate(`sessionStorage.setItem("sro.localToken", ${JSON.stringify(token)})`);
      const result = await lighthouse(
        `${stack.url}/#${screen}`,
        {
          port: chrome.port,
          output: "json",
          logLevel: "error",
          onlyCategories: [...CATEGORIES],
          // Keeps the tab's sessionStorage (the token); the cache is cold anyway.
          disableStorageReset: true,
        },
        undefined,
        page,
      );
      const lhr = result!.lhr;
      const scores = Object.fromEntries(
        CATEGORIES.map((category) => [
          category,
          Math.round((lhr.categories[category]?.score ?? 0) * 100),
        ]),
      );
      scores.lcpMs = Math.round(lhr.audits["largest-contentful-paint"]?.numericValue ?? 0);
      scores.tbtMs = Math.round(lhr.audits["total-blocking-time"]?.numericValue ?? 0);
      scores.cls = lhr.audits["cumulative-layout-shift"]?.numericValue ?? 0;
      results.push(scores);
      for (const category of CATEGORIES) {
        for (const ref of lhr.categories[category]?.auditRefs ?? []) {
          const audit = lhr.audits[ref.id];
          if (ref.weight > 0 && audit && audit.score !== null && audit.score < 1) {
            const items = (audit.details as { items?: unknown[] } | undefined)?.items ?? [];
            const detail =
              ref.id === "inspector-issues" ? ` ${JSON.stringify(items).slice(0, 400)}` : "";
            failing.set(`${category}: ${ref.id}`, `${audit.title}${detail}`);
          }
        }
      }
      if (!asJson) console.error(`run ${run}: ${JSON.stringify(scores)}`);
      await browser.disconnect();
    } finally {
      chrome.kill();
    }
  }
} finally {
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

const summary = {
  runs: results.length,
  median: Object.fromEntries(
    Object.keys(results[0] ?? {}).map((key) => [
      key,
      median(results.map((result) => result[key]!)),
    ]),
  ),
  belowFull: Object.fromEntries(failing),
};
if (asJson) console.log(JSON.stringify(summary, null, 2));
else {
  console.log(`Lighthouse (mobile), median of ${summary.runs} runs on the local stack:`);
  for (const [key, value] of Object.entries(summary.median)) console.log(`  ${key}: ${value}`);
  for (const [audit, title] of failing) console.log(`  not full: ${audit} (${title})`);
}
writeFileSync(join(tmpdir(), "sro-lighthouse.json"), JSON.stringify(summary, null, 2));
