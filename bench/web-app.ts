import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { startLocalStack } from "../infra/local/stack.ts";
import { launchChromium } from "./browser.ts";
import { buildWebOnce, phonePage, signInAs } from "./web-browser.ts";

/**
 * `npm run bench:web [-- --json]`: the JavaScript a phone downloads before the
 * new-report form is usable (contracts section 7: at most 100 KB gzipped),
 * on a first visit with nothing cached, and the time to that point. Every
 * script response from the navigation until the form's submit button is
 * enabled is counted, gzipped at level 9 as a CDN would serve it.
 */
export const JS_BUDGET_BYTES = 100 * 1024;

export const measureWebApp = async () => {
  await buildWebOnce();
  const dataDir = mkdtempSync(join(tmpdir(), "sro-bench-web-"));
  const stack = await startLocalStack({ dataDir, port: 0 });
  const browser = await launchChromium();
  try {
    const { context, page } = await phonePage(browser);
    await signInAs(page, stack.url, {
      role: "sro",
      sub: "bench-officer",
      schools: ["19647330000003"],
    });
    // A fresh context with only the token: no HTTP cache, no service worker.
    const token = (await page.evaluate(`sessionStorage.getItem("sro.localToken")`)) as string;
    await context.close();
    const fresh = await phonePage(browser);
    await fresh.page.goto(`${stack.url}/local/sign-in`);
    await fresh.page.evaluate(`sessionStorage.setItem("sro.localToken", ${JSON.stringify(token)})`);
    const scripts: Array<Promise<{ url: string; raw: number; gzip: number }>> = [];
    let counting = true;
    fresh.page.on("response", (response) => {
      if (!counting || response.request().resourceType() !== "script") return;
      scripts.push(
        response.body().then((body) => ({
          url: new URL(response.url()).pathname,
          raw: body.byteLength,
          gzip: gzipSync(body, { level: 9 }).byteLength,
        })),
      );
    });
    const started = Date.now();
    await fresh.page.goto(`${stack.url}/#/new`);
    await fresh.page.waitForSelector("form.report button[type=submit]:not([disabled])");
    const usableMs = Date.now() - started;
    counting = false;
    const counted = await Promise.all(scripts);
    await fresh.context.close();
    const gzip = counted.reduce((sum, script) => sum + script.gzip, 0);
    return {
      scripts: counted,
      jsGzipBytes: gzip,
      jsRawBytes: counted.reduce((sum, script) => sum + script.raw, 0),
      budgetBytes: JS_BUDGET_BYTES,
      withinBudget: gzip <= JS_BUDGET_BYTES,
      formUsableMs: usableMs,
    };
  } finally {
    await browser.close();
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await measureWebApp();
  if (process.argv.includes("--json")) console.log(JSON.stringify(result, null, 2));
  else {
    console.log("JavaScript before the new-report form is usable (first visit, nothing cached):");
    for (const script of result.scripts) {
      console.log(
        `  ${script.url}: ${(script.raw / 1024).toFixed(1)} KB, ${(script.gzip / 1024).toFixed(1)} KB gzipped`,
      );
    }
    console.log(
      `  total: ${(result.jsGzipBytes / 1024).toFixed(1)} KB gzipped of a ${result.budgetBytes / 1024} KB budget (${result.withinBudget ? "within" : "OVER"}); form usable after ${result.formUsableMs} ms on the local stack`,
    );
    if (!result.withinBudget) process.exitCode = 1;
  }
}
