import { ReportAccumulator } from "../shared/report/engine.ts";
import { parseEnrollmentCsv } from "../shared/report/enrollment.ts";
import { reportHtml } from "../shared/report/html.ts";
import { reportRequest } from "../shared/report/request.ts";
import { launchChromium } from "./browser.ts";
import { syntheticDistrict } from "./synthetic.ts";

/** `npm run screenshot`: renders the synthetic district's board page and saves docs/board-page.png. */
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
