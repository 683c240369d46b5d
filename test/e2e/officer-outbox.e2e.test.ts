import { generateKeyPair, SignJWT } from "jose";
import type { Browser, BrowserContext, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../infra/local/wait.ts";
import { GROUPS_CLAIM, SCHOOL_IDS_CLAIM } from "../../shared/auth/claims.ts";
import { buildWebOnce, launchBrowser, phonePage, signInAs } from "../support/browser.ts";
import { getJson, SCHOOL, startTestStack, tokenFor } from "../support/local-stack.ts";

/**
 * The outbox in Debian's Chromium against the local stack (contracts
 * section 7): offline after one visit, a 503 and a dropped connection, a
 * 401, the shared phone, and sign-out with reports still on the device.
 * In every case the server ends up holding each report exactly once, sent
 * by its own author.
 */

let stack: Awaited<ReturnType<typeof startTestStack>>;
let browser: Browser;

beforeAll(async () => {
  [stack] = await Promise.all([startTestStack(), buildWebOnce()]);
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.dispose();
});

const control = (page: Page, name: string, value?: string) =>
  page.locator(value === undefined ? `[name="${name}"]` : `[name="${name}"][value="${value}"]`);

/** A valid one-student report, filled in the form. */
const fillReport = async (page: Page) => {
  await page.waitForSelector("form.report");
  await control(page, "location").selectOption("gym_or_athletics");
  await control(page, "initiatedBy").selectOption("officer_observed");
  await control(page, "category").selectOption("welfare_check");
  await control(page, "students[0].role").first().waitFor();
  await control(page, "students[0].role", "subject").check();
  await control(page, "students[0].grade").selectOption("11");
  await control(page, "students[0].raceEthnicity", "not_recorded").check();
  await control(page, "students[0].gender", "not_recorded").check();
  await control(page, "students[0].disability", "not_recorded").check();
  await control(page, "students[0].englishLearner", "not_recorded").check();
};

/** The POST /incidents the browser tries, each with the status it got (none when the network failed). */
const watchPosts = (context: BrowserContext) => {
  const posts: Array<{ incidentId: string; authorization: string; status?: number }> = [];
  const byRequest = new Map<Request, (typeof posts)[number]>();
  context.on("request", (request: Request) => {
    if (request.method() !== "POST" || !request.url().endsWith("/incidents")) return;
    const post = {
      incidentId: JSON.parse(request.postData() ?? "{}").incidentId,
      authorization: request.headers().authorization ?? "",
    };
    byRequest.set(request, post);
    posts.push(post);
  });
  context.on("response", (response) => {
    const post = byRequest.get(response.request());
    if (post) (post as { status?: number }).status = response.status();
  });
  return posts;
};

const entryState = (page: Page, incidentId: string) =>
  page.locator(`.entry[data-incident-id="${incidentId}"] .state`);

const onlyEntryId = async (page: Page) => {
  await page.locator(".entries .entry[data-incident-id]").first().waitFor();
  return (await page
    .locator(".entries .entry[data-incident-id]")
    .first()
    .getAttribute("data-incident-id"))!;
};

/** How many of the officer's reports the server holds with this id. */
const heldOnServer = async (sub: string, incidentId: string) => {
  const token = await tokenFor(stack, "sro", sub);
  const mine = await getJson(stack, token, "/me/incidents?limit=200");
  return (mine.json.items as Array<{ incidentId: string }>).filter(
    (item) => item.incidentId === incidentId,
  ).length;
};

const officer = async (sub: string) => {
  const opened = await phonePage(browser);
  await signInAs(opened.page, stack.url, { role: "sro", sub, schools: [SCHOOL] });
  return opened;
};

describe("the officer's outbox", () => {
  it("opens offline after one visit, queues a report and sends it once when the network returns", async () => {
    const { context, page } = await officer("officer-offline");
    const posts = watchPosts(context);
    // One visit: the service worker has the shell once it controls the page.
    await waitFor(
      async () => (await page.evaluate("navigator.serviceWorker.controller !== null")) === true,
      { timeoutMs: 30_000, what: "the service worker controlling the page" },
    );
    await context.setOffline(true);
    await page.reload();
    await page.waitForSelector("form.report");
    await fillReport(page);
    await page.click("button[type=submit]");
    await page.waitForURL(/#\/outbox/);
    const incidentId = await onlyEntryId(page);
    expect(await entryState(page, incidentId).innerText()).toBe("Waiting to send");
    expect(await heldOnServer("officer-offline", incidentId)).toBe(0);

    await context.setOffline(false);
    await waitFor(async () => (await entryState(page, incidentId).innerText()) === "Sent", {
      timeoutMs: 30_000,
      what: "the queued report sent",
    });
    await waitFor(async () => (await heldOnServer("officer-offline", incidentId)) === 1, {
      timeoutMs: 20_000,
      what: "the report on the server",
    });
    // Tried while offline too, always with its one id; answered once, with a 202.
    const answered = posts.filter((post) => post.status !== undefined);
    expect(answered.map((post) => [post.incidentId, post.status])).toEqual([[incidentId, 202]]);
    expect(posts.every((post) => post.incidentId === incidentId)).toBe(true);
    await context.close();
  }, 180_000);

  it("loses nothing to a 503 or a dropped connection, and retries with the same incidentId", async () => {
    const { context, page } = await officer("officer-faults");
    const posts = watchPosts(context);

    // A real outage: DynamoDB Local stops, intake answers 503, the outbox backs off and retries.
    await fillReport(page);
    const outage = stack.restartDynamoDb(6000);
    await new Promise((done) => setTimeout(done, 1500));
    await page.click("button[type=submit]");
    await page.waitForURL(/#\/outbox/);
    const first = await onlyEntryId(page);
    await page.locator(`.entry[data-incident-id="${first}"]`).getByText("Last try").waitFor();
    await outage;
    await waitFor(async () => (await entryState(page, first).innerText()) === "Sent", {
      timeoutMs: 90_000,
      what: "the report sent after the outage",
    });
    const sent503 = posts.filter((post) => post.incidentId === first).length;
    expect(sent503).toBeGreaterThan(1);

    // A dropped connection: the server takes the report, the answer never arrives.
    let dropped = 0;
    await page.route("**/incidents", async (route) => {
      if (route.request().method() !== "POST" || dropped > 0) return route.fallback();
      dropped++;
      await route.fetch();
      await route.abort("connectionreset");
    });
    await page.click("nav >> text=New report");
    await fillReport(page);
    await page.click("button[type=submit]");
    await page.waitForURL(/#\/outbox/);
    // The outbox lists the new entry once it has read the store back: wait for it.
    let found: string | undefined;
    await waitFor(
      async () => {
        const ids = await page
          .locator(".entries .entry[data-incident-id]")
          .evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-incident-id")));
        found = ids.find((id): id is string => id !== null && id !== first);
        return found !== undefined;
      },
      { timeoutMs: 30_000, what: "the second report in the outbox" },
    );
    const second = found;
    if (!second) throw new Error("the second report never reached the outbox");
    await waitFor(async () => (await entryState(page, second).innerText()) === "Sent", {
      timeoutMs: 60_000,
      what: "the report sent after the dropped answer",
    });
    expect(posts.filter((post) => post.incidentId === second).length).toBeGreaterThanOrEqual(2);
    expect(await heldOnServer("officer-faults", first)).toBe(1);
    expect(await heldOnServer("officer-faults", second)).toBe(1);
    await context.close();
  }, 240_000);

  it("keeps the outbox on a 401 and sends it after signing in again", async () => {
    const { context, page } = await officer("officer-401");
    const posts = watchPosts(context);
    // A token the app can read but the API refuses: signed by another key.
    const { privateKey } = await generateKeyPair("ES256");
    const forged = await new SignJWT({ [GROUPS_CLAIM]: ["sro"], [SCHOOL_IDS_CLAIM]: SCHOOL })
      .setProtectedHeader({ alg: "ES256" })
      .setSubject("officer-401")
      .setExpirationTime("1h")
      .sign(privateKey);
    await page.evaluate(`sessionStorage.setItem("sro.localToken", ${JSON.stringify(forged)})`);
    await page.reload();
    await fillReport(page);
    await page.click("button[type=submit]");
    await page.waitForURL(/#\/outbox/);
    const incidentId = await onlyEntryId(page);
    await page.getByText("Not signed in:").waitFor();
    expect(await entryState(page, incidentId).innerText()).toBe("Waiting to send");
    expect(posts.filter((post) => post.incidentId === incidentId)).toHaveLength(1);

    await signInAs(page, stack.url, { role: "sro", sub: "officer-401", schools: [SCHOOL] });
    await page.click("nav >> text=Outbox");
    await waitFor(async () => (await entryState(page, incidentId).innerText()) === "Sent", {
      timeoutMs: 30_000,
      what: "the report sent after signing in again",
    });
    expect(await heldOnServer("officer-401", incidentId)).toBe(1);
    await context.close();
  }, 180_000);

  it("on a shared phone asks before signing out, and never sends an entry with another officer's token", async () => {
    const { context, page } = await officer("officer-a");
    const posts = watchPosts(context);
    const tokenOfA = (await page.evaluate(`sessionStorage.getItem("sro.localToken")`)) as string;
    // Officer A's report cannot leave: the network is gone for it.
    await page.route("**/incidents", (route) =>
      route.request().method() === "POST" ? route.abort("internetdisconnected") : route.fallback(),
    );
    await fillReport(page);
    await page.click("button[type=submit]");
    await page.waitForURL(/#\/outbox/);
    const incidentId = await onlyEntryId(page);

    // Sign-out asks first, naming the unsent report; staying keeps everything.
    await page.click("header >> text=Sign out");
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain("1 report has not reached the server");
    await dialog.getByText("Stay signed in").click();
    expect(await page.evaluate(`sessionStorage.getItem("sro.localToken")`)).toBe(tokenOfA);
    await page.click("header >> text=Sign out");
    await page.getByRole("dialog").getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/local\/sign-in/);
    expect(await page.evaluate(`sessionStorage.getItem("sro.localToken")`)).toBeNull();
    await page.unroute("**/incidents");

    // Officer B on the same phone: A's entry stays, unsent and unread.
    await signInAs(page, stack.url, { role: "sro", sub: "officer-b", schools: [SCHOOL] });
    await page.click("nav >> text=Outbox");
    await page.getByText("by another officer on this device").waitFor();
    expect(await page.locator(`.entry[data-incident-id="${incidentId}"]`).count()).toBe(0);
    await page.waitForTimeout(3000);
    const tokenOfB = (await page.evaluate(`sessionStorage.getItem("sro.localToken")`)) as string;
    expect(posts.filter((post) => post.authorization === `Bearer ${tokenOfB}`)).toHaveLength(0);
    expect(await heldOnServer("officer-a", incidentId)).toBe(0);

    // A signs in again: the entry goes, with A's token.
    await page.click("header >> text=Sign out");
    await page.waitForURL(/\/local\/sign-in/);
    await signInAs(page, stack.url, { role: "sro", sub: "officer-a", schools: [SCHOOL] });
    await page.click("nav >> text=Outbox");
    await waitFor(async () => (await entryState(page, incidentId).innerText()) === "Sent", {
      timeoutMs: 30_000,
      what: "A's report sent with A's token",
    });
    const sentBy = posts.filter((post) => post.incidentId === incidentId).at(-1)!.authorization;
    expect(sentBy).not.toBe(`Bearer ${tokenOfB}`);
    expect(await heldOnServer("officer-a", incidentId)).toBe(1);
    await context.close();
  }, 180_000);
});
