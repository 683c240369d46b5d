import { ReportAccumulator } from "../shared/report/engine.ts";
import { parseEnrollmentCsv } from "../shared/report/enrollment.ts";
import { reportHtml } from "../shared/report/html.ts";
import { reportRequest } from "../shared/report/request.ts";
import { assembleTrend, TrendAccumulator, trendRequest } from "../shared/report/trend.ts";
import { trendHtml } from "../shared/report/trend-html.ts";
import { launchChromium } from "./browser.ts";
import { syntheticDistrict, syntheticYears } from "./synthetic.ts";

/**
 * `npm run screenshot`: renders the synthetic district's board page and its
 * trend page and saves docs/board-page.png and docs/trend-page.png.
 */
const district = syntheticDistrict();
const accumulator = new ReportAccumulator(reportRequest({ schoolYear: "2025-26", public: true }));
for (const incident of district.incidents(6000)) accumulator.add(incident);
const html = reportHtml(
  accumulator.report(parseEnrollmentCsv(district.enrollmentCsv(), "2025-26", "refuse")),
);
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
await page.setContent(html, { waitUntil: "load" });
await page.screenshot({ path: "docs/board-page.png", fullPage: false });
await browser.close();
console.log("wrote docs/board-page.png");

// The trend page: the same district over three school years, by quarter,
// internal so that the persistence flags show.
const years = ["2023-24", "2024-25", "2025-26"];
const multiYear = syntheticYears(years, { students: 20_000, incidentsPerYear: 6000 });
const trend = trendRequest({ schoolYears: years, partition: "quarter" });
const trendAccumulator = new TrendAccumulator(trend);
for (const incident of multiYear.incidents) trendAccumulator.add(incident);
const trendPage = trendHtml(
  assembleTrend(
    trend,
    trendAccumulator.reports(
      new Map(
        years.map((year) => [year, parseEnrollmentCsv(multiYear.enrollmentCsv, year, "ignore")]),
      ),
    ),
    null,
  ),
);
const trendBrowser = await launchChromium();
const trendTab = await trendBrowser.newPage({ viewport: { width: 1000, height: 1400 } });
await trendTab.setContent(trendPage, { waitUntil: "load" });
// The searches' charts, where the synthetic district's disparity is.
await trendTab.evaluate(
  "[...document.querySelectorAll('h2')].find((h) => h.textContent.startsWith('A search')).scrollIntoView()",
);
await trendTab.screenshot({ path: "docs/trend-page.png", fullPage: false });
await trendBrowser.close();
console.log("wrote docs/trend-page.png");
