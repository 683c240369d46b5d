import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appContentSecurityPolicy } from "../../infra/web-headers.ts";
import { buildWebOnce } from "../support/browser.ts";
import { getJson, SCHOOL, startTestStack } from "../support/local-stack.ts";

/**
 * The web app on the local stack (contracts section 7): the built files,
 * /config.json and the local-only sign-in at `/` of the API's origin, with
 * the agreed headers, never in the API's way, and the token endpoint
 * refusing anything malformed.
 */
let stack: Awaited<ReturnType<typeof startTestStack>>;

beforeAll(async () => {
  [stack] = await Promise.all([startTestStack(), buildWebOnce()]);
}, 240_000);
afterAll(async () => {
  await stack?.dispose();
});

const get = (path: string) => fetch(`${stack.url}${path}`);
const postToken = (body: string, contentType = "application/json") =>
  fetch(`${stack.url}/local/token`, {
    method: "POST",
    headers: { "content-type": contentType },
    body,
  });

const expectAppHeaders = (response: Response) => {
  expect(response.headers.get("content-security-policy")).toBe(appContentSecurityPolicy());
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("referrer-policy")).toBe("no-referrer");
};

describe("the web app on the local stack", () => {
  it("serves the shell, its service worker and manifest with the agreed headers", async () => {
    const index = await get("/");
    expect(index.status).toBe(200);
    expect(index.headers.get("content-type")).toContain("text/html");
    expectAppHeaders(index);
    const html = await index.text();
    // No inline script: the CSP forbids it.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const script = await get(asset);
    expect(script.status).toBe(200);
    expect(script.headers.get("cache-control")).toContain("immutable");
    expectAppHeaders(script);
    for (const path of ["/sw.js", "/manifest.webmanifest", "/icon.svg"]) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      expectAppHeaders(response);
    }
    // The service worker precaches the shell and routes nothing of the API.
    const worker = await (await get("/sw.js")).text();
    const precached = [...worker.matchAll(/"?url"?:\s*"([^"]+)"/g)].map((match) => match[1]!);
    expect(precached).toContain("index.html");
    expect(
      precached.filter((url) => !/^(index\.html|assets\/|manifest\.webmanifest|icon)/.test(url)),
    ).toEqual([]);
    // One route at run time, config.json's; API responses are never cached.
    expect(worker.match(/registerRoute\(/g)).toHaveLength(1);
    expect(worker).toContain('"/config.json"');
  });

  it("serves config.json of kind local with the district's zone", async () => {
    const response = await get("/config.json");
    expectAppHeaders(response);
    expect(await response.json()).toEqual({
      auth: { kind: "local", signInUrl: "/local/sign-in" },
      timeZone: "America/Los_Angeles",
    });
  });

  it("serves the sign-in page with its script as a file and named controls", async () => {
    const page = await get("/local/sign-in");
    expectAppHeaders(page);
    const html = await page.text();
    expect(html).toContain('src="/local/sign-in.js"');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    for (const name of ["role", "sub", "schools"]) expect(html).toContain(`name="${name}"`);
    const script = await get("/local/sign-in.js");
    expect(script.headers.get("content-type")).toContain("javascript");
    expect(await script.text()).toContain("sro.localToken");
  });

  it("issues a token the API accepts, as the sign-in page asks for it", async () => {
    const json = await postToken(
      JSON.stringify({ role: "sro", sub: "officer-web", schools: SCHOOL }),
    );
    expect(json.status).toBe(200);
    const { token } = (await json.json()) as { token: string };
    expect((await getJson(stack, token, "/me/incidents")).status).toBe(200);
    const form = await postToken(
      new URLSearchParams({
        role: "school_admin",
        sub: "admin-web",
        schools: `${SCHOOL},S-2`,
      }).toString(),
      "application/x-www-form-urlencoded",
    );
    expect(form.status).toBe(200);
  });

  it.each([
    ["not JSON", "{"],
    ["an unknown role", JSON.stringify({ role: "root", sub: "x" })],
    ["no user id", JSON.stringify({ role: "sro", schools: SCHOOL })],
    ["a user id with markup", JSON.stringify({ role: "sro", sub: "<script>" })],
    ["a bad school id", JSON.stringify({ role: "sro", sub: "x", schools: "a/b" })],
    ["schools of the wrong type", JSON.stringify({ role: "sro", sub: "x", schools: { a: 1 } })],
    ["an oversized body", JSON.stringify({ role: "sro", sub: "x", schools: "A,".repeat(5000) })],
    ["null", "null"],
  ])("refuses %s with a 400 that echoes nothing", async (_name, body) => {
    const response = await postToken(body);
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).not.toContain("<script>");
    expect(text).not.toContain("root");
  });

  it("refuses any hostile sign-in body without echoing it", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (body) => {
        const response = await postToken(body);
        if (response.status === 200) return true;
        expect(response.status).toBe(400);
        const text = await response.text();
        return body.length < 4 || !text.includes(body);
      }),
      { numRuns: 40 },
    );
  });

  it("leaves every other path to the API, and no path leaves web/dist", async () => {
    // The API's own answers are unchanged.
    expect((await get("/incidents")).status).toBe(401);
    const unknown = await get("/nope");
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
    expect((await get("/health")).status).toBe(200);
    for (const path of [
      "/assets/../../package.json",
      "/assets/%2e%2e/%2e%2e/package.json",
      "/assets/..%2f..%2fpackage.json",
      "/assets/nothing.js",
      "/local/anything",
    ]) {
      const response = await get(path);
      expect(response.status, path).not.toBe(200);
      expect(await response.text(), path).not.toContain("sro-incident-pipeline");
    }
    expect((await fetch(`${stack.url}/config.json`, { method: "POST" })).status).toBe(405);
    expect((await get("/local/token")).status).toBe(405);
  });
});
