import { chromium } from "playwright-core";

/**
 * Debian's Chromium, headless, as this machine runs it: without background
 * networking (the network is closed) and without the sandbox (we are root).
 */
export const launchChromium = () =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
