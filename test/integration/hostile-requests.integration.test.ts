import { connect } from "node:net";
import fc from "fast-check";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from "../../infra/local/dev-issuer.ts";
import {
  getJson,
  newIncident,
  postIncident,
  SCHOOL,
  startTestStack,
  tokenFor,
} from "../support/local-stack.ts";

/**
 * Hostile requests beyond bodies: headers, tokens, path and query
 * parameters, enrollment CSV. Each gets a 4xx with a contract error body
 * (a refused token: the JWT authorizer's own body, as in AWS), and the
 * server keeps serving.
 */
let stack: Awaited<ReturnType<typeof startTestStack>>;
let sro: string;
let analyst: string;
let custodian: string;

beforeAll(async () => {
  stack = await startTestStack();
  sro = await tokenFor(stack, "sro", "officer-h");
  analyst = await tokenFor(stack, "district_analyst", "analyst-h");
  custodian = await tokenFor(stack, "records_custodian", "custodian-h");
});
afterAll(async () => {
  await stack?.dispose();
});

const expectContractError = (status: number, json: any) => {
  expect(status).toBeGreaterThanOrEqual(400);
  expect(status).toBeLessThan(500);
  expect(typeof json?.error?.code).toBe("string");
};

/** Sends raw bytes, for requests fetch() refuses to build. */
const raw = (request: string) =>
  new Promise<string>((resolve, reject) => {
    const { port } = new URL(stack.url);
    const socket = connect(Number(port), "127.0.0.1", () => socket.write(request));
    let response = "";
    socket.on("data", (chunk) => {
      response += String(chunk);
    });
    socket.on("end", () => resolve(response));
    socket.on("error", reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error("timeout")));
  });

describe("hostile headers", () => {
  it("answers oversized headers with 431 and a contract error", async () => {
    const response = await raw(
      `GET /incidents HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(40_000)}\r\n\r\n`,
    );
    expect(response).toMatch(/^HTTP\/1\.1 431/);
    expect(response).toContain('"code":"VALIDATION_FAILED"');
  });

  it("answers CRLF injection and broken framing with 400 and a contract error", async () => {
    for (const request of [
      "GET /incidents HTTP/1.1\r\nHost: x\r\nX-A: b\rInjected: 1\r\n\r\n",
      "POST /incidents HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "NOT HTTP AT ALL\r\n\r\n",
    ]) {
      const response = await raw(request);
      expect(response).toMatch(/^HTTP\/1\.1 400/);
      expect(response).toContain('"error"');
    }
  });

  it("uses the first of duplicated content-type and authorization headers, whatever they hold", async () => {
    const body = JSON.stringify(newIncident());
    const response = await raw(
      `POST /incidents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${sro}\r\nAuthorization: Bearer junk\r\nContent-Type: text/plain\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(response).toMatch(/^HTTP\/1\.1 415/);
  });
});

describe("hostile tokens", () => {
  const claims = { "cognito:groups": ["sro"], "custom:schoolIds": SCHOOL };

  it.each([
    ["another key", { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE }],
    ["the wrong audience", { issuer: LOCAL_ISSUER, audience: "someone-else" }],
    ["the wrong issuer", { issuer: "https://evil.example", audience: LOCAL_AUDIENCE }],
  ])("refuses a token signed with %s", async (_, { issuer, audience }) => {
    const { privateKey } = await generateKeyPair("ES256");
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: "ES256" })
      .setSubject("officer-h")
      .setIssuer(issuer)
      .setAudience(audience)
      .setExpirationTime("1h")
      .sign(privateKey);
    const response = await postIncident(stack, token, newIncident());
    expect(response.status).toBe(401);
    // The authorizer's own body, as API Gateway answers (docs/api-errors.md).
    expect(response.json).toEqual({ message: "Unauthorized" });
  });

  it("refuses an HS256 token keyed with the issuer's public key (algorithm confusion)", async () => {
    const { publicKey } = await generateKeyPair("ES256", { extractable: true });
    const secret = new TextEncoder().encode(JSON.stringify(await exportJWK(publicKey)));
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("officer-h")
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setExpirationTime("1h")
      .sign(secret);
    expect((await postIncident(stack, token, newIncident())).status).toBe(401);
  });

  it("refuses any string as a bearer token", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 400 }), async (token) => {
        const response = await fetch(`${stack.url}/incidents?limit=1`, {
          headers: { authorization: `Bearer ${token.replace(/[\r\n\0]/g, "")}` },
        }).catch(() => undefined);
        if (!response) return;
        expect(response.status).toBe(401);
      }),
      { numRuns: 60 },
    );
  });
});

describe("hostile path and query parameters", () => {
  const paths = [
    (value: string) => `/incidents?schoolId=${value}`,
    (value: string) => `/incidents?from=${value}&to=${value}`,
    (value: string) => `/incidents?limit=${value}`,
    (value: string) => `/incidents?cursor=${value}`,
    (value: string) => `/incidents/${value}`,
    (value: string) => `/audit?user=${value}&from=${value}`,
    (value: string) => `/audit?cursor=${value}`,
    (value: string) => `/reports/${value}?format=${value}`,
    (value: string) => `/reports?limit=${value}`,
  ];

  it("never gets a 5xx, and errors are contract errors", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.oneof(
          fc.string({ maxLength: 300, unit: "binary" }),
          fc.constantFrom(
            "__proto__",
            "constructor",
            "%00",
            "%E0%A4%A",
            "../../etc/passwd",
            "-1",
            "1e309",
            "9".repeat(400),
          ),
        ),
        fc.constantFrom(analyst, custodian),
        async (path, value, token) => {
          const response = await getJson(
            stack,
            token,
            path(encodeURIComponent(value).slice(0, 2000)),
          );
          expect(response.status).toBeLessThan(500);
          if (response.status >= 400) expectContractError(response.status, response.json);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("hostile enrollment CSV", () => {
  const put = (body: string | Uint8Array) =>
    fetch(`${stack.url}/enrollment/2025-26`, {
      method: "PUT",
      headers: { authorization: `Bearer ${analyst}`, "content-type": "text/csv" },
      body,
    }).then(async (response) => ({
      status: response.status,
      json: (await response.json()) as any,
    }));

  it("never gets a 5xx from any file", async () => {
    const header = "schoolYear,schoolId,dimension,group,enrollment\n";
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 2000, unit: "binary" }).map((text) => header + text),
          fc.uint8Array({ maxLength: 2000 }),
          fc
            .array(
              fc.tuple(
                fc.constantFrom("2025-26", "2024-25", '"2025-26"', "=1+1"),
                fc.constantFrom("S1", "-S2", "S 3", '"S,4"', "@cmd"),
                fc.constantFrom("gender", "raceEthnicity", "height", ""),
                fc.constantFrom("male", "female", "not_reported", "white", '=cmd|" /C calc"!A0'),
                fc.constantFrom("1", "0", "-1", "1.5", "999999999999", ""),
              ),
              { maxLength: 30 },
            )
            .map((rows) => header + rows.map((row) => row.join(",")).join("\r\n")),
        ),
        async (body) => {
          const response = await put(body);
          expect(response.status).toBeLessThan(500);
          if (response.status >= 400) expectContractError(response.status, response.json);
          expect(JSON.stringify(response.json)).not.toContain("cmd|");
        },
      ),
      { numRuns: 120 },
    );
  });

  it.each([
    [
      "a huge cell",
      `2025-26,S1,gender,"${"Marisol".repeat(600_000)}",1\n`,
      /^line 2: a row is longer/,
    ],
    [
      "many columns",
      `2025-26,S1,gender,male,1,Marisol${",".repeat(1_000_000)}\n`,
      /^line 2: a row has exactly 5 fields/,
    ],
    [
      "an unbalanced quote",
      `2025-26,S1,gender,male,1\n\n2025-26,S1,"Marisol,male,1\n`,
      /^line 4: a quoted field is not closed/,
    ],
  ])(
    "refuses %s with a 4xx naming the line, never echoing the file",
    async (_name, rows, message) => {
      const response = await put(`schoolYear,schoolId,dimension,group,enrollment\r\n${rows}`);
      expectContractError(response.status, response.json);
      expect(response.json.error.details[0].message).toMatch(message);
      expect(JSON.stringify(response.json)).not.toContain("Marisol");
    },
  );

  it("keeps serving afterwards", async () => {
    expect((await fetch(`${stack.url}/health`)).status).toBe(200);
    expect((await postIncident(stack, sro, newIncident())).status).toBe(202);
  });
});
