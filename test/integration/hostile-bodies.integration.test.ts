import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newIncident, postIncident, startTestStack, tokenFor } from "../support/local-stack.ts";

let stack: Awaited<ReturnType<typeof startTestStack>>;
let sro: string;

beforeAll(async () => {
  stack = await startTestStack();
  sro = await tokenFor(stack, "sro", "officer-fuzz");
});
afterAll(async () => {
  await stack?.dispose();
});

const CONTRACT_STATUSES = new Set([202, 400, 403, 409, 413, 415, 422]);

const expectContractAnswer = (response: { status: number; json: any }) => {
  expect(CONTRACT_STATUSES).toContain(response.status);
  if (response.status === 202) expect(response.json.status).toBe("accepted");
  else expect(typeof response.json?.error?.code).toBe("string");
};

/** Replaces the value at a random path of a valid incident with anything. */
const mutatedIncident = fc
  .tuple(
    fc.nat(),
    fc.nat(),
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom("replace", "add", "delete"),
  )
  .map(([pathSeed, keySeed, value, operation]) => {
    const incident: any = newIncident();
    const containers: any[] = [];
    const walk = (node: any) => {
      if (node && typeof node === "object") {
        containers.push(node);
        for (const child of Object.values(node)) walk(child);
      }
    };
    walk(incident);
    const target = containers[pathSeed % containers.length];
    const keys = Object.keys(target);
    const key = keys.length > 0 ? keys[keySeed % keys.length]! : "x";
    if (operation === "delete") delete target[key];
    else if (operation === "add") target[`k${keySeed}`] = value;
    else target[key] = value;
    return JSON.stringify(incident);
  });

describe("no request body of any shape gets a 5xx", () => {
  it("arbitrary JSON values", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ stringUnit: "binary" }), async (value) => {
        expectContractAnswer(await postIncident(stack, sro, JSON.stringify(value)));
      }),
      { numRuns: 150 },
    );
  });

  it("valid incidents with one value replaced, added or removed", async () => {
    await fc.assert(
      fc.asyncProperty(mutatedIncident, async (body) => {
        expectContractAnswer(await postIncident(stack, sro, body));
      }),
      { numRuns: 250 },
    );
  });

  it("arbitrary text and bytes under any content type", async () => {
    const contentType = fc.constantFrom(
      "application/json",
      "application/json; charset=latin1",
      "text/plain",
      "",
      "multipart/form-data; boundary=x",
    );
    const body = fc.oneof(
      fc.string({ unit: "binary" }),
      fc.uint8Array({ maxLength: 2048 }),
      fc.constantFrom(
        '{"__proto__": {"admin": true}}',
        '{"constructor": {"prototype": {}}}',
        "[]",
        "null",
        "1e999",
        '{"a":1,"a":2}',
      ),
    );
    await fc.assert(
      fc.asyncProperty(contentType, body, async (type, payload) => {
        expectContractAnswer(await postIncident(stack, sro, payload, { "content-type": type }));
      }),
      { numRuns: 150 },
    );
  });

  it("keeps serving afterwards", async () => {
    const health = await fetch(`${stack.url}/health`);
    expect(health.status).toBe(200);
    expect((await postIncident(stack, sro, newIncident())).status).toBe(202);
  });
});
