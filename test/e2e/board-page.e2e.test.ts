import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../bench/browser.ts";
import { syntheticDistrict } from "../../bench/synthetic.ts";
import { ReportAccumulator } from "../../shared/report/engine.ts";
import { parseEnrollmentCsv } from "../../shared/report/enrollment.ts";
import { reportHtml } from "../../shared/report/html.ts";
import { reportRequest } from "../../shared/report/request.ts";

/**
 * The board page renders in a real browser: Debian's Chromium, driven by
 * playwright-core. `.ci/run` installs Chromium where it is missing.
 */
const dir = mkdtempSync(join(tmpdir(), "sro-board-page-"));
let browser: Browser;

const district = syntheticDistrict({ students: 8000, seed: 3 });
const enrollment = parseEnrollmentCsv(district.enrollmentCsv(), "2025-26", "refuse");
const page = (isPublic: boolean) => {
  const accumulator = new ReportAccumulator(
    reportRequest({ schoolYear: "2025-26", public: isPublic }),
  );
  for (const incident of district.incidents(3000)) accumulator.add(incident);
  return reportHtml(accumulator.report(enrollment));
};

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the board page", () => {
  it("renders self-contained, with charts, flags first and the methodology, and prints", async () => {
    const tab = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
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
    await tab.setContent(page(true), { waitUntil: "load" });
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    expect(await tab.locator("svg").count()).toBeGreaterThan(50);
    expect(await tab.locator("script").count()).toBe(0);
    const summary = await tab.locator("section.summary").innerText();
    expect(summary).toMatch(/Black or African American: \d\.\d\d times as likely/);
    expect(await tab.getByRole("heading", { name: "How to read this report" }).count()).toBe(1);
    expect(await tab.locator("text=hidden to protect privacy").count()).toBeGreaterThan(0);
    const screenshot = join(dir, "board-page.png");
    await tab.screenshot({ path: screenshot, fullPage: true });
    expect(existsSync(screenshot)).toBe(true);
    const pdf = await tab.pdf({ format: "Letter" });
    expect(pdf.byteLength).toBeGreaterThan(10_000);
    await tab.close();
  }, 120_000);

  it.each([
    ["public", true],
    ["internal", false],
  ])(
    "has no accessibility violations axe can find on the %s page",
    async (_name, isPublic) => {
      // AxeBuilder needs a page of a context it can reach, not browser.newPage()'s.
      const context = await browser.newContext();
      const tab = await context.newPage();
      await tab.setContent(page(isPublic), { waitUntil: "load" });
      const results = await new AxeBuilder({ page: tab }).analyze();
      expect(
        results.violations.map((violation) => `${violation.id}: ${violation.nodes.length} nodes`),
      ).toEqual([]);
      await context.close();
    },
    120_000,
  );

  it.each([
    ["public", true],
    ["internal", false],
  ])(
    "does not scroll sideways 360 px wide (%s)",
    async (_name, isPublic) => {
      const tab = await browser.newPage({ viewport: { width: 360, height: 800 } });
      await tab.setContent(page(isPublic), { waitUntil: "load" });
      // A string, as the project's types have no DOM library.
      const widths = (await tab.evaluate(
        "({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })",
      )) as { scroll: number; inner: number };
      expect(widths.scroll).toBeLessThanOrEqual(widths.inner);
      await tab.close();
    },
    120_000,
  );

  it("marks internal reports as not for publication", async () => {
    const tab = await browser.newPage();
    await tab.setContent(page(false));
    expect(await tab.locator("header").innerText()).toContain(
      "Internal report: not for publication",
    );
    await tab.close();
  });
});
