import { GetItemCommand, QueryCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDynamoClient } from "../../infra/local/dynamodb.ts";
import { waitFor } from "../../infra/local/wait.ts";
import type { Role } from "../../shared/auth/claims.ts";
import {
  getIncident,
  getJson,
  type IncidentJson,
  newIncident,
  postIncident,
  SCHOOL,
  startTestStack,
  tokenFor,
  waitUntilRedacted,
} from "../support/local-stack.ts";

/**
 * POST /incidents/{incidentId}/corrections end to end on the local stack
 * (contracts section 8): DynamoDB Local, the SQS emulator, the store and
 * redact stages, the lists and the audit log.
 */
let stack: Awaited<ReturnType<typeof startTestStack>>;
let dynamo: ReturnType<typeof localDynamoClient>;
const tokens: Record<string, string> = {};
const OTHER_SCHOOL = "OTHER-01";
const captured: string[] = [];
const realWrite = process.stdout.write.bind(process.stdout);
const realErrWrite = process.stderr.write.bind(process.stderr);

beforeAll(async () => {
  // Every log line at every level is captured, to be searched for submitted values.
  process.env.POWERTOOLS_LOG_LEVEL = "DEBUG";
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    captured.push(String(chunk));
    const done = rest.at(-1);
    if (typeof done === "function") (done as () => void)();
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    captured.push(String(chunk));
    return realErrWrite(chunk, ...(rest as []));
  }) as typeof process.stderr.write;
  stack = await startTestStack();
  dynamo = localDynamoClient(stack.dynamoEndpoint);
  const callers: Array<[string, Role, string[]]> = [
    ["officer", "sro", [SCHOOL]],
    ["otherOfficer", "sro", [SCHOOL]],
    ["twoSchools", "sro", [SCHOOL, OTHER_SCHOOL]],
    ["admin", "school_admin", [SCHOOL]],
    ["analyst", "district_analyst", []],
    ["custodian", "records_custodian", []],
    ["board", "board", []],
  ];
  for (const [name, role, schools] of callers) {
    tokens[name] = await tokenFor(stack, role, `${name}-user`, schools);
  }
}, 60_000);
afterAll(async () => {
  dynamo?.destroy();
  await stack?.dispose();
  process.stdout.write = realWrite;
  process.stderr.write = realErrWrite;
});

const correct = async (
  caller: string,
  incidentId: string,
  body: unknown,
  contentType = "application/json",
) => {
  const response = await fetch(`${stack.url}/incidents/${incidentId}/corrections`, {
    method: "POST",
    headers: { authorization: `Bearer ${tokens[caller]}`, "content-type": contentType },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
};

/** An incident submitted by `caller` and through the redact stage. */
const submitted = async (caller = "officer", overrides: Record<string, unknown> = {}) => {
  const incident = newIncident(overrides);
  expect((await postIncident(stack, tokens[caller], incident)).status).toBe(202);
  await waitUntilRedacted(stack, incident.incidentId);
  return incident;
};

const withGrade = (incident: IncidentJson, grade: string) => {
  const corrected = structuredClone(incident);
  corrected.students[0].grade = grade;
  return corrected;
};

const correction = (incident: IncidentJson, baseVersion: number, reason = "wrong grade") => ({
  correctionId: crypto.randomUUID(),
  baseVersion,
  reason,
  incident,
});

const voiding = (baseVersion: number, reason = "entered in error") => ({
  correctionId: crypto.randomUUID(),
  baseVersion,
  reason,
  void: true,
});

const redactedItem = async (incidentId: string) => {
  const { Item } = await dynamo.send(
    new GetItemCommand({
      TableName: stack.tableNames.redactedIncidents,
      Key: marshall({ incidentId: incidentId.toLowerCase() }),
      ConsistentRead: true,
    }),
  );
  return Item ? unmarshall(Item) : undefined;
};

const storedItem = async (key: string) => {
  const { Item } = await dynamo.send(
    new GetItemCommand({
      TableName: stack.tableNames.incidents,
      Key: marshall({ incidentId: key }),
      ConsistentRead: true,
    }),
  );
  return Item ? unmarshall(Item) : undefined;
};

const waitForRedactedVersion = (incidentId: string, version: number) =>
  waitFor(async () => (await redactedItem(incidentId))?.version === version, {
    timeoutMs: 20_000,
    what: `redacted version ${version} of ${incidentId}`,
  });

/** Every incident id the caller's list gives for the example's day, page by page. */
const listedIds = async (caller: string, query = "from=2026-02-03&to=2026-02-03") => {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await getJson(
      stack,
      tokens[caller]!,
      `/incidents?${query}&limit=200${cursor ? `&cursor=${cursor}` : ""}`,
    );
    expect(page.status).toBe(200);
    ids.push(...page.json.items.map((item: any) => item.incidentId));
    cursor = page.json.nextCursor;
  } while (cursor);
  return ids;
};

describe("a correction", () => {
  it("is accepted as version 2 and reaches the restricted store, the redacted read and the lists", async () => {
    const incident = await submitted();
    const body = correction(withGrade(incident, "11"), 1);
    const accepted = await correct("officer", incident.incidentId, body);
    expect(accepted.status).toBe(202);
    expect(accepted.json).toEqual({
      incidentId: incident.incidentId,
      version: 2,
      status: "accepted",
    });
    await waitForRedactedVersion(incident.incidentId, 2);

    // Version 1 is kept as it was, version 2 is written beside it.
    const v1 = await storedItem(incident.incidentId);
    expect(v1!.event.students[0].grade).toBe(incident.students[0].grade);
    const v2 = await storedItem(`${incident.incidentId}#v2`);
    expect(v2).toMatchObject({
      version: 2,
      kind: "corrected",
      by: "officer-user",
      reason: "wrong grade",
      event: body.incident,
    });

    const redacted = await redactedItem(incident.incidentId);
    expect(redacted).toMatchObject({ version: 2, status: "active" });
    const read = await getIncident(stack, tokens.analyst!, incident.incidentId);
    expect(read.status).toBe(200);
    expect(read.json.incident.students[0].grade).toBe("11");
    const listed = await getJson(
      stack,
      tokens.admin!,
      `/incidents?from=2026-02-03&to=2026-02-03&limit=200`,
    );
    const item = listed.json.items.find((entry: any) => entry.incidentId === incident.incidentId);
    expect(item.students[0].grade).toBe("11");

    // The head moved, and the listing summary with it.
    const { Item } = await dynamo.send(
      new GetItemCommand({
        TableName: stack.tableNames.intakeReceipts,
        Key: marshall({ incidentId: incident.incidentId.toLowerCase() }),
      }),
    );
    expect(unmarshall(Item!)).toMatchObject({ currentVersion: 2, status: "active" });

    // A second correction builds on the first.
    const third = await correct(
      "officer",
      incident.incidentId,
      correction(withGrade(incident, "12"), 2),
    );
    expect(third.json).toMatchObject({ version: 3 });
    await waitForRedactedVersion(incident.incidentId, 3);
    expect(
      (await getIncident(stack, tokens.analyst!, incident.incidentId)).json.incident.students[0]
        .grade,
    ).toBe("12");
  });

  it("writes a student's key to StudentIncidents for each version it applies", async () => {
    const incident = await submitted();
    const corrected = withGrade(incident, "9");
    corrected.students[0].ref.localId = "S7654321";
    await correct("officer", incident.incidentId, correction(corrected, 1));
    await waitForRedactedVersion(incident.incidentId, 2);
    const studentKey = (await redactedItem(incident.incidentId))!.incident.students[0].studentKey;
    const { Items = [] } = await dynamo.send(
      new QueryCommand({
        TableName: stack.tableNames.studentIncidents,
        KeyConditionExpression: "studentKey = :k",
        ExpressionAttributeValues: marshall({ ":k": studentKey }),
      }),
    );
    expect(Items.map((item) => unmarshall(item))).toEqual([
      {
        studentKey,
        incidentId: incident.incidentId.toLowerCase(),
        schoolId: SCHOOL,
        occurredAt: incident.occurredAt,
        version: 2,
      },
    ]);
  });

  it("leaves the lists and the redacted read when voided, keeping its index keys and last incident", async () => {
    const incident = await submitted();
    await correct("officer", incident.incidentId, correction(withGrade(incident, "12"), 1));
    await waitForRedactedVersion(incident.incidentId, 2);
    expect(await listedIds("analyst")).toContain(incident.incidentId);
    const voided = await correct("officer", incident.incidentId, voiding(2));
    expect(voided.status).toBe(202);
    expect(voided.json).toEqual({
      incidentId: incident.incidentId,
      version: 3,
      status: "accepted",
    });
    await waitForRedactedVersion(incident.incidentId, 3);

    const redacted = await redactedItem(incident.incidentId);
    expect(redacted).toMatchObject({
      version: 3,
      status: "voided",
      schoolId: SCHOOL,
      district: "district",
    });
    expect(redacted!.incident.students[0].grade).toBe("12");
    expect(redacted!.occurredKey).toContain(incident.incidentId.toLowerCase());
    expect(await storedItem(`${incident.incidentId}#v3`)).toMatchObject({
      kind: "voided",
      version: 3,
    });
    expect((await storedItem(`${incident.incidentId}#v3`))!.event).toBeUndefined();

    expect(await listedIds("analyst")).not.toContain(incident.incidentId);
    expect(await listedIds("admin")).not.toContain(incident.incidentId);
    expect(
      await listedIds("admin", `schoolId=${SCHOOL}&from=2026-02-03&to=2026-02-03`),
    ).not.toContain(incident.incidentId);
    for (const caller of ["analyst", "admin"]) {
      const read = await getIncident(stack, tokens[caller]!, incident.incidentId);
      expect(read.status).toBe(404);
    }
    // Voided: neither corrected nor voided again, by anyone.
    for (const body of [correction(incident, 3), voiding(3)]) {
      const refused = await correct("custodian", incident.incidentId, body);
      expect(refused.status).toBe(409);
      expect(refused.json.error.code).toBe("VOIDED");
    }
  });

  it("lets exactly one of two concurrent corrections on the same base win", async () => {
    const incident = await submitted();
    for (const round of [1, 2, 3]) {
      const [a, b] = await Promise.all([
        correct("officer", incident.incidentId, correction(withGrade(incident, "9"), round)),
        correct("custodian", incident.incidentId, correction(withGrade(incident, "10"), round)),
      ]);
      const statuses = [a.status, b.status].sort();
      expect(statuses).toEqual([202, 409]);
      const loser = a.status === 409 ? a : b;
      const winner = a.status === 202 ? a : b;
      expect(winner.json.version).toBe(round + 1);
      expect(loser.json.error.code).toBe("VERSION_CONFLICT");
      expect(loser.json.error.details).toEqual([
        { path: "baseVersion", message: expect.any(String), currentVersion: round + 1 },
      ]);
    }
    await waitForRedactedVersion(incident.incidentId, 4);
  });
});

describe("every status of the correction table", () => {
  it("answers a repeat of the same correctionId alike, and other content with it 409", async () => {
    const incident = await submitted();
    const body = correction(withGrade(incident, "11"), 1);
    const first = await correct("officer", incident.incidentId, body);
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await correct("officer", incident.incidentId, reordered);
    expect(again.status).toBe(202);
    expect(again.json).toEqual(first.json);
    // The same body from the custodian, or another reason, or another incident: a conflict.
    for (const [caller, id, other] of [
      ["officer", incident.incidentId, { ...body, reason: "another reason" }],
      ["officer", incident.incidentId, { ...body, baseVersion: 2 }],
      ["custodian", incident.incidentId, body],
    ] as const) {
      const refused = await correct(caller, id, other);
      expect(refused.status).toBe(409);
      expect(refused.json.error.code).toBe("CONFLICT");
    }
    await waitForRedactedVersion(incident.incidentId, 2);
    const v3 = await storedItem(`${incident.incidentId}#v3`);
    expect(v3).toBeUndefined();
  });

  it("refuses a stale baseVersion with the current version", async () => {
    const incident = await submitted();
    await correct("officer", incident.incidentId, correction(withGrade(incident, "11"), 1));
    for (const base of [1, 3, 99]) {
      const refused = await correct("officer", incident.incidentId, correction(incident, base));
      expect(refused.status).toBe(409);
      expect(refused.json.error).toEqual({
        code: "VERSION_CONFLICT",
        message: expect.any(String),
        details: [{ path: "baseVersion", message: expect.any(String), currentVersion: 2 }],
      });
    }
  });

  it("refuses invalid bodies as intake does, and an unknown incident with 404", async () => {
    const incident = await submitted();
    const cases: Array<[unknown, number, string, string?]> = [
      [{ ...correction(incident, 1), reason: "" }, 422, "VALIDATION_FAILED", "reason"],
      [{ ...correction(incident, 1), reason: "x".repeat(501) }, 422, "VALIDATION_FAILED", "reason"],
      [{ ...correction(incident, 1), baseVersion: 0 }, 422, "VALIDATION_FAILED", "baseVersion"],
      [
        { ...correction(incident, 1), correctionId: "nope" },
        422,
        "VALIDATION_FAILED",
        "correctionId",
      ],
      [{ ...voiding(1), incident }, 422, "VALIDATION_FAILED", "$"],
      [
        { correctionId: crypto.randomUUID(), baseVersion: 1, reason: "r" },
        422,
        "VALIDATION_FAILED",
        "$",
      ],
      [{ ...voiding(1), void: false }, 422, "VALIDATION_FAILED", "void"],
      [
        { ...correction({ ...incident, students: [] }, 1) },
        422,
        "VALIDATION_FAILED",
        "incident.students",
      ],
      [{ ...correction(incident, 1), extra: 1 }, 422, "VALIDATION_FAILED", "$"],
      [
        correction({ ...incident, incidentId: crypto.randomUUID() }, 1),
        422,
        "VALIDATION_FAILED",
        "incident.incidentId",
      ],
      [{ ...correction(incident, 1), citizenship: "x" }, 422, "FORBIDDEN_FIELD", "citizenship"],
      [
        correction(
          { ...incident, students: [{ ...incident.students[0], immigrationStatus: "x" }] },
          1,
        ),
        422,
        "FORBIDDEN_FIELD",
        "incident.students[0].immigrationStatus",
      ],
      [correction(incident, 1, "the student is undocumented"), 422, "FORBIDDEN_CONTENT", "reason"],
      [
        correction({ ...incident, narrative: "talked about deportation" }, 1),
        422,
        "FORBIDDEN_CONTENT",
        "incident.narrative",
      ],
    ];
    for (const [body, status, code, path] of cases) {
      const refused = await correct("officer", incident.incidentId, body);
      expect([refused.status, refused.json?.error?.code]).toEqual([status, code]);
      if (path)
        expect(refused.json.error.details.map((detail: any) => detail.path)).toContain(path);
    }
    expect((await correct("officer", incident.incidentId, "{")).json.error.code).toBe(
      "MALFORMED_JSON",
    );
    expect(
      (await correct("officer", incident.incidentId, correction(incident, 1), "text/plain")).status,
    ).toBe(415);
    const huge = {
      ...correction(incident, 1),
      incident: { ...incident, narrative: "a".repeat(300_000) },
    };
    expect((await correct("officer", incident.incidentId, huge)).status).toBe(413);
    // Nothing of it moved the head.
    expect(
      (await correct("officer", incident.incidentId, correction(incident, 1))).json.version,
    ).toBe(2);

    for (const id of [crypto.randomUUID(), "not-a-uuid"]) {
      const unknown = await correct("custodian", id, voiding(1));
      expect(unknown.status).toBe(404);
      expect(unknown.json.error.code).toBe("NOT_FOUND");
    }
  });
});

describe("who may correct or void", () => {
  it("refuses another officer with 404 and the other roles with 403, and lets a custodian", async () => {
    const incident = await submitted();
    const body = correction(withGrade(incident, "10"), 1);
    expect((await correct("otherOfficer", incident.incidentId, body)).status).toBe(404);
    for (const caller of ["admin", "analyst", "board"]) {
      const refused = await correct(caller, incident.incidentId, body);
      expect(refused.status).toBe(403);
      expect(refused.json.error.code).toBe("FORBIDDEN");
    }
    expect((await correct("custodian", incident.incidentId, body)).status).toBe(202);
  });

  it("keeps an officer within its schools", async () => {
    const incident = await submitted("twoSchools");
    const moved = { ...withGrade(incident, "10"), schoolId: "THIRD-SCHOOL" };
    const refused = await correct("twoSchools", incident.incidentId, correction(moved, 1));
    expect(refused.status).toBe(403);
    const allowed = await correct(
      "twoSchools",
      incident.incidentId,
      correction({ ...incident, schoolId: OTHER_SCHOOL }, 1),
    );
    expect(allowed.status).toBe(202);
  });

  it("refuses the author 720 hours after intake, but not a custodian", async () => {
    const incident = await submitted();
    const backdate = (hours: number) =>
      dynamo.send(
        new UpdateItemCommand({
          TableName: stack.tableNames.intakeReceipts,
          Key: marshall({ incidentId: incident.incidentId.toLowerCase() }),
          UpdateExpression: "SET receivedAt = :at",
          ExpressionAttributeValues: marshall({
            ":at": new Date(Date.now() - hours * 3_600_000).toISOString(),
          }),
        }),
      );
    await backdate(719.9);
    const inTime = await correct(
      "officer",
      incident.incidentId,
      correction(withGrade(incident, "9"), 1),
    );
    expect(inTime.status).toBe(202);
    await backdate(720.1);
    const late = await correct(
      "officer",
      incident.incidentId,
      correction(withGrade(incident, "10"), 2),
    );
    expect(late.status).toBe(403);
    expect(late.json.error.code).toBe("FORBIDDEN");
    const lateVoid = await correct("officer", incident.incidentId, voiding(2));
    expect(lateVoid.status).toBe(403);
    expect((await correct("custodian", incident.incidentId, voiding(2))).status).toBe(202);
  });

  it("lets only a custodian void an incident that records force or an arrest", async () => {
    for (const action of [
      "use_of_force",
      "handcuffed",
      "citation",
      "arrest",
      "referral_to_prosecution",
    ]) {
      const incident = newIncident();
      incident.students[1].actions = [action];
      expect((await postIncident(stack, tokens.officer, incident)).status).toBe(202);
      const refused = await correct("officer", incident.incidentId, voiding(1));
      expect(refused.status).toBe(403);
      expect(refused.json.error.code).toBe("FORBIDDEN");
    }
    // A correction that removes the arrest lets the officer void after it; one that adds it does not.
    const incident = await submitted();
    const withArrest = structuredClone(incident);
    withArrest.students[0].actions = ["arrest"];
    expect((await correct("officer", incident.incidentId, voiding(1))).status).toBe(202);
    const other = await submitted();
    const arrested = { ...structuredClone(other) };
    arrested.students[0].actions = ["arrest"];
    expect((await correct("officer", other.incidentId, correction(arrested, 1))).status).toBe(202);
    expect((await correct("officer", other.incidentId, voiding(2))).status).toBe(403);
    expect((await correct("custodian", other.incidentId, voiding(2))).status).toBe(202);
    await waitForRedactedVersion(other.incidentId, 3);
    expect((await redactedItem(other.incidentId))!.incident.students[0].actions).toEqual([
      "arrest",
    ]);
  });
});

describe("a repeat POST /incidents of the original", () => {
  it("answers 202 after a correction or a void and changes nothing, never un-voiding", async () => {
    const incident = await submitted();
    await correct("officer", incident.incidentId, correction(withGrade(incident, "12"), 1));
    await waitForRedactedVersion(incident.incidentId, 2);
    expect((await postIncident(stack, tokens.officer, incident)).status).toBe(202);
    expect((await postIncident(stack, tokens.officer, withGrade(incident, "12"))).status).toBe(409);
    await correct("officer", incident.incidentId, voiding(2));
    await waitForRedactedVersion(incident.incidentId, 3);
    expect((await postIncident(stack, tokens.officer, incident)).status).toBe(202);
    // Let the repeat's version 1 pass both stages, then look: still voided, version 3.
    const marker = await submitted();
    expect(marker.incidentId).not.toBe(incident.incidentId);
    expect(await redactedItem(incident.incidentId)).toMatchObject({ version: 3, status: "voided" });
    expect(await listedIds("analyst")).not.toContain(incident.incidentId);
    expect((await storedItem(incident.incidentId))!.event).toEqual(incident);
  });
});

describe("the audit log", () => {
  it("records each correction and void with its reason, and the refusals", async () => {
    const incident = await submitted();
    await correct(
      "officer",
      incident.incidentId,
      correction(withGrade(incident, "12"), 1, "grade was 12"),
    );
    await correct("otherOfficer", incident.incidentId, voiding(2, "not mine"));
    await correct("custodian", incident.incidentId, voiding(2, "family asked (99.20)"));
    const entries = (
      await getJson(
        stack,
        tokens.custodian!,
        `/audit?target=${incident.incidentId.toLowerCase()}&limit=200`,
      )
    ).json.items as any[];
    const mine = entries
      .filter(
        (entry) => entry.action.startsWith("incident.correct") || entry.action === "incident.void",
      )
      .map((entry) => [entry.userId, entry.action, entry.outcome, entry.reason ?? null]);
    expect(mine).toEqual(
      expect.arrayContaining([
        ["officer-user", "incident.correct", "allowed", "grade was 12"],
        ["otherOfficer-user", "incident.correct", "refused", null],
        ["custodian-user", "incident.void", "allowed", "family asked (99.20)"],
      ]),
    );
  });
});

describe("hostile and oversized bodies", () => {
  it("never echo a submitted value in an error, a log line or a DLQ record", async () => {
    const incident = await submitted();
    const canary = (n: number) => `Zq${"bcdfghjklm"[n % 10]}${n}vex`;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue(),
          fc.record({
            correctionId: fc.oneof(fc.uuid(), fc.string()),
            baseVersion: fc.oneof(fc.integer(), fc.string(), fc.double()),
            reason: fc.string({ maxLength: 600 }),
            void: fc.oneof(fc.boolean(), fc.string()),
          }),
          fc.dictionary(fc.string({ maxLength: 20 }), fc.jsonValue(), { maxKeys: 5 }),
        ),
        async (shape) => {
          n += 1;
          const value = canary(n);
          // The canary rides in every free-text place: a key, a reason, an enum, a name.
          const body = {
            ...(shape !== null && typeof shape === "object" && !Array.isArray(shape)
              ? shape
              : { shape }),
            reason: `${value} asked`,
            [value]: value,
            incident: { ...withGrade(incident, value), narrative: value },
          };
          const answer = await correct("officer", incident.incidentId, body);
          expect(answer.status).toBeGreaterThanOrEqual(400);
          expect(answer.status).toBeLessThan(500);
          expect(answer.text).not.toContain(value);
        },
      ),
      { numRuns: 60 },
    );
    // Valid corrections whose reason and names are canaries, to reach the queues and the stages.
    const reasons: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const value = canary(1000 + i);
      reasons.push(value);
      const corrected = withGrade(incident, "10");
      corrected.students[0].ref.firstName = value;
      const accepted = await correct(
        "officer",
        incident.incidentId,
        correction(corrected, i + 1, `${value} reason`),
      );
      expect(accepted.status).toBe(202);
      const stale = await correct(
        "officer",
        incident.incidentId,
        correction(corrected, 1, `${value} stale`),
      );
      expect(stale.status).toBe(409);
      expect(stale.text).not.toContain(value);
    }
    await waitForRedactedVersion(incident.incidentId, 4);
    const logs = captured.join("");
    for (let i = 1; i <= n; i += 1) expect(logs).not.toContain(canary(i));
    for (const value of reasons) expect(logs).not.toContain(value);
    for (const queue of Object.values(stack.queues)) {
      const { Messages = [] } = await stack.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queue.dlqUrl, MaxNumberOfMessages: 10 }),
      );
      expect(Messages).toEqual([]);
    }
  });
});
