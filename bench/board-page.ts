import { writeFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { ReportAccumulator } from "../shared/report/engine.ts";
import { parseEnrollmentCsv } from "../shared/report/enrollment.ts";
import { reportHtml } from "../shared/report/html.ts";
import { reportRequest } from "../shared/report/request.ts";
import { syntheticDistrict } from "./synthetic.ts";

/** `npm run screenshot`: renders the synthetic district's board page and saves docs/board-page.png. */
const district = syntheticDistrict();
const accumulator = new ReportAccumulator(reportRequest({ schoolYear: "2025-26", public: true }));
for (const incident of district.incidents(6000)) accumulator.add(incident);
const html = reportHtml(
  accumulator.report(parseEnrollmentCsv(district.enrollmentCsv(), "2025-26", "refuse")),
);
writeFileSync("docs/board-page.html", html);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
  ],
});
const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
await page.setContent(html, { waitUntil: "load" });
await page.screenshot({ path: "docs/board-page.png", fullPage: false });
await browser.close();
console.log("wrote docs/board-page.png and docs/board-page.html");
