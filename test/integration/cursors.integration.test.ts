import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../shared/auth/claims.ts";
import { cursorsFor } from "../../shared/http/cursor.ts";
import {
  getJson,
  newIncident,
  postIncident,
  startTestStack,
  tokenFor,
  waitUntilRedacted,
} from "../support/local-stack.ts";

/**
 * Cursors through the HTTP API: only a cursor the API issued for this list,
 * this caller and this query continues a list; anything else is a 400 with
 * the contract error body.
 */
let stack: Awaited<ReturnType<typeof startTestStack>>;
const LISTS = {
  incidents: { path: "/incidents", role: "district_analyst" },
  audit: { path: "/audit", role: "records_custodian" },
  reports: { path: "/reports", role: "district_analyst" },
} as const satisfies Record<string, { path: string; role: Role }>;
type List = keyof typeof LISTS;
const tokens: Record<string, string> = {};
const issued: Partial<Record<List, string>> = {};

/** Signs as the stack does, with its key or another: reports need one made before any is listed. */
const mint = (list: List, value: unknown, key: Uint8Array, userId = `${list}-user`) =>
  cursorsFor(async () => key, {
    list,
    principal: { userId, role: LISTS[list].role },
    parameters: {},
  }).encode(value);
const stackKey = () => readFileSync(join(stack.dataDir, "cursor-key.secret"));

beforeAll(async () => {
  stack = await startTestStack();
  for (const list of Object.keys(LISTS) as List[]) {
    tokens[list] = await tokenFor(stack, LISTS[list].role, `${list}-user`, []);
    tokens[`${list}-other`] = await tokenFor(stack, LISTS[list].role, `${list}-other-user`, []);
  }
  const sro = await tokenFor(stack, "sro", "officer-c");
  for (const incident of [newIncident(), newIncident()]) {
    expect((await postIncident(stack, sro, incident)).status).toBe(202);
    await waitUntilRedacted(stack, incident.incidentId);
  }
  issued.incidents = (
    await getJson(stack, tokens.incidents!, "/incidents?limit=1")
  ).json.nextCursor;
  issued.audit = (await getJson(stack, tokens.audit!, "/audit?limit=1")).json.nextCursor;
  issued.reports = await mint(
    "reports",
    { listing: "all", createdKey: "2026-01-01T00:00:00.000Z#r", reportId: "r" },
    stackKey(),
  );
}, 60_000);
afterAll(async () => {
  await stack?.dispose();
});

const list = (name: List, cursor: string, token = tokens[name]!) =>
  getJson(stack, token, `${LISTS[name].path}?limit=1&cursor=${encodeURIComponent(cursor)}`);

const expectRefused = (response: { status: number; json: any }) => {
  expect(response.status).toBe(400);
  expect(response.json).toEqual({
    error: {
      code: "VALIDATION_FAILED",
      message: expect.any(String),
      details: [{ path: "cursor", message: "invalid cursor" }],
    },
  });
};

describe.each(Object.keys(LISTS) as List[])("GET /%s", (name) => {
  it("continues from a cursor issued for it", async () => {
    expect(issued[name]).toEqual(expect.any(String));
    expect((await list(name, issued[name]!)).status).toBe(200);
  });

  it("refuses forged and truncated cursors", async () => {
    const cursor = issued[name]!;
    const [payload, tag] = cursor.split(".") as [string, string];
    const forged = [
      payload,
      `${Buffer.from('{"incidentId":"x","occurredKey":"y"}').toString("base64url")}.${tag}`,
      `${payload}.${randomBytes(32).toString("base64url")}`,
      cursor.slice(0, -1),
      cursor.slice(0, cursor.length / 2),
      cursor.slice(1),
    ];
    for (const candidate of forged) expectRefused(await list(name, candidate));
  });

  it("refuses a cursor signed with another key", async () => {
    const value = JSON.parse(Buffer.from(issued[name]!.split(".")[0]!, "base64url").toString());
    expectRefused(await list(name, await mint(name, value, randomBytes(32))));
    // The same value under the stack's key is accepted: only the key differed.
    expect((await list(name, await mint(name, value, stackKey()))).status).toBe(200);
  });

  it("refuses another list's cursor, even one made for the same caller", async () => {
    for (const other of (Object.keys(LISTS) as List[]).filter((candidate) => candidate !== name)) {
      expectRefused(await list(name, issued[other]!));
      const value = JSON.parse(Buffer.from(issued[name]!.split(".")[0]!, "base64url").toString());
      const sameCaller = await cursorsFor(async () => stackKey(), {
        list: other,
        principal: { userId: `${name}-user`, role: LISTS[name].role },
        parameters: {},
      }).encode(value);
      expectRefused(await list(name, sameCaller));
    }
  });

  it("refuses another user's cursor", async () => {
    expectRefused(await list(name, issued[name]!, tokens[`${name}-other`]!));
  });

  it("refuses a cursor issued for another period", async () => {
    const response = await getJson(
      stack,
      tokens[name]!,
      `${LISTS[name].path}?from=2026-01-01&cursor=${encodeURIComponent(issued[name]!)}`,
    );
    expectRefused(response);
  });
});
