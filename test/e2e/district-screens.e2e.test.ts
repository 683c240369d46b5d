import { mkdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTES } from "../../resources/declarations.ts";
import {
  buildWebOnce,
  launchBrowser,
  phonePage,
  type SignIn,
  scrollsSideways,
  signInAs,
} from "../support/browser.ts";
import {
  EXAMPLE_INCIDENT,
  newIncident,
  postIncident,
  SCHOOL,
  startTestStack,
  tokenFor,
  waitUntilRedacted,
} from "../support/local-stack.ts";

/**
 * The district screens of contracts section 7, in Debian's Chromium against
 * the local stack: one stack and one browser for the file, a fresh context
 * per role. Every state a test reaches is checked by axe, at 360 px.
 */

const SCREENS = resolve(import.meta.dirname, "../../docs/screens");
let stack: Awaited<ReturnType<typeof startTestStack>>;
let browser: Browser;
const contexts: BrowserContext[] = [];

const fight = newIncident({ occurredAt: "2026-02-03T10:15:00-08:00" });
const theft = newIncident({
  occurredAt: "2026-02-05T09:00:00-08:00",
  category: "theft",
  students: [
    {
      ...EXAMPLE_INCIDENT.students[0],
      actions: ["searched_person", "citation"],
    },
  ],
  otherPersons: [],
  narrative: "Marisol was searched after a phone went missing.",
});
const dimensions = ["disability", "englishLearner", "gradeBand"];
const enrollment = (year: string, male = 100) =>
  [
    "schoolYear,schoolId,dimension,group,enrollment",
    `${year},${SCHOOL},raceEthnicity,black,40`,
    `${year},${SCHOOL},raceEthnicity,white,60`,
    `${year},${SCHOOL},raceEthnicity,hispanic_latino,80`,
    `${year},${SCHOOL},raceEthnicity,asian,20`,
    `${year},${SCHOOL},gender,male,${male}`,
    `${year},${SCHOOL},gender,female,95`,
    `${year},${SCHOOL},gender,nonbinary,5`,
    ...dimensions.map((dimension) => `${year},${SCHOOL},${dimension},not_reported,200`),
  ].join("\r\n");

beforeAll(async () => {
  [stack] = await Promise.all([startTestStack(), buildWebOnce()]);
  browser = await launchBrowser();
  mkdirSync(SCREENS, { recursive: true });
  const officer = await tokenFor(stack, "sro", "officer-1");
  for (const incident of [fight, theft]) {
    expect((await postIncident(stack, officer, incident)).status).toBe(202);
  }
  await Promise.all(
    [fight, theft].map((incident) => waitUntilRedacted(stack, incident.incidentId)),
  );
  // A published report of a past year, for the board (its period ended long enough ago).
  const analyst = await tokenFor(stack, "district_analyst", "seed-analyst", []);
  const put = await fetch(`${stack.url}/enrollment/2024-25`, {
    method: "PUT",
    headers: { authorization: `Bearer ${analyst}`, "content-type": "text/csv" },
    body: enrollment("2024-25"),
  });
  expect(put.status).toBe(200);
  const published = await fetch(`${stack.url}/reports`, {
    method: "POST",
    headers: { authorization: `Bearer ${analyst}`, "content-type": "application/json" },
    body: JSON.stringify({ schoolYear: "2024-25", public: true }),
  });
  expect(published.status, await published.clone().text()).toBe(201);
}, 240_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await stack?.dispose();
});

/** A signed-in phone-sized page that records CSP violations and script errors. */
const open = async (
  who: SignIn,
  { mockApi }: { mockApi?: (page: Page) => Promise<unknown> } = {},
) => {
  // page.route cannot see what a service worker fetches: a test that stands in for the API runs without one.
  const { context, page } = mockApi
    ? await browser
        .newContext({ viewport: { width: 360, height: 740 }, serviceWorkers: "block" })
        .then(async (context) => ({ context, page: await context.newPage() }))
    : await phonePage(browser);
  contexts.push(context);
  // Before signing in: the role's home screen asks the API at once.
  await mockApi?.(page);
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" && !/status of (4\d\d|503)/.test(message.text()))
      problems.push(message.text());
  });
  await signInAs(page, stack.url, who);
  return { context, page, problems };
};

const go = async (page: Page, hash: string, heading: string | RegExp) => {
  await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  await page.getByRole("heading", { level: 1, name: heading }).waitFor();
};

/** axe finds nothing, and nothing scrolls sideways at 360 px. */
const checkState = async (page: Page, what: string) => {
  const results = await new AxeBuilder({ page }).analyze();
  expect(
    results.violations.map((violation) => `${what}: ${violation.id} ${violation.nodes[0]?.target}`),
  ).toEqual([]);
  const wide = await scrollsSideways(page);
  if (wide) {
    // Name what sticks out, so a failure says where to look.
    const culprits = await page.evaluate(`[...document.querySelectorAll("body *")]
      .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 5)
      .map((element) => element.tagName + "." + element.className + " " + Math.round(element.getBoundingClientRect().right))`);
    expect(culprits, `${what} scrolls sideways`).toEqual([]);
  }
};

/** The local stack's first answers come from cold workers: seconds, not the default one. */
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 30_000 });

/** No identifying value in the address at any point. */
const expectCleanUrl = (page: Page, ...values: string[]) => {
  for (const value of values) expect(page.url()).not.toContain(value);
};

describe("school_admin", () => {
  it("lists its school's redacted incidents, filters them and opens one, by keyboard too", async () => {
    const { page, problems } = await open({
      role: "school_admin",
      sub: "admin-1",
      schools: [SCHOOL],
    });
    await go(page, "#/incidents", "Incidents");
    const rows = page.locator("table tbody tr");
    await poll(() => rows.count()).toBe(2);
    await checkState(page, "admin list");
    await page.screenshot({ path: resolve(SCREENS, "admin.png"), fullPage: true });

    await page.selectOption("select[name=category]", "theft");
    await page.getByRole("button", { name: "Show incidents" }).click();
    await poll(() => rows.count()).toBe(1);
    await page.selectOption("select[name=category]", "");
    await page.selectOption("select[name=decisionPoint]", "citation");
    await page.getByRole("button", { name: "Show incidents" }).click();
    await poll(() => rows.count()).toBe(1);
    await checkState(page, "admin filtered");

    // Keyboard only: focus the row's link and press Enter.
    await page.locator("table tbody tr a").first().focus();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: "Incident (redacted)" }).waitFor();
    await page.getByRole("heading", { name: "Narrative" }).waitFor();
    const text = await page.locator("main").innerText();
    expect(text).toContain("[STUDENT 1]");
    expect(text).not.toContain("Marisol");
    expect(text).not.toContain("S3000123");
    await checkState(page, "admin incident");
    expect(problems).toEqual([]);
  });

  it("shows a 503 as 'try again' and loses none of the filters", async () => {
    let failing = false;
    const { page } = await open(
      { role: "school_admin", sub: "admin-2", schools: [SCHOOL] },
      {
        mockApi: (page) =>
          page.route(/\/incidents\?/, (route) =>
            failing
              ? route.fulfill({
                  status: 503,
                  contentType: "application/json",
                  body: JSON.stringify({
                    error: { code: "UNAVAILABLE", message: "Storage is unavailable." },
                  }),
                })
              : route.continue(),
          ),
      },
    );
    await go(page, "#/incidents", "Incidents");
    await poll(() => page.locator("table tbody tr").count()).toBe(2);
    await page.fill("input[name=from]", "2026-02-01");
    failing = true;
    await page.getByRole("button", { name: "Show incidents" }).click();
    await page.getByRole("heading", { name: "Service unavailable" }).waitFor();
    await checkState(page, "admin 503");
    failing = false;
    await page.getByRole("button", { name: "Try again" }).click();
    await poll(() => page.locator("table tbody tr").count()).toBe(2);
    expect(await page.inputValue("input[name=from]")).toBe("2026-02-01");
  });

  it("pages through 10,000 incidents by cursor without freezing", async () => {
    const total = 10_000;
    const served: string[] = [];
    // The API's answers stood in for: the screen's behaviour over a long list is what is measured.
    const standIn = (page: Page) =>
      page.route(/\/incidents\?/, (route) => {
        const url = new URL(route.request().url());
        const start = Number(url.searchParams.get("cursor") ?? 0);
        const limit = Number(url.searchParams.get("limit"));
        served.push(String(start));
        const items = Array.from({ length: Math.min(limit, total - start) }, (_, index) => ({
          ...fight,
          students: fight.students.map(({ ref: _ref, ...student }: any) => student),
          otherPersons: [{ role: "staff" }],
          narrative: "[STUDENT 1] was separated.",
          incidentId: `00000000-0000-4000-8000-${String(start + index).padStart(12, "0")}`,
        }));
        return route.fulfill({
          contentType: "application/json",
          body: JSON.stringify({
            items,
            nextCursor: start + limit < total ? String(start + limit) : null,
          }),
        });
      });
    const { page } = await open(
      { role: "school_admin", sub: "admin-3", schools: [SCHOOL] },
      { mockApi: standIn },
    );
    await page.evaluate(`
      window.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
      }).observe({ type: "longtask", buffered: false });
    `);
    await go(page, "#/incidents", "Incidents");
    const rows = page.locator("table tbody tr");
    const next = page.getByRole("button", { name: "Next page" });
    let listed = 0;
    for (let number = 1; ; number++) {
      await page.getByText(`Page ${number}`, { exact: true }).waitFor();
      await poll(() => served.length).toBe(number);
      await rows.first().waitFor();
      listed += await rows.count();
      if (await next.isDisabled()) break;
      await next.click();
    }
    expect(listed).toBe(total);
    expect(served).toHaveLength(total / 50);
    const longTasks = (await page.evaluate("window.__longTasks")) as number[];
    // A freeze is a task the user feels: none over 500 ms, and at most one page turn in 20
    // over 200 ms (the two shared cores also run the stack and other test files).
    expect(longTasks.filter((duration) => duration > 500)).toEqual([]);
    expect(longTasks.filter((duration) => duration > 200).length).toBeLessThanOrEqual(
      served.length / 20,
    );
    // Back one page: the cursor of the page before is kept.
    await page.getByRole("button", { name: "Previous page" }).click();
    await page.getByText(`Page ${total / 50 - 1}`, { exact: true }).waitFor();
  }, 180_000);
});

describe("district_analyst", () => {
  it("previews an enrollment file's problems, sends nothing, fixes it, uploads, runs a report, opens it and downloads its CSV", async () => {
    const { context, page, problems } = await open({ role: "district_analyst", sub: "analyst-1" });
    const puts: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "PUT") puts.push(request.url());
    });
    await go(page, "#/enrollment", "Enrollment");
    await page.fill("input[name=schoolYear]", "2025-26");
    const bad = enrollment("2025-26")
      .replace(",gender,female,95", ",gender,females,95")
      .replace(",raceEthnicity,asian,20", ",raceEthnicity,asian,twenty");
    await page.setInputFiles("input[type=file]", {
      name: "enrollment.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(bad),
    });
    const list = page.locator(".problems li");
    await expect
      .poll(() => list.allInnerTexts())
      .toEqual([
        "Line 5, column 5 (enrollment): enrollment must be a whole number from 0",
        expect.stringMatching(/^Line 7, column 4 \(group\): unknown group for gender/),
      ]);
    expect(await page.getByRole("button", { name: /Upload enrollment/ }).count()).toBe(0);
    await checkState(page, "analyst enrollment problems");
    expect(puts).toEqual([]);

    await page.setInputFiles("input[type=file]", {
      name: "enrollment.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(enrollment("2025-26")),
    });
    await page.getByRole("button", { name: "Upload enrollment for 2025-26" }).click();
    await page.getByRole("heading", { name: "Uploaded" }).waitFor();
    expect(await page.locator(".answer").innerText()).toContain("1 school, 10 rows");
    expect(puts).toHaveLength(1);
    await checkState(page, "analyst enrollment uploaded");

    await go(page, "#/reports", "Reports");
    await page.fill("input[name=schoolYear]", "2025-26");
    await page.fill("input[name=minCell]", "0");
    await page.getByText("minCell must be a whole number of at least 1.").waitFor();
    await page.fill("input[name=confidenceLevel]", "1.5");
    await page.getByText("The confidence level must be between 0 and 1.").waitFor();
    expect(await page.getByRole("button", { name: "Run the report" }).isDisabled()).toBe(true);
    await checkState(page, "analyst report form errors");
    await page.fill("input[name=minCell]", "1");
    await page.fill("input[name=minN]", "1");
    await page.fill("input[name=confidenceLevel]", "");
    await page.getByRole("button", { name: "Run the report" }).click();
    await page.getByText(/Report ready/).waitFor({ timeout: 60_000 });
    const first = page.locator("li.report").first();
    await poll(() => first.locator("h3").innerText()).toContain("2025-26");
    expect(await first.innerText()).toContain("internal");
    await page.screenshot({ path: resolve(SCREENS, "analyst.png"), fullPage: true });
    await checkState(page, "analyst reports");

    const [boardPage] = await Promise.all([
      context.waitForEvent("page"),
      first.getByRole("button", { name: /^Open the page of/ }).click(),
    ]);
    await boardPage.waitForLoadState();
    expect(await boardPage.locator("h1").first().innerText()).toMatch(/Student interactions/);
    // Styled by the published stylesheet, not the refused inline one.
    expect(
      await boardPage.evaluate(
        `[...document.styleSheets].some((sheet) => sheet.href && sheet.cssRules.length > 10)`,
      ),
    ).toBe(true);
    await boardPage.close();

    const [csv] = await Promise.all([
      page.waitForEvent("download"),
      first.getByRole("button", { name: /^Download CSV of/ }).click(),
    ]);
    expect(csv.suggestedFilename()).toMatch(/^report-2025-26-.*\.csv$/);
    const text = readFileSync((await csv.path())!, "utf8");
    expect(text.split("\r\n")[0]).toMatch(/^reportVersion|decisionPoint|schoolYear/);
    expect(problems).toEqual([]);
  }, 180_000);
});

describe("records_custodian", () => {
  it("reads an incident unredacted only with a reason and finds that read in the audit log", async () => {
    const { page, problems } = await open({ role: "records_custodian", sub: "custodian-1" });
    await go(page, "#/records", "Student records");
    await page.fill("input[name=incidentId]", fight.incidentId);
    await page.getByRole("button", { name: "Open", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Incident, unredacted" }).waitFor();
    await page.getByRole("button", { name: "Read unredacted" }).click();
    await page.getByText("State why you need it").first().waitFor();
    expect(await page.locator("main").innerText()).not.toContain("Marisol");
    await checkState(page, "custodian reason required");
    const reason = "Parent records request 2026-31";
    await page.fill("input[name=reason]", reason);
    await page.getByRole("button", { name: "Read unredacted" }).click();
    await page.getByText("Marisol").first().waitFor();
    expect(await page.locator("main").innerText()).toContain("S3000123");
    expectCleanUrl(page, "S3000123", "Marisol", reason.split(" ")[0]!);
    await checkState(page, "custodian unredacted");

    await go(page, "#/audit", "Audit log");
    await page.fill("input[name=target]", fight.incidentId.toLowerCase());
    await page.fill("input[name=action]", "incident.read_unredacted");
    await page.keyboard.press("Enter");
    const row = page.locator("table tbody tr", { hasText: reason });
    await row.first().waitFor();
    expect(await row.first().innerText()).toContain("custodian-1");
    await page.screenshot({ path: resolve(SCREENS, "custodian.png"), fullPage: true });
    await checkState(page, "custodian audit");

    const [file] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download CSV of this search" }).click(),
    ]);
    const csv = readFileSync((await file.path())!, "utf8");
    expect(csv.split("\r\n")[0]).toBe("at,userId,role,action,target,outcome,code,reason,requestId");
    expect(csv).toContain(reason);
    expect(problems).toEqual([]);
  });

  it.runIf(ROUTES.some((route) => route.path === "/custodian/incidents"))(
    "finds a student's incidents by district id after a reason, without the id in the address",
    async () => {
      const { page } = await open({ role: "records_custodian", sub: "custodian-2" });
      await go(page, "#/records", "Student records");
      await page.fill("input[name=localId]", "S3000123");
      await page.fill("input[name=reason]", "Amendment request 2026-9");
      await page.getByRole("button", { name: "Find incidents" }).click();
      await poll(() => page.locator("table tbody tr").count()).toBe(2);
      expectCleanUrl(page, "S3000123");
      await checkState(page, "custodian student search");
    },
  );

  it.runIf(ROUTES.some((route) => route.path === "/incidents/{incidentId}/corrections"))(
    "voids an incident with the family's reason, after a reasoned read",
    async () => {
      const { page, problems } = await open({ role: "records_custodian", sub: "custodian-3" });
      await go(page, `#/records/${theft.incidentId}`, "Incident, unredacted");
      await page.fill("input[name=reason]", "Amendment request 2026-12");
      await page.getByRole("button", { name: "Read unredacted" }).click();
      await page.getByRole("heading", { name: "Correct or void" }).waitFor();
      await page.check("#amend-void");
      await page.getByRole("button", { name: "Void the incident" }).click();
      await page.getByText("State why you need it").first().waitFor();
      await page.fill("input[name=correctionReason]", "Entered in error, per the parent's request");
      await page.getByRole("button", { name: "Void the incident" }).click();
      await page.getByText("Voided: version 2").waitFor({ timeout: 30_000 });
      await checkState(page, "custodian voided");
      expect(problems).toEqual([]);
    },
  );
});

describe("board", () => {
  it("sees published reports only, and a 403 screen everywhere else", async () => {
    const { page, problems } = await open({ role: "board", sub: "board-1" });
    await go(page, "#/reports", "Published reports");
    const reports = page.locator("li.report");
    await poll(() => reports.count()).toBeGreaterThan(0);
    for (const text of await reports.allInnerTexts()) {
      expect(text).toContain("public");
      expect(text).not.toContain("internal");
      expect(text).not.toMatch(/ by /);
    }
    const nav = await page.getByRole("navigation", { name: "Main" }).innerText();
    expect(nav).not.toMatch(/Incidents|Audit|Enrollment|records/i);
    await page.screenshot({ path: resolve(SCREENS, "board.png"), fullPage: true });
    await checkState(page, "board reports");
    for (const hash of ["#/incidents", "#/audit", "#/enrollment", "#/records", "#/new"]) {
      await go(page, hash, "Not allowed");
      expect(await page.locator("main").innerText()).toContain("403");
    }
    await checkState(page, "board 403");
    expect(problems).toEqual([]);
  });
});
