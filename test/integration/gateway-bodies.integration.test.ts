import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDevIssuer } from "../../infra/local/dev-issuer.ts";
import { type GatewayRoute, type HttpHandler, startGateway } from "../../infra/local/gateway.ts";
import { FUNCTIONS, ROUTES } from "../../resources/declarations.ts";
import type { GATEWAY_BODIES } from "../../shared/http/gateway-bodies.ts";
import { openApiDocument } from "../../shared/incident/openapi.ts";

/**
 * What API Gateway answers itself, the local gateway answers alike, byte for
 * byte: the JWT authorizer's 401, the stage throttle's 429, and the
 * integration's 500 (the function failed) and 503 (it outlived the
 * integration timeout). Each is the body the OpenAPI document gives.
 */
const dir = mkdtempSync(join(tmpdir(), "sro-gateway-"));
let gateway: Awaited<ReturnType<typeof startGateway>>;
let throttled: Awaited<ReturnType<typeof startGateway>>;
let token: string;

const ok: HttpHandler = async () => ({ statusCode: 200, body: "{}" });
const failing: HttpHandler = async () => {
  throw new Error("handler failed");
};
const slow: HttpHandler = () =>
  new Promise((resolve) => setTimeout(() => resolve({ statusCode: 200, body: "{}" }), 3000));

const routesWith = (handlerFor: (path: string) => HttpHandler): GatewayRoute[] =>
  ROUTES.map((route) => ({
    route,
    functionName: `test-${route.function}`,
    declaration: FUNCTIONS[route.function],
    handler: handlerFor(route.path),
  }));

beforeAll(async () => {
  const issuer = await loadDevIssuer(join(dir, "key.json"));
  token = await issuer.issue({ role: "district_analyst", sub: "analyst-g" });
  const health = async () => ({ healthy: true, body: {} });
  gateway = await startGateway({
    port: 0,
    issuer,
    health,
    integrationTimeoutSeconds: 1,
    routes: routesWith((path) =>
      path === "/audit" ? failing : path === "/reports/{reportId}" ? slow : ok,
    ),
  });
  throttled = await startGateway({
    port: 0,
    issuer,
    health,
    throttle: { rateLimit: 1, burstLimit: 3 },
    routes: routesWith(() => ok),
  });
});
afterAll(async () => {
  await gateway?.stop();
  await throttled?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const call = async (base: string, path: string, init: RequestInit = {}) => {
  const response = await fetch(`${base}${path}`, init);
  return { status: response.status, text: await response.text() };
};

const documented = (status: keyof typeof GATEWAY_BODIES) => {
  const schema = (
    openApiDocument().components.schemas as unknown as Record<
      string,
      { properties: { message: { const: string } } }
    >
  )[`Gateway${status}`]!;
  return JSON.stringify({ message: schema.properties.message.const });
};

const concrete = (path: string) =>
  path.replace("{incidentId}", crypto.randomUUID()).replace(/\{[a-zA-Z]+\}/g, "x");

describe("the local gateway's own answers", () => {
  it("401 with the authorizer's body on every authorised route, for no token and a bad one", async () => {
    for (const route of ROUTES.filter((candidate) => !candidate.public)) {
      for (const authorization of [undefined, "Bearer not-a-jwt", `Bearer ${token}x`]) {
        const answer = await call(gateway.url, concrete(route.path), {
          method: route.method,
          headers: authorization ? { authorization } : {},
        });
        expect(answer).toEqual({ status: 401, text: documented(401) });
      }
    }
    expect((await call(gateway.url, "/openapi.json")).status).toBe(200);
    expect(
      (await call(gateway.url, "/audit", { headers: { authorization: "Bearer junk" } })).text,
    ).not.toContain('"error"');
  });

  it("429 with the throttle's body once the burst is spent", async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => call(throttled.url, "/openapi.json")),
    );
    const refused = answers.filter((answer) => answer.status === 429);
    expect(answers.filter((answer) => answer.status === 200).length).toBeLessThanOrEqual(4);
    expect(refused.length).toBeGreaterThanOrEqual(4);
    for (const answer of refused) expect(answer.text).toBe(documented(429));
  });

  it("500 when the function fails, 503 when it outlives the integration timeout", async () => {
    const headers = { authorization: `Bearer ${token}` };
    expect(await call(gateway.url, "/audit", { headers })).toEqual({
      status: 500,
      text: documented(500),
    });
    expect(await call(gateway.url, "/reports/r1", { headers })).toEqual({
      status: 503,
      text: documented(503),
    });
  });
});

describe("the OpenAPI document", () => {
  type Operation = { security?: unknown[]; responses: Record<string, unknown> };
  const operations = () =>
    Object.entries(openApiDocument().paths as Record<string, Record<string, Operation>>).flatMap(
      ([path, byMethod]) =>
        Object.entries(byMethod).map(([method, operation]) => ({ path, method, operation })),
    );

  it("gives the gateway's bodies on every route: 429, 500, 503, and 401 where a token is needed", () => {
    for (const { path, method, operation } of operations()) {
      const route = ROUTES.find(
        (candidate) => candidate.path === path && candidate.method === method.toUpperCase(),
      )!;
      const statuses = route.public ? [429, 500, 503] : [401, 429, 500, 503];
      for (const status of statuses) {
        expect(JSON.stringify(operation.responses[String(status)]), `${method} ${path}`).toContain(
          `#/components/schemas/Gateway${status}`,
        );
      }
      if (route.public) expect(operation.responses["401"]).toBeUndefined();
    }
  });

  it("keeps the contract's own error beside the gateway's where a function answers the status too", () => {
    const intake = operations().find(
      (candidate) => candidate.path === "/incidents" && candidate.method === "post",
    )!;
    expect(JSON.stringify(intake.operation.responses["503"])).toContain(
      "#/components/schemas/Error",
    );
    expect(JSON.stringify(intake.operation.responses["503"])).toContain("Gateway503");
  });
});
