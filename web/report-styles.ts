import { createHash } from "node:crypto";
import type { Plugin } from "vite";
import { STYLE } from "../shared/report/html.ts";
import { TREND_STYLE } from "../shared/report/trend-html.ts";

/**
 * The report pages keep their stylesheet inline, so a downloaded page stands
 * alone. Opened from the app (a `blob:` document), they inherit the app's
 * CSP, whose `style-src 'self'` refuses inline styles; so the build also
 * publishes each stylesheet as a file (under /assets/) named by the SHA-256 of its text, and
 * the app links the page to the file whose hash matches its `<style>`.
 */
// Under assets/: the paths the local stack and CloudFront serve from the app's files.
export const REPORT_STYLE_DIR = "assets/report-styles";

export const reportStyleName = (css: string) =>
  `${createHash("sha256").update(css, "utf8").digest("hex").slice(0, 32)}.css`;

export const reportStyles = (): Plugin => ({
  name: "sro-report-styles",
  apply: "build",
  generateBundle() {
    for (const css of [STYLE, `${STYLE}${TREND_STYLE}`]) {
      this.emitFile({
        type: "asset",
        fileName: `${REPORT_STYLE_DIR}/${reportStyleName(css)}`,
        source: css,
      });
    }
  },
});
