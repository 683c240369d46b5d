import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../infra/local/wait.ts";
import { redactIncident } from "../../shared/privacy/redact.ts";
import { ReportAccumulator } from "../../shared/report/engine.ts";
import { parseEnrollmentCsv } from "../../shared/report/enrollment.ts";
import { reportRequest } from "../../shared/report/request.ts";
import { runCommand } from "../support/cli.ts";
import {
  getIncident,
  getJson,
  type IncidentJson,
  newIncident,
  postIncident,
  startTestStack,
  tokenFor,
  waitUntilRedacted,
} from "../support/local-stack.ts";

/**
 * Corrections and voids as reports see them (contracts section 8), end to
 * end through the HTTP API: a correction changes the author's read and the
 * next report exactly as the corrected content does, a void takes exactly
 * its subjects out, a published report never changes, and the export read
 * by the report CLI with --as-of gives the pipeline's report byte for byte.
 */
let stack: Awaited<ReturnType<typeof startTestStack>>;
let officer: string;
let analyst: string;
const ENROLLMENT = readFileSync(
  new URL("../fixtures/example-enrollment.csv", import.meta.url),
  "utf8",
);
const events: IncidentJson[] = [];

const post = (path: string, token: string, body: unknown) =>
  fetch(`${stack.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  }).then(async (response) => ({ status: response.status, json: (await response.json()) as any }));

const reportNow = async (body: Record<string, unknown> = { minCell: 1, minN: 1 }) => {
  const created = await post("/reports", analyst, { schoolYear: "2025-26", ...body });
  expect([200, 201]).toContain(created.status);
  const file = await getJson(stack, analyst, `/reports/${created.json.reportId}?format=json`);
  expect(file.status).toBe(200);
  return { id: created.json.reportId as string, text: file.text, json: file.json };
};

/** The engine run in this process over what the API was sent, with each incident's standing. */
const expectedReport = (
  current: Array<{ event: IncidentJson; version: number; status: "active" | "voided" }>,
) => {
  const accumulator = new ReportAccumulator(
    reportRequest({ schoolYear: "2025-26", minCell: 1, minN: 1 }),
  );
  for (const { event, version, status } of current) {
    const incident = redactIncident(event as any, "any-secret-of-thirty-two-characters!");
    accumulator.add(
      status === "voided"
        ? { status, version, schoolId: incident.schoolId, occurredAt: incident.occurredAt }
        : { status, version, incident },
    );
  }
  return accumulator.report(parseEnrollmentCsv(ENROLLMENT, "2025-26", "ignore"));
};

const comparable = (report: any) => ({ totals: report.totals, tables: report.tables });

const correct = (event: IncidentJson, body: Record<string, unknown>, token = officer) =>
  post(`/incidents/${event.incidentId}/corrections`, token, {
    correctionId: crypto.randomUUID(),
    ...body,
  });

beforeAll(async () => {
  stack = await startTestStack();
  officer = await tokenFor(stack, "sro", "officer-r");
  analyst = await tokenFor(stack, "district_analyst", "analyst-r");
  const upload = await fetch(`${stack.url}/enrollment/2025-26`, {
    method: "PUT",
    headers: { authorization: `Bearer ${analyst}`, "content-type": "text/csv" },
    body: ENROLLMENT,
  });
  expect(upload.status).toBe(200);
  for (let index = 0; index < 5; index++) {
    const event = newIncident({ occurredAt: `2026-0${index + 1}-10T09:00:00-08:00` });
    event.students[0].ref.localId = `S900000${index}`;
    expect((await postIncident(stack, officer, event)).status).toBe(202);
    events.push(event);
  }
  for (const event of events) await waitUntilRedacted(stack, event.incidentId);
}, 120_000);
afterAll(async () => {
  await stack?.dispose();
});

describe("corrections and voids in reads and reports", () => {
  let published: { id: string; text: string };
  let beforeCorrection: any;

  it("reports what was submitted, and publishes a public report", async () => {
    beforeCorrection = (await reportNow()).json;
    expect(comparable(beforeCorrection)).toEqual(
      comparable(expectedReport(events.map((event) => ({ event, version: 1, status: "active" })))),
    );
    expect(beforeCorrection.totals).toMatchObject({ incidents: 5, corrected: 0, voided: 0 });
    expect(beforeCorrection.asOf).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    published = await reportNow({ public: true });
  });

  it("counts a correction: version 2 for the author, the report as the corrected content gives it", async () => {
    const corrected = structuredClone(events[0]!);
    corrected.students[0].actions = ["questioned", "arrest"];
    corrected.students[0].grade = "11";
    const answer = await correct(events[0]!, {
      baseVersion: 1,
      reason: "wrong grade, and the arrest was left out",
      incident: corrected,
    });
    expect(answer.status).toBe(202);
    expect(answer.json).toEqual({
      incidentId: events[0]!.incidentId,
      version: 2,
      status: "accepted",
    });
    await waitFor(
      async () =>
        (await getIncident(stack, analyst, corrected.incidentId)).json?.incident?.students?.[0]
          ?.grade === "11",
      { timeoutMs: 20_000, what: "the corrected version redacted" },
    );
    const read = await getIncident(stack, officer, corrected.incidentId);
    expect(read.json).toMatchObject({ version: 2, status: "active", incident: corrected });

    const after = (await reportNow()).json;
    const expected = expectedReport([
      { event: corrected, version: 2, status: "active" },
      ...events.slice(1).map((event) => ({ event, version: 1, status: "active" as const })),
    ]);
    expect(comparable(after)).toEqual(comparable(expected));
    expect(after.totals).toMatchObject({ incidents: 5, corrected: 1, voided: 0 });
    const arrests = (report: any) =>
      report.tables.find(
        (table: any) => table.decisionPoint === "arrest" && table.dimension === "gender",
      ).totalStudents;
    expect(arrests(after)).toBe(arrests(beforeCorrection) + 1);
    events[0] = corrected;
  });

  it("takes a voided incident out of lists and reports: the totals drop by exactly its subjects", async () => {
    const before = (await reportNow()).json;
    const voided = events[1]!;
    const subjects = voided.students.filter((student: any) => student.role === "subject").length;
    const answer = await correct(voided, {
      baseVersion: 1,
      reason: "entered in error",
      void: true,
    });
    expect(answer.status).toBe(202);
    await waitFor(
      async () => (await getIncident(stack, analyst, voided.incidentId)).status === 404,
      { timeoutMs: 20_000, what: "the void applied" },
    );
    const list = await getJson(stack, analyst, "/incidents?limit=200");
    expect(list.json.items.map((item: any) => item.incidentId)).not.toContain(voided.incidentId);
    expect((await getIncident(stack, officer, voided.incidentId)).json).toMatchObject({
      version: 2,
      status: "voided",
    });

    const after = (await reportNow()).json;
    expect(after.totals).toEqual({
      ...before.totals,
      incidents: before.totals.incidents - 1,
      subjects: before.totals.subjects - subjects,
      students: before.totals.students - subjects,
      voided: 1,
    });
    expect(comparable(after)).toEqual(
      comparable(
        expectedReport([
          { event: events[0]!, version: 2, status: "active" },
          { event: voided, version: 2, status: "voided" },
          ...events.slice(2).map((event) => ({ event, version: 1, status: "active" as const })),
        ]),
      ),
    );
  });

  it("never changes a published report: the correction shows in the next run only", async () => {
    const again = await reportNow({ public: true });
    expect(again.id).toBe(published.id);
    expect(again.text).toBe(published.text);
    expect(JSON.parse(again.text).totals.voided).toBe(0);
  });

  it("exports the year's current versions, which the CLI turns into the pipeline's report byte for byte", async () => {
    const response = await fetch(`${stack.url}/exports/incidents?schoolYear=2025-26`, {
      headers: { authorization: `Bearer ${analyst}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    const asOf = response.headers.get("x-as-of")!;
    expect(asOf).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const text = await response.text();
    const lines = text
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(5);
    // Redacted: no names, no refs, the student keys instead of local ids.
    expect(text).not.toContain("Marisol");
    expect(text).not.toContain("S9000000");
    expect(text).not.toContain(events[1]!.incidentId);
    expect(lines.filter((line) => line.status === "voided")).toEqual([
      {
        status: "voided",
        version: 2,
        schoolId: events[1]!.schoolId,
        occurredAt: events[1]!.occurredAt,
      },
    ]);
    const active = lines.filter((line) => line.status === "active");
    expect(active.map((line) => line.version).sort()).toEqual([1, 1, 1, 2]);
    for (const line of active) {
      expect(line.students[0].studentKey).toMatch(/^[0-9a-f]{64}$/);
      expect(line.students[0]).not.toHaveProperty("ref");
    }

    // Nothing changes between the export and this run: the same data.
    const pipeline = await reportNow();
    const exportFile = join(stack.dataDir, "export.ndjson");
    const enrollmentFile = join(stack.dataDir, "enrollment.csv");
    writeFileSync(exportFile, text);
    writeFileSync(enrollmentFile, ENROLLMENT);
    /** The CLI's report of the export for 2025-26, as of `at`. */
    const reportAsOf = (at: string, ...parameters: string[]) =>
      runCommand("cli/report.ts", [
        "--incidents",
        exportFile,
        "--enrollment",
        enrollmentFile,
        "--school-year",
        "2025-26",
        ...parameters,
        "--as-of",
        at,
      ]);
    const cli = await reportAsOf(pipeline.json.asOf, "--min-cell", "1", "--min-n", "1");
    expect(cli.stderr).toBe("");
    expect(cli.status).toBe(0);
    // Activities come from their own table, which a file of incidents does not hold.
    expect(cli.stdout).toBe(`${JSON.stringify({ ...pipeline.json, activities: null }, null, 2)}\n`);
    const atExport = await reportAsOf(asOf, "--min-cell", "1", "--min-n", "1");
    expect(JSON.parse(atExport.stdout).asOf).toBe(asOf);
    const refused = await reportAsOf("yesterday");
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("--as-of");
  });

  it("lets only an analyst export, audits every export, and refuses hostile school years", async () => {
    for (const role of ["sro", "school_admin", "records_custodian", "board"] as const) {
      const response = await getJson(
        stack,
        await tokenFor(stack, role, `${role}-x`),
        "/exports/incidents?schoolYear=2025-26",
      );
      expect(response.status).toBe(403);
    }
    const custodian = await tokenFor(stack, "records_custodian", "custodian-x");
    const audit = await getJson(stack, custodian, "/audit?action=incident.export&limit=200");
    const entries = audit.json.items as any[];
    expect(
      entries
        .filter((entry) => entry.outcome === "refused")
        .map((entry) => entry.role)
        .sort(),
    ).toEqual(["board", "records_custodian", "school_admin", "sro"]);
    expect(
      entries.some((entry) => entry.userId === "analyst-r" && entry.target === "2025-26"),
    ).toBe(true);

    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200, unit: "binary" }),
          fc.constantFrom("2025-27", "2025", "__proto__", "2025-26&extra=1", "9999-00", "%00"),
        ),
        async (value) => {
          const response = await getJson(
            stack,
            analyst,
            `/exports/incidents?schoolYear=${encodeURIComponent(value)}`,
          );
          expect(response.status).toBeLessThan(500);
          if (response.status !== 200) {
            expect(response.status).toBe(400);
            expect(response.json.error.code).toBe("VALIDATION_FAILED");
            if (value.length >= 6) expect(response.text).not.toContain(value);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
