import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { syntheticDistrict } from "../../bench/synthetic.ts";
import { ReportAccumulator } from "../../shared/report/engine.ts";
import { parseEnrollmentCsv } from "../../shared/report/enrollment.ts";
import { reportHtml } from "../../shared/report/html.ts";
import { reportRequest } from "../../shared/report/request.ts";
import {
  axeViolations,
  openWatched,
  reportPageBrowser,
  widthsAt360,
} from "../support/report-page.ts";

/**
 * The board page renders in a real browser: Debian's Chromium, driven by
 * playwright-core. `.ci/run` installs Chromium where it is missing.
 */
const chromium = reportPageBrowser("sro-board-page-");

const district = syntheticDistrict({ students: 8000, seed: 3 });
const enrollment = parseEnrollmentCsv(district.enrollmentCsv(), "2025-26", "refuse");
const page = (isPublic: boolean) => {
  const accumulator = new ReportAccumulator(
    reportRequest({ schoolYear: "2025-26", public: isPublic }),
  );
  for (const incident of district.incidents(3000)) accumulator.add(incident);
  return reportHtml(accumulator.report(enrollment));
};

describe("the board page", () => {
  it("renders self-contained, with charts, flags first and the methodology, and prints", async () => {
    const { tab, requests, errors } = await openWatched(chromium.browser, page(true));
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    expect(await tab.locator("svg").count()).toBeGreaterThan(50);
    expect(await tab.locator("script").count()).toBe(0);
    const summary = await tab.locator("section.summary").innerText();
    expect(summary).toMatch(/Black or African American: \d\.\d\d times as likely/);
    expect(await tab.getByRole("heading", { name: "How to read this report" }).count()).toBe(1);
    expect(await tab.locator("text=hidden to protect privacy").count()).toBeGreaterThan(0);
    const screenshot = join(chromium.dir, "board-page.png");
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
      expect(await axeViolations(chromium.browser, page(isPublic))).toEqual([]);
    },
    120_000,
  );

  it.each([
    ["public", true],
    ["internal", false],
  ])(
    "does not scroll sideways 360 px wide (%s)",
    async (_name, isPublic) => {
      const widths = await widthsAt360(chromium.browser, page(isPublic));
      expect(widths.scroll).toBeLessThanOrEqual(widths.inner);
    },
    120_000,
  );

  it("marks internal reports as not for publication", async () => {
    const tab = await chromium.browser.newPage();
    await tab.setContent(page(false));
    expect(await tab.locator("header").innerText()).toContain(
      "Internal report: not for publication",
    );
    await tab.close();
  });
});
