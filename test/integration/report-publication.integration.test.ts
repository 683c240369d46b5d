import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPorts } from "../../functions/wiring/report-ports.ts";
import { localS3Client } from "../../infra/local/report-files.ts";
import { waitFor } from "../../infra/local/wait.ts";
import { REPORTS_BUCKET } from "../../resources/declarations.ts";
import { getReportEntry, putReportEntry } from "../../shared/adapters/reports-table.ts";
import { ApiError } from "../../shared/http/errors.ts";
import { createReport, districtReportSettings } from "../../shared/report/api.ts";
import { reportRequest } from "../../shared/report/request.ts";
import { otherPartitionReports } from "../../shared/report/run.ts";
import {
  getJson,
  newIncident,
  postIncident,
  SCHOOL,
  startTestStack,
  tokenFor,
} from "../support/local-stack.ts";

/**
 * Publication of public periods against DynamoDB Local and the S3 emulator:
 * concurrent runs, the publication delay and the partition fixed by the
 * first publication. The district's settings reach the functions as the
 * deployment gives them, so changing them means starting the stack again on
 * the same data.
 */
const YEAR_ID = "public-2025-26-2025-07-01-2026-06-30";
const dataDir = mkdtempSync(join(tmpdir(), "sro-publication-"));
let stack: Awaited<ReturnType<typeof startTestStack>>;
let board: string;

const start = async (reportDefaults: Record<string, unknown>) => {
  process.env.REPORT_DEFAULTS = JSON.stringify(reportDefaults);
  // These tests watch no retries: functions keep their full timeouts, cold starts included.
  stack = await startTestStack({ dataDir, visibilityTimeoutSeconds: 30 });
  board = await tokenFor(stack, "board", "board-1");
};

const postReport = (token: string, body: unknown) =>
  fetch(`${stack.url}/reports`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  }).then(async (response) => ({ status: response.status, json: (await response.json()) as any }));

/** The bytes of every format the board can read of a report. */
const boardFiles = async (reportId: string) =>
  Promise.all(
    ["json", "csv", "html"].map(async (format) => {
      const response = await fetch(`${stack.url}/reports/${reportId}?format=${format}`, {
        headers: { authorization: `Bearer ${board}` },
      });
      expect(response.status).toBe(200);
      return Buffer.from(await response.arrayBuffer()).toString("base64");
    }),
  );

const objectKeys = async (prefix: string) => {
  const s3 = localS3Client(stack.sqsEndpoint);
  try {
    const { Contents = [] } = await s3.send(
      new ListObjectsV2Command({ Bucket: process.env[REPORTS_BUCKET.envVar], Prefix: prefix }),
    );
    return Contents.map((object) => object.Key ?? "");
  } finally {
    s3.destroy();
  }
};

const enrollmentCsv = [
  "schoolYear,schoolId,dimension,group,enrollment",
  `2025-26,${SCHOOL},raceEthnicity,black,40`,
  `2025-26,${SCHOOL},raceEthnicity,white,60`,
  `2025-26,${SCHOOL},gender,male,50`,
  `2025-26,${SCHOOL},gender,female,50`,
  ...["disability", "englishLearner", "gradeBand"].map(
    (dimension) => `2025-26,${SCHOOL},${dimension},not_reported,100`,
  ),
].join("\n");

beforeAll(async () => {
  await start({ publicationDelayDays: 30 });
  const analyst = await tokenFor(stack, "district_analyst", "analyst-1");
  const sro = await tokenFor(stack, "sro", "officer-1");
  for (let index = 0; index < 24; index++) {
    const incident = newIncident({
      occurredAt: new Date(Date.parse("2025-08-20T17:00:00Z") + index * 86_400_000 * 12)
        .toISOString()
        .replace("Z", "+00:00"),
      narrative: `Incident ${index}.`,
    });
    incident.students[0] = {
      ...incident.students[0],
      ref: { localId: `P${index % 15}` },
      raceEthnicity: [index % 3 ? "white" : "black"],
      gender: index % 2 ? "male" : "female",
      actions: index % 4 ? ["questioned"] : ["searched_person", "arrest"],
    };
    expect((await postIncident(stack, sro, incident)).status).toBe(202);
  }
  await waitFor(
    async () => (await getJson(stack, analyst, "/incidents?limit=200")).json?.items?.length === 24,
    { timeoutMs: 90_000, intervalMs: 300, what: "all incidents redacted" },
  );
  const upload = await fetch(`${stack.url}/enrollment/2025-26`, {
    method: "PUT",
    headers: { authorization: `Bearer ${analyst}`, "content-type": "text/csv" },
    body: enrollmentCsv,
  });
  expect(upload.status).toBe(200);
}, 180_000);

afterAll(async () => {
  await stack?.dispose();
  delete process.env.REPORT_DEFAULTS;
  rmSync(dataDir, { recursive: true, force: true });
});

describe("publishing a public period", () => {
  it("refuses a period whose publication delay has not passed (clock injected)", async () => {
    const analyst = {
      userId: "analyst-1",
      role: "district_analyst" as const,
      schoolIds: new Set<string>(),
    };
    const at = (instant: string) =>
      createReport(
        { schoolYear: "2025-26", public: true },
        analyst,
        { action: "report.run" },
        { ...runPorts(), now: () => new Date(instant) },
        districtReportSettings(),
      ).catch((error) => error);
    // 30 days after 2026-06-30 ends is 2026-07-31 in Los Angeles; 07:00 UTC is its midnight.
    for (const instant of [
      "2026-06-30T12:00:00Z",
      "2026-07-15T12:00:00Z",
      "2026-07-31T06:59:59Z",
    ]) {
      const refused = await at(instant);
      expect(refused).toBeInstanceOf(ApiError);
      expect(refused.status).toBe(400);
      expect(refused.details).toEqual([{ path: "to", message: refused.message }]);
    }
    expect(await getReportEntry(YEAR_ID)).toBeUndefined();
  });

  it("ends five concurrent requests and a scheduled run with one version whose files never change", async () => {
    const analysts = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => tokenFor(stack, "district_analyst", `analyst-${n}`)),
    );
    // Warm containers, so the public runs below start together rather than
    // one cold start apart (internal reports: nothing is published).
    const warm = await Promise.all(
      analysts.map((token) => postReport(token, { schoolYear: "2025-26", to: "2025-12-31" })),
    );
    expect(warm.map((answer) => answer.status)).toEqual([201, 201, 201, 201, 201]);
    const [answers] = await Promise.all([
      Promise.all(
        analysts.map((token) => postReport(token, { schoolYear: "2025-26", public: true })),
      ),
      stack.runReportSchedule(),
    ]);
    const entry = (await getReportEntry(YEAR_ID))!;
    expect(entry).toBeDefined();
    for (const answer of answers) {
      expect([200, 201]).toContain(answer.status);
      expect(answer.json).toMatchObject({
        reportId: YEAR_ID,
        createdAt: entry.createdAt,
        requestedBy: entry.requestedBy,
      });
    }
    const made = answers.filter((answer) => answer.status === 201);
    expect(made.length).toBeLessThanOrEqual(1);
    if (made.length === 0) expect(entry.requestedBy).toBe("scheduler");

    const boardList = await getJson(stack, board, "/reports?limit=200");
    expect(boardList.json.items.map((item: any) => item.reportId)).toEqual([YEAR_ID]);
    const analyst = await tokenFor(stack, "district_analyst", "analyst-1");
    const analystList = await getJson(stack, analyst, "/reports?limit=200");
    expect(analystList.json.items.filter((item: any) => item.public)).toHaveLength(1);
    expect(analystList.json.items.filter((item: any) => !item.public)).toHaveLength(5);

    // Every run wrote under a key of its own; the index points at one run's files.
    const keys = await objectKeys(`reports/2025-26/${YEAR_ID}/`);
    const runs = new Set(keys.map((key) => key.split("/")[3]));
    expect(runs.size).toBeGreaterThan(1);
    expect(keys.length).toBe(runs.size * 3);
    expect(keys).toEqual(expect.arrayContaining(Object.values(entry.files)));

    const before = await boardFiles(YEAR_ID);
    const [again] = await Promise.all([
      Promise.all(
        analysts
          .slice(0, 2)
          .map((token) => postReport(token, { schoolYear: "2025-26", public: true })),
      ),
      stack.runReportSchedule(),
    ]);
    expect(again.map((answer) => answer.status)).toEqual([200, 200]);
    expect(await boardFiles(YEAR_ID)).toEqual(before);
    expect(await getReportEntry(YEAR_ID)).toEqual(entry);
  });

  it("keeps a school year's partition fixed at its first publication", async () => {
    await stack.dispose();
    await start({ publicationDelayDays: 30, partition: "semester" });
    const analyst = await tokenFor(stack, "district_analyst", "analyst-1");
    const before = await boardFiles(YEAR_ID);

    const refused = await postReport(analyst, {
      schoolYear: "2025-26",
      public: true,
      from: "2025-07-01",
      to: "2025-12-31",
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe("VALIDATION_FAILED");
    expect(refused.json.error.details[0].path).toBe("partition");

    // The schedule skips the year's semesters, and says so in the audit log.
    await stack.runReportSchedule();
    const boardList = await getJson(stack, board, "/reports?limit=200");
    expect(boardList.json.items.map((item: any) => item.reportId)).toEqual([YEAR_ID]);
    expect(await boardFiles(YEAR_ID)).toEqual(before);
    const custodian = await tokenFor(stack, "records_custodian", "custodian-1");
    const audit = await getJson(stack, custodian, "/audit?user=scheduler&limit=200");
    const skipped = audit.json.items
      .filter((item: any) => item.outcome === "refused")
      .map((item: any) => item.target);
    expect(skipped).toEqual(
      expect.arrayContaining([
        "report:2025-26:2025-07-01:2025-12-31",
        "report:2025-26:2026-01-01:2026-06-30",
      ]),
    );

    // The index's own condition, whatever a run checked before computing.
    const semester = reportRequest({
      schoolYear: "2025-26",
      public: true,
      partition: "semester",
      from: "2026-01-01",
      to: "2026-06-30",
    });
    const published = (await getReportEntry(YEAR_ID))!;
    const rival = {
      ...published,
      reportId: "public-2025-26-2026-01-01-2026-06-30",
      period: semester.period,
    };
    const others = otherPartitionReports(semester).map((other) => other.reportId);
    expect(others).toContain(YEAR_ID);
    expect(await putReportEntry(rival, others)).toBe("blocked");
    expect(await putReportEntry(published, [])).toBe("exists");
    const yearOthers = otherPartitionReports(
      reportRequest({ schoolYear: "2025-26", public: true }),
    );
    expect(
      await putReportEntry(
        published,
        yearOthers.map((other) => other.reportId),
      ),
    ).toBe("exists");
    expect(await getReportEntry(rival.reportId)).toBeUndefined();
  });
});
