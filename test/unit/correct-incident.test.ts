import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Principal, Role } from "../../shared/auth/claims.ts";
import { ApiError } from "../../shared/http/errors.ts";
import type { AuditNote } from "../../shared/http/handler.ts";
import {
  CORRECTION_WINDOW_HOURS,
  type CommitOutcome,
  type CorrectionReceipt,
  type CorrectPorts,
  correctIncident,
  type HeadMove,
  type IncidentHead,
} from "../../shared/incident/correct.ts";
import {
  MAX_CORRECTION_BODY_BYTES,
  parseCorrectionBody,
} from "../../shared/incident/correction-request.ts";
import type { IntakeMessage } from "../../shared/incident/messages.ts";
import { ErrorBodySchema } from "../../shared/incident/openapi.ts";
import { newIncident, SCHOOL } from "../support/local-stack.ts";

const RECEIVED = Date.parse("2026-02-03T18:20:00Z");
const HOUR = 3_600_000;

const principal = (role: Role, userId = "officer-1", schools = [SCHOOL]): Principal => ({
  userId,
  role,
  schoolIds: new Set(role === "sro" || role === "school_admin" ? schools : []),
});
const officer = principal("sro");
const custodian = principal("records_custodian", "custodian-1");

/**
 * The use case over in-memory ports with an injected clock; the head's
 * conditional update is the same rule as the DynamoDB transaction's, which
 * the integration tests exercise on DynamoDB Local.
 */
const memory = (head: Partial<IncidentHead> = {}) => {
  const incident = newIncident();
  const key = incident.incidentId.toLowerCase();
  const state = {
    incident,
    key,
    head: {
      incidentKey: key,
      officerId: "officer-1",
      receivedAt: new Date(RECEIVED).toISOString(),
      currentVersion: 1,
      status: "active",
      schoolId: SCHOOL,
      recordsProtectedAction: false,
      ...head,
    } as IncidentHead,
    receipts: new Map<string, CorrectionReceipt>(),
    queued: [] as IntakeMessage[],
    clock: RECEIVED + HOUR,
    failQueue: false,
    /** A concurrent writer that moves the head between the check and the commit. */
    raceHead: undefined as Partial<IncidentHead> | undefined,
    /** Receipt reads made before a twin request committed: they find nothing. */
    staleReceiptReads: 0,
  };
  const ports: CorrectPorts = {
    getCorrectionReceipt: async (id) => {
      if (state.staleReceiptReads > 0) {
        state.staleReceiptReads -= 1;
        return undefined;
      }
      return state.receipts.get(id);
    },
    getHead: async (k) => (k === key ? { ...state.head } : undefined),
    commit: async (receipt: CorrectionReceipt, move: HeadMove): Promise<CommitOutcome> => {
      if (state.raceHead) Object.assign(state.head, state.raceHead);
      if (state.receipts.has(receipt.correctionId)) return "correction-exists";
      if (state.head.currentVersion !== move.baseVersion || state.head.status === "voided") {
        return "head-moved";
      }
      state.receipts.set(receipt.correctionId, receipt);
      state.head = {
        ...state.head,
        currentVersion: move.version,
        status: move.status,
        ...(move.summary ? { schoolId: move.summary.schoolId } : {}),
        ...(move.recordsProtectedAction !== undefined
          ? { recordsProtectedAction: move.recordsProtectedAction }
          : {}),
      };
      return "committed";
    },
    enqueue: async (message) => {
      if (state.failQueue) {
        state.failQueue = false;
        throw new Error("queue down");
      }
      state.queued.push(message);
    },
    now: () => new Date(state.clock),
  };
  const run = (body: unknown, who: Principal = officer, id: string = incident.incidentId) => {
    const audit: AuditNote = { action: "incident.correct" };
    return correctIncident(id, () => body, who, "req-1", audit, ports).then(
      (answer) => ({
        answer,
        audit,
        code: undefined as string | undefined,
        error: undefined as ApiError | undefined,
      }),
      (thrown) => {
        if (!(thrown instanceof ApiError)) throw thrown;
        return { answer: undefined, audit, code: thrown.code, error: thrown };
      },
    );
  };
  return { state, ports, run };
};

const correctionOf = (incident: Record<string, any>, baseVersion = 1, reason = "wrong grade") => ({
  correctionId: crypto.randomUUID(),
  baseVersion,
  reason,
  incident,
});
const voidOf = (baseVersion = 1) => ({
  correctionId: crypto.randomUUID(),
  baseVersion,
  reason: "entered in error",
  void: true,
});

describe("correctIncident: the order of the checks", () => {
  it("a repeated correctionId comes first: before visibility, right, body, VOIDED and baseVersion", async () => {
    const { state, run } = memory();
    const body = correctionOf(state.incident);
    expect((await run(body)).answer).toEqual({
      incidentId: state.key,
      version: 2,
      status: "accepted",
    });
    state.head.status = "voided";
    state.head.currentVersion = 3;
    state.clock = RECEIVED + 2 * CORRECTION_WINDOW_HOURS * HOUR;
    // The same request: the same answer, queued again.
    expect((await run(body)).answer).toEqual({
      incidentId: state.key,
      version: 2,
      status: "accepted",
    });
    expect(state.queued.map((message) => message.version)).toEqual([2, 2]);
    // Other content under that id, even an invalid body or another caller: a conflict.
    expect((await run({ ...body, reason: "" })).code).toBe("CONFLICT");
    expect((await run(body, principal("sro", "officer-2"))).code).toBe("CONFLICT");
  });

  it("visibility and right come before the body", async () => {
    const { state, run } = memory();
    const invalid = { ...correctionOf(state.incident), reason: "" };
    expect((await run(invalid, principal("sro", "officer-2"))).code).toBe("NOT_FOUND");
    for (const role of ["school_admin", "district_analyst", "board"] as const) {
      expect((await run(invalid, principal(role))).code).toBe("FORBIDDEN");
    }
    expect((await run(invalid, principal("sro", "officer-1", ["ELSEWHERE"]))).code).toBe(
      "FORBIDDEN",
    );
    state.clock = RECEIVED + CORRECTION_WINDOW_HOURS * HOUR + 1;
    expect((await run(invalid)).code).toBe("FORBIDDEN");
    expect((await run(invalid, custodian)).code).toBe("VALIDATION_FAILED");
  });

  it("the body comes before VOIDED, and VOIDED before baseVersion", async () => {
    const { state, run } = memory({ status: "voided", currentVersion: 2 });
    expect((await run({ ...correctionOf(state.incident, 1), reason: "" })).code).toBe(
      "VALIDATION_FAILED",
    );
    expect((await run(correctionOf(state.incident, 1))).code).toBe("VOIDED");
    expect((await run(voidOf(2), custodian)).code).toBe("VOIDED");
  });

  it("answers a stale baseVersion with the current version", async () => {
    const { state, run } = memory({ currentVersion: 3 });
    const refused = await run(correctionOf(state.incident, 2));
    expect(refused.code).toBe("VERSION_CONFLICT");
    expect(refused.error!.details).toEqual([
      { path: "baseVersion", message: expect.any(String), currentVersion: 3 },
    ]);
    // The body the OpenAPI document describes.
    expect(() => ErrorBodySchema.parse(refused.error!.toBody())).not.toThrow();
  });
});

describe("correctIncident: the author's window, on the injected clock", () => {
  it("lets the author until exactly 720 hours after intake, and a custodian after", async () => {
    const { state, run } = memory();
    state.clock = RECEIVED + CORRECTION_WINDOW_HOURS * HOUR;
    expect((await run(correctionOf(state.incident, 1))).answer?.version).toBe(2);
    state.clock += 1;
    const late = await run(correctionOf(state.incident, 2));
    expect(late.code).toBe("FORBIDDEN");
    expect(late.error!.message).toContain("720 hours");
    expect((await run(voidOf(2))).code).toBe("FORBIDDEN");
    state.clock += 365 * 24 * HOUR;
    expect((await run(voidOf(2), custodian)).answer?.version).toBe(3);
  });

  it("holds for any instant: allowed if and only if within the window", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -HOUR, max: 2 * CORRECTION_WINDOW_HOURS * HOUR }),
        async (offset) => {
          const { state, run } = memory();
          state.clock = RECEIVED + offset;
          const result = await run(correctionOf(state.incident, 1));
          expect(result.code === undefined).toBe(offset <= CORRECTION_WINDOW_HOURS * HOUR);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("correctIncident: who may void", () => {
  it("refuses the officer a void of an incident recording a protected action, or one whose head does not say", async () => {
    for (const recordsProtectedAction of [true, undefined]) {
      const { run } = memory({ recordsProtectedAction });
      expect((await run(voidOf(1))).code).toBe("FORBIDDEN");
      expect((await run(voidOf(1), custodian)).answer?.version).toBe(2);
    }
  });

  it("keeps the protected-action bit of the current version on the head", async () => {
    const { state, run } = memory();
    const arrested = structuredClone(state.incident);
    arrested.students[0].actions = ["arrest"];
    await run(correctionOf(arrested, 1));
    expect(state.head.recordsProtectedAction).toBe(true);
    expect((await run(voidOf(2))).code).toBe("FORBIDDEN");
    await run(correctionOf(state.incident, 2));
    expect(state.head.recordsProtectedAction).toBe(false);
    expect((await run(voidOf(3))).answer?.version).toBe(4);
    expect(state.queued.at(-1)).toMatchObject({ version: 4, kind: "voided", by: "officer-1" });
    expect(state.queued.at(-1)).not.toHaveProperty("event");
  });
});

describe("correctIncident: concurrency and failures", () => {
  it("answers the loser of a race on the head with VERSION_CONFLICT or VOIDED, as the head now is", async () => {
    const { state, run } = memory();
    state.raceHead = { currentVersion: 2 };
    const lost = await run(correctionOf(state.incident, 1));
    expect(lost.code).toBe("VERSION_CONFLICT");
    expect(lost.error!.details![0]!.currentVersion).toBe(2);
    state.raceHead = { currentVersion: 3, status: "voided" };
    expect((await run(correctionOf(state.incident, 2))).code).toBe("VOIDED");
    expect(state.queued).toEqual([]);
  });

  it("answers twins of one request sent at once alike: the same 202, one version", async () => {
    for (const body of [correctionOf(memory().state.incident), voidOf(1)]) {
      const { state, run } = memory();
      if ("incident" in body) body.incident = state.incident;
      const first = await run(body);
      // The twin read no receipt before the first committed, then reads the moved head.
      state.staleReceiptReads = 1;
      const twin = await run(body);
      for (const { answer, code } of [first, twin]) {
        expect(code).toBeUndefined();
        expect(answer).toEqual({ incidentId: state.key, version: 2, status: "accepted" });
      }
      expect(state.head.currentVersion).toBe(2);
      expect(state.queued.map((message) => message.version)).toEqual([2, 2]);
    }
  });

  it("queues nothing until the head moved, and a retry after a lost send queues the same version", async () => {
    const { state, run } = memory();
    const body = correctionOf(state.incident);
    state.failQueue = true;
    expect((await run(body)).code).toBe("UNAVAILABLE");
    expect(state.head.currentVersion).toBe(2);
    const retried = await run(body);
    expect(retried.answer).toEqual({ incidentId: state.key, version: 2, status: "accepted" });
    expect(state.queued).toHaveLength(1);
    expect(state.queued[0]).toMatchObject({
      incidentKey: state.key,
      officerId: "officer-1",
      version: 2,
      kind: "corrected",
      by: "officer-1",
      reason: "wrong grade",
      requestId: "req-1",
    });
  });

  it("audits the action and the reason once the body is valid", async () => {
    const { state, run } = memory();
    const corrected = await run(correctionOf(state.incident, 1, "grade"));
    expect(corrected.audit).toMatchObject({
      action: "incident.correct",
      target: state.key,
      reason: "grade",
    });
    const voided = await run(voidOf(2));
    expect(voided.audit).toMatchObject({ action: "incident.void", reason: "entered in error" });
    const invalid = await run({ ...voidOf(3), reason: "x".repeat(501) });
    expect(invalid.audit.reason).toBeUndefined();
  });
});

describe("correction bodies", () => {
  it("refuse any hostile body with a 4xx whose body holds none of it", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.string({ minLength: 6 }), async (shape, planted) => {
        fc.pre(!/^[\w .-]*$/.test(planted) || planted.length > 12);
        const { state, run } = memory();
        const body =
          shape !== null && typeof shape === "object" && !Array.isArray(shape)
            ? { ...shape, reason: planted, [planted]: planted }
            : shape;
        const result = await run(body);
        if (result.error) {
          expect(result.error.status).toBeGreaterThanOrEqual(400);
          expect(result.error.status).toBeLessThan(500);
          expect(JSON.stringify(result.error.toBody())).not.toContain(planted);
        }
        expect(state.queued).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("refuse an oversized body before parsing it", () => {
    const body = Buffer.alloc(MAX_CORRECTION_BODY_BYTES + 1, 0x20);
    expect(() => parseCorrectionBody({ contentType: "application/json", body })).toThrow(
      expect.objectContaining({ code: "PAYLOAD_TOO_LARGE" }),
    );
  });
});
