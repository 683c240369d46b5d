import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDynamoClient } from "../../infra/local/dynamodb.ts";
import { waitFor } from "../../infra/local/wait.ts";
import {
  getIncident,
  getJson,
  newIncident,
  postIncident,
  SCHOOL,
  startTestStack,
  tokenFor,
} from "../support/local-stack.ts";

/**
 * A canary run: incidents full of unique identifying strings go through the
 * local stack; afterwards none of those strings may appear in the redacted
 * table, in any answer a non-custodian can get, in the logs, or in a DLQ.
 */
const COUNT = 200;
const captured: string[] = [];
const realWrite = process.stdout.write.bind(process.stdout);
const realErrWrite = process.stderr.write.bind(process.stderr);

// Unique, unmistakable tokens: a letter prefix no fixed text contains, and a number.
const tag = (kind: string, n: number) => `${kind}${String(n).padStart(4, "0")}`;
const letters = (n: number) =>
  String(n)
    .padStart(4, "0")
    .split("")
    .map((digit) => "bcdfghjklm"[Number(digit)])
    .join("");

const secretsOf = (n: number) => ({
  first: `Qz${letters(n)}ia`,
  last: `Vw${letters(n)}son`,
  witness: `Kx${letters(n)}ey`,
  parent: `Jp${letters(n)}ra`,
  localId: tag("LID", n),
  email: `kid.${letters(n)}@example.org`,
  phone: `(555) 3${String(n).padStart(2, "0").slice(-2)}-${String(1000 + n).slice(-4)}`,
  ssn: `6${String(n).padStart(2, "0").slice(-2)}-4${n % 10}-${String(2000 + n).slice(-4)}`,
  street: `${100 + n} ${`Tq${letters(n)}`} Street`,
  dob: `${2008 + (n % 5)}-0${1 + (n % 9)}-1${n % 10}`,
});

const DATE_FORMATS = [
  (y: string, m: string, d: string) => `${y}-${m}-${d}`,
  (y: string, m: string, d: string) => `${m}/${d}/${y}`,
  (y: string, m: string, d: string) =>
    `${["January", "February", "March", "April", "May", "June", "July", "August", "September"][Number(m) - 1]} ${Number(d)}, ${y}`,
  (y: string, m: string, d: string) =>
    `${Number(d)} ${["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep"][Number(m) - 1]} ${y}`,
  (y: string, m: string, d: string) =>
    `${d}${["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP"][Number(m) - 1]}${y}`,
  (y: string, m: string, d: string) =>
    `${Number(d)}-${["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep"][Number(m) - 1]}-${y}`,
  (y: string, m: string, d: string) => `${m}${d}${y}`,
];

const canaryIncident = (n: number) => {
  const s = secretsOf(n);
  const [y, m, d] = s.dob.split("-") as [string, string, string];
  const dobText = DATE_FORMATS[n % DATE_FORMATS.length]!(y, m, d);
  const incident = newIncident({
    otherPersons: [{ role: "parent_guardian", firstName: s.parent }],
    narrative:
      `${s.first} ${s.last} (id ${s.localId}, born ${dobText}) argued with ${s.witness}. ` +
      `${s.last}'s mother ${s.parent} was called at ${s.phone}; e-mail ${s.email}. ` +
      `Home: ${s.street}. Card showed SSN ${s.ssn}. ${s.first.toUpperCase()} left.`,
  });
  incident.students[0].ref = {
    localId: s.localId,
    firstName: s.first,
    lastName: s.last,
    dateOfBirth: s.dob,
  };
  incident.students[1].ref = { firstName: s.witness };
  return { incident, values: [...Object.values(s), dobText, s.first.toUpperCase()] };
};

let stack: Awaited<ReturnType<typeof startTestStack>>;
const canaries = Array.from({ length: COUNT }, (_, n) => canaryIncident(n));
const allValues = canaries.flatMap((canary) => canary.values);

beforeAll(async () => {
  // Every log line at every level is captured and searched.
  process.env.POWERTOOLS_LOG_LEVEL = "DEBUG";
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    captured.push(String(chunk));
    return typeof rest.at(-1) === "function" ? ((rest.at(-1) as () => void)(), true) : true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    captured.push(String(chunk));
    return realErrWrite(chunk, ...(rest as []));
  }) as typeof process.stderr.write;
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.dispose();
  process.stdout.write = realWrite;
  process.stderr.write = realErrWrite;
});

const findLeaks = (text: string) => allValues.filter((value) => text.includes(value));

describe("canary: identifying values never leave the restricted store", () => {
  it("pushes the canaries through and finds none of their values downstream", async () => {
    const sro = await tokenFor(stack, "sro", "canary-officer");
    for (let i = 0; i < canaries.length; i += 20) {
      const batch = canaries.slice(i, i + 20);
      const responses = await Promise.all(
        batch.map(({ incident }) => postIncident(stack, sro, incident)),
      );
      expect(responses.map((response) => response.status)).toEqual(batch.map(() => 202));
      // Refused variants too: their errors and log lines are searched as well.
      await postIncident(stack, sro, { ...batch[0]!.incident, location: batch[0]!.values[0] });
      await postIncident(stack, sro, {
        ...batch[0]!.incident,
        [batch[0]!.values[1]!]: batch[0]!.values[2],
      });
    }
    const analyst = await tokenFor(stack, "district_analyst");
    const admin = await tokenFor(stack, "school_admin", "canary-admin", [SCHOOL]);
    const board = await tokenFor(stack, "board");

    // Wait until every canary is redacted, collecting the analyst's list pages.
    const pages: string[] = [];
    await waitFor(
      async () => {
        pages.length = 0;
        const ids = new Set<string>();
        let cursor: string | null = null;
        do {
          const page = await getJson(
            stack,
            analyst,
            `/incidents?limit=200${cursor ? `&cursor=${cursor}` : ""}`,
          );
          pages.push(page.text);
          for (const item of page.json.items) ids.add(item.incidentId);
          cursor = page.json.nextCursor;
        } while (cursor);
        return canaries.every(({ incident }) => ids.has(incident.incidentId));
      },
      { timeoutMs: 60_000, intervalMs: 500, what: "every canary redacted" },
    );

    const responses = [...pages];
    for (const { incident } of canaries) {
      for (const token of [analyst, admin, board]) {
        responses.push((await getIncident(stack, token, incident.incidentId)).text);
      }
    }
    responses.push((await getJson(stack, admin, `/incidents?schoolId=${SCHOOL}&limit=200`)).text);
    responses.push((await getJson(stack, board, "/incidents")).text);
    responses.push((await getJson(stack, board, "/audit")).text);

    const client = localDynamoClient(stack.dynamoEndpoint);
    const redactedItems: unknown[] = [];
    let start: Record<string, any> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: stack.tableNames.redactedIncidents,
          ExclusiveStartKey: start,
        }),
      );
      redactedItems.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    client.destroy();
    expect(redactedItems.length).toBeGreaterThanOrEqual(COUNT);

    const dlqMessages: string[] = [];
    for (const queue of stack.queues) {
      const { Messages = [] } = await stack.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queue.dlqUrl, MaxNumberOfMessages: 10 }),
      );
      dlqMessages.push(...Messages.map((message) => message.Body ?? ""));
    }

    // The canary works: the values are in what the author reads back.
    const author = await getIncident(stack, sro, canaries[0]!.incident.incidentId);
    expect(findLeaks(author.text).length).toBeGreaterThan(5);

    expect(findLeaks(JSON.stringify(redactedItems))).toEqual([]);
    expect(findLeaks(responses.join("\n"))).toEqual([]);
    expect(findLeaks(dlqMessages.join("\n"))).toEqual([]);
    expect(captured.length).toBeGreaterThan(COUNT);
    expect(findLeaks(captured.join(""))).toEqual([]);
  }, 180_000);
});
