import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import {
  type LocalStack,
  type LocalStackOptions,
  startLocalStack,
} from "../../infra/local/stack.ts";
import { waitFor } from "../../infra/local/wait.ts";
import type { Role } from "../../shared/auth/claims.ts";

export const EXAMPLE_INCIDENT = JSON.parse(
  readFileSync(new URL("../fixtures/example-incident.json", import.meta.url), "utf8"),
) as IncidentJson;

/** An incident as a client sends it: plain JSON that tests may bend out of shape. */
export type IncidentJson = Record<string, any> & { incidentId: string; schoolId: string };

export const SCHOOL = EXAMPLE_INCIDENT.schoolId;

/** A fresh stack on its own data folder and free ports, as a test file needs one. */
export const startTestStack = async (
  options: Partial<LocalStackOptions> = {},
): Promise<LocalStack & { dispose(): Promise<void> }> => {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "sro-test-"));
  const stack = await startLocalStack({
    port: 0,
    visibilityTimeoutSeconds: 2,
    ...options,
    dataDir,
  });
  return {
    ...stack,
    dispose: async () => {
      await stack.stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

export const tokenFor = (
  stack: LocalStack,
  role: Role,
  sub = `${role}-1`,
  schoolIds: string[] = [SCHOOL],
) => stack.issuer.issue({ role, sub, schoolIds });

export const newIncident = (overrides: Record<string, unknown> = {}): IncidentJson => ({
  ...structuredClone(EXAMPLE_INCIDENT),
  incidentId: crypto.randomUUID(),
  ...overrides,
});

export const postIncident = async (
  stack: LocalStack,
  token: string | undefined,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  const response = await fetch(`${stack.url}/incidents`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, json: safeJson(text) };
};

export const getIncident = async (
  stack: LocalStack,
  token: string,
  incidentId: string,
  headers: Record<string, string> = {},
) => getJson(stack, token, `/incidents/${incidentId}`, headers);

/** A GET with a bearer token; the text is kept for leak searches. */
export const getJson = async (
  stack: LocalStack,
  token: string,
  path: string,
  headers: Record<string, string> = {},
) => {
  const response = await fetch(`${stack.url}${path}`, {
    headers: { authorization: `Bearer ${token}`, ...headers },
  });
  const text = await response.text();
  return { status: response.status, text, json: safeJson(text) };
};

const safeJson = (text: string): any => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** Waits until an analyst can read the incident, i.e. the redact stage wrote it. */
export const waitUntilRedacted = async (stack: LocalStack, incidentId: string) => {
  const analyst = await tokenFor(stack, "district_analyst");
  await waitFor(async () => (await getIncident(stack, analyst, incidentId)).status === 200, {
    timeoutMs: 20_000,
    what: `redacted incident ${incidentId}`,
  });
};

/** Waits until the author can read the incident back, i.e. the store stage wrote it. */
export const waitUntilStored = async (stack: LocalStack, token: string, incidentId: string) => {
  await waitFor(async () => (await getIncident(stack, token, incidentId)).status === 200, {
    timeoutMs: 20_000,
    what: `incident ${incidentId}`,
  });
};

export const queueDepth = async (stack: LocalStack, url: string) => {
  const { Attributes } = await stack.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
};
