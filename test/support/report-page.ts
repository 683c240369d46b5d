import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { launchChromium } from "../../bench/browser.ts";

/**
 * The harness of the report page tests (board and trend pages): Debian's
 * Chromium through playwright-core, launched once per file, and a temporary
 * folder for screenshots, both gone after the file.
 */
export const reportPageBrowser = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    get browser(): Browser {
      if (!browser) throw new Error("The browser is launched in beforeAll.");
      return browser;
    },
  };
};

/**
 * A page of `html` opened in a 1000 × 1400 tab that records every request
 * it makes (a self-contained page makes none) and every script error.
 */
export const openWatched = async (browser: Browser, html: string) => {
  const tab: Page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
  const requests: string[] = [];
  const errors: string[] = [];
  tab.on("request", (request) => {
    if (!request.url().startsWith("data:") && request.url() !== "about:blank")
      requests.push(request.url());
  });
  tab.on("pageerror", (error) => errors.push(error.message));
  tab.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  await tab.setContent(html, { waitUntil: "load" });
  return { tab, requests, errors };
};

/** The accessibility violations axe finds in `html`, as "id: n nodes". */
export const axeViolations = async (browser: Browser, html: string) => {
  // AxeBuilder needs a page of a context it can reach, not browser.newPage()'s.
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.setContent(html, { waitUntil: "load" });
  const results = await new AxeBuilder({ page: tab }).analyze();
  await context.close();
  return results.violations.map((violation) => `${violation.id}: ${violation.nodes.length} nodes`);
};

/** The document's scroll width and the window's width when `html` is shown 360 px wide. */
export const widthsAt360 = async (browser: Browser, html: string) => {
  const tab = await browser.newPage({ viewport: { width: 360, height: 800 } });
  await tab.setContent(html, { waitUntil: "load" });
  // A string, as the project's types have no DOM library.
  const widths = (await tab.evaluate(
    "({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })",
  )) as { scroll: number; inner: number };
  await tab.close();
  return widths;
};
