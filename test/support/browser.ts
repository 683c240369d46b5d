/**
 * The browser tests' harness (test/e2e/*.e2e.test.ts), shared by the web
 * app's engineers: Debian's Chromium through playwright-core, a fresh
 * context per test, signing in through the local stack's `/local/sign-in`,
 * and `buildWebOnce()`, which builds web/dist once per run however many test
 * files ask. It lives in bench/ so that the web benchmark uses the same code.
 */
export {
  buildWebOnce,
  launchBrowser,
  phonePage,
  type SignIn,
  scrollsSideways,
  signInAs,
} from "../../bench/web-browser.ts";
