import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { syntheticYears } from "../../bench/synthetic.ts";
import { type Enrollment, parseEnrollmentCsv } from "../../shared/report/enrollment.ts";
import { assembleTrend, TrendAccumulator, trendRequest } from "../../shared/report/trend.ts";
import { trendHtml } from "../../shared/report/trend-html.ts";
import {
  axeViolations,
  openWatched,
  reportPageBrowser,
  widthsAt360,
} from "../support/report-page.ts";

/** The trend page in a real browser (Debian's Chromium through playwright-core), as the board page is. */
const YEARS = ["2023-24", "2024-25", "2025-26"];
const chromium = reportPageBrowser("sro-trend-page-");

const data = syntheticYears(YEARS, { incidentsPerYear: 2500 });
const enrollments = new Map<string, Enrollment>(
  YEARS.map((year) => [year, parseEnrollmentCsv(data.enrollmentCsv, year, "ignore")]),
);
const page = (isPublic: boolean, partition = "quarter") => {
  const request = trendRequest({ schoolYears: YEARS, public: isPublic, partition });
  const accumulator = new TrendAccumulator(request);
  for (const incident of data.incidents) accumulator.add(incident);
  return trendHtml(assembleTrend(request, accumulator.reports(enrollments), null));
};
const pages = {
  public: page(true),
  internal: page(false),
  "public by year": page(true, "year"),
} as const;

describe("the trend page", () => {
  it("renders self-contained, one chart per row with the threshold, gaps and a table for screen readers", async () => {
    const { tab, requests, errors } = await openWatched(chromium.browser, pages.public);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    expect(await tab.locator("script").count()).toBe(0);
    // 11 decision points × (8 + 3 + 2 + 2 + 3) groups.
    expect(await tab.locator("svg.spark").count()).toBe(11 * 18);
    expect(await tab.locator("svg.spark line.threshold").count()).toBe(11 * 18);
    // Hidden periods are shaded, and the line breaks at them.
    expect(await tab.locator("svg.spark rect.hidden-period").count()).toBeGreaterThan(0);
    expect(await tab.locator("main").count()).toBe(1);
    expect(await tab.locator(".sr-only table").count()).toBe(11 * 5);
    const firstTable = tab.locator(".sr-only table").first();
    expect(await firstTable.locator("thead th").allInnerTexts()).toContain("2025-26 Q4");
    expect(
      await tab.getByRole("table", { name: /Risk ratio by period: Race and ethnicity/ }).count(),
    ).toBe(11);
    const screenshot = join(chromium.dir, "trend-page.png");
    await tab.screenshot({ path: screenshot, fullPage: true });
    expect(existsSync(screenshot)).toBe(true);
    await tab.close();
  }, 120_000);

  // The page by year has the same structure; axe takes a minute a page on two cores.
  it.each(["public", "internal"])(
    "has no accessibility violations axe can find (%s)",
    async (name) => {
      expect(await axeViolations(chromium.browser, pages[name as keyof typeof pages])).toEqual([]);
    },
    120_000,
  );

  it.each(Object.keys(pages))(
    "does not scroll sideways 360 px wide (%s)",
    async (name) => {
      const widths = await widthsAt360(chromium.browser, pages[name as keyof typeof pages]);
      expect(widths.scroll).toBeLessThanOrEqual(widths.inner);
    },
    120_000,
  );

  it("names persistent rows first, and says where a public trend publishes no whole-year flags", async () => {
    const tab = await chromium.browser.newPage();
    await tab.setContent(pages.internal);
    expect(await tab.locator("header").textContent()).toContain(
      "Internal report: not for publication",
    );
    const summary = await tab.locator("section.summary").textContent();
    expect(summary).toMatch(
      /Above the threshold of 2\.00 in each of the last 3 school years:|No group was above/,
    );
    await tab.setContent(pages.public);
    expect(await tab.locator("section.summary").textContent()).toContain("whole-year figures");
    await tab.close();
  }, 60_000);
});
