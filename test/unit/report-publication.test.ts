import { describe, expect, it } from "vitest";
import type { Principal } from "../../shared/auth/claims.ts";
import { ApiError } from "../../shared/http/errors.ts";
import {
  checkDistrictReportSettings,
  type DistrictReportSettings,
  parseReportRequest,
  type ReportReadPorts,
  readReport,
  reportSummary,
} from "../../shared/report/api.ts";
import { parseEnrollmentCsv } from "../../shared/report/enrollment.ts";
import { publishableFrom, reportRequest } from "../../shared/report/request.ts";
import {
  type EntryOutcome,
  PartitionFixedError,
  publicReportId,
  type ReportEntry,
  type RunPorts,
  runReport,
} from "../../shared/report/run.ts";
import { scheduledRequests } from "../../shared/report/schedule.ts";

const settings = (overrides: Partial<DistrictReportSettings> = {}): DistrictReportSettings => ({
  ...checkDistrictReportSettings(undefined, "America/Los_Angeles"),
  ...overrides,
});

const publicPeriods = (now: string, district: DistrictReportSettings) =>
  scheduledRequests(new Date(now), [], district)
    .filter((request) => request.parameters.public)
    .map((request) => `${request.period.from}..${request.period.to}`);

/** The error a call throws, for its status and details. */
const thrown = (call: () => unknown): ApiError => {
  try {
    call();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("no error");
};

describe("publication delay", () => {
  it("starts the delay on the day after the period's last date", () => {
    expect(publishableFrom("2026-06-30", 30)).toBe("2026-07-31");
    expect(publishableFrom("2026-06-30", 0)).toBe("2026-07-01");
    expect(publishableFrom("2025-12-31", 30)).toBe("2026-01-31");
    expect(publishableFrom("2028-02-28", 1)).toBe("2028-03-01");
  });

  it("schedules a period only once its delay has passed on the district's calendar", () => {
    const district = settings();
    // 23:59 on 2026-07-30 in Los Angeles, already the 31st in UTC.
    expect(publicPeriods("2026-07-31T06:59:00Z", district)).not.toContain("2025-07-01..2026-06-30");
    expect(publicPeriods("2026-07-31T07:00:00Z", district)).toContain("2025-07-01..2026-06-30");
    // The same instant in a zone where the 31st has begun.
    expect(
      publicPeriods("2026-07-31T06:59:00Z", settings({ timeZone: "Europe/Berlin" })),
    ).toContain("2025-07-01..2026-06-30");
  });

  it("schedules each partition period by its own end, in this school year and the last", () => {
    const quarters = settings({ partition: "quarter", publicationDelayDays: 30 });
    expect(publicPeriods("2025-10-30T19:00:00Z", quarters)).toEqual([
      "2024-07-01..2024-09-30",
      "2024-10-01..2024-12-31",
      "2025-01-01..2025-03-31",
      "2025-04-01..2025-06-30",
    ]);
    expect(publicPeriods("2025-10-31T19:00:00Z", quarters)).toContain("2025-07-01..2025-09-30");
    const immediate = settings({ partition: "semester", publicationDelayDays: 0 });
    expect(publicPeriods("2026-01-01T19:00:00Z", immediate)).toContain("2025-07-01..2025-12-31");
    expect(publicPeriods("2025-12-31T19:00:00Z", immediate)).not.toContain(
      "2025-07-01..2025-12-31",
    );
  });

  it("gives scheduled public reports the district's parameters", () => {
    const district = settings({ minCell: 11, minN: 20, riskRatioThreshold: 3 });
    const [published] = scheduledRequests(new Date("2026-09-01T12:00:00Z"), [], district).filter(
      (request) => request.parameters.public,
    );
    expect(published?.parameters).toMatchObject({ minCell: 11, minN: 20, riskRatioThreshold: 3 });
  });
});

describe("district report settings", () => {
  it("fills the defaults, with a 30-day publication delay", () => {
    expect(checkDistrictReportSettings(undefined, "America/Chicago")).toEqual({
      timeZone: "America/Chicago",
      partition: "year",
      minCell: 10,
      minN: 30,
      riskRatioThreshold: 2,
      confidenceLevel: 0.95,
      routineDisciplineCategories: ["disruption", "bullying_or_harassment"],
      publicationDelayDays: 30,
      persistenceYears: 3,
    });
  });

  it("takes the district's routine-discipline categories, checked as a request's", () => {
    expect(
      checkDistrictReportSettings(
        { routineDisciplineCategories: ["disruption"] },
        "America/Los_Angeles",
      ).routineDisciplineCategories,
    ).toEqual(["disruption"]);
    for (const bad of [["disruption", "disruption"], ["secret-category"], "disruption", []]) {
      expect(() =>
        checkDistrictReportSettings({ routineDisciplineCategories: bad }, "America/Los_Angeles"),
      ).toThrow(/routineDisciplineCategories/);
    }
    const scheduled = scheduledRequests(
      new Date("2026-09-01T12:00:00Z"),
      ["S1"],
      settings({ routineDisciplineCategories: ["threat"] }),
    );
    expect(
      scheduled.every(
        (request) => request.parameters.routineDisciplineCategories.join() === "threat",
      ),
    ).toBe(true);
  });

  it.each([0, 4, 2.5, "3", null])("refuses persistenceYears %j", (value) => {
    expect(() =>
      checkDistrictReportSettings({ persistenceYears: value }, "America/Los_Angeles"),
    ).toThrow(/persistenceYears/);
  });

  it.each([-1, 181, 1.5, "30", null])("refuses publicationDelayDays %j", (value) => {
    expect(() =>
      checkDistrictReportSettings({ publicationDelayDays: value }, "America/Los_Angeles"),
    ).toThrow(/publicationDelayDays/);
  });

  it("reads own keys only", () => {
    const inherited = JSON.parse('{"__proto__": {"minCell": 1, "publicationDelayDays": 0}}');
    expect(checkDistrictReportSettings(inherited, "America/Los_Angeles")).toMatchObject({
      minCell: 10,
      publicationDelayDays: 30,
    });
    expect(() => checkDistrictReportSettings([], "America/Los_Angeles")).toThrow();
  });
});

describe("POST /reports, public requests", () => {
  const now = new Date("2026-09-01T12:00:00Z");

  it.each([
    ["minCell", 10],
    ["minN", 30],
    ["riskRatioThreshold", 2],
    ["confidenceLevel", 0.95],
    ["timeZone", "America/Los_Angeles"],
    ["partition", "year"],
    ["routineDisciplineCategories", ["disruption", "bullying_or_harassment"]],
  ])("refuses a public request that sets %s, even to the district's value", (field, value) => {
    const error = thrown(() =>
      parseReportRequest({ schoolYear: "2025-26", public: true, [field]: value }, settings(), now),
    );
    expect(error.status).toBe(400);
    expect(error.details).toEqual([{ path: field, message: "not allowed in a public request" }]);
  });

  it("names every parameter set, and no value", () => {
    const error = thrown(() =>
      parseReportRequest(
        { schoolYear: "2025-26", public: true, minCell: 3, timeZone: "Secret/Zone" },
        settings(),
        now,
      ),
    );
    expect(error.details?.map((detail) => detail.path)).toEqual(["minCell", "timeZone"]);
    expect(JSON.stringify(error.toBody())).not.toContain("Secret");
  });

  it("publishes with the district's parameters and partition", () => {
    const district = settings({
      minCell: 12,
      minN: 25,
      riskRatioThreshold: 3,
      confidenceLevel: 0.9,
      timeZone: "America/Denver",
      partition: "semester",
      routineDisciplineCategories: ["threat", "disruption"],
    });
    const request = parseReportRequest(
      { schoolYear: "2025-26", public: true, from: "2025-07-01", to: "2025-12-31" },
      district,
      now,
    );
    expect(request.partition).toBe("semester");
    expect(request.parameters).toEqual({
      minCell: 12,
      minN: 25,
      riskRatioThreshold: 3,
      confidenceLevel: 0.9,
      timeZone: "America/Denver",
      public: true,
      routineDisciplineCategories: ["threat", "disruption"],
    });
    // The whole year is not a period of the semester partition.
    expect(
      thrown(() => parseReportRequest({ schoolYear: "2025-26", public: true }, district, now))
        .status,
    ).toBe(400);
  });

  it("lets an internal request set any parameter", () => {
    const request = parseReportRequest(
      { schoolYear: "2025-26", public: false, minCell: 3, timeZone: "UTC", partition: "quarter" },
      settings(),
      now,
    );
    expect(request.parameters).toMatchObject({ minCell: 3, timeZone: "UTC", public: false });
    expect(
      parseReportRequest(
        { schoolYear: "2025-26", routineDisciplineCategories: ["fight_or_assault"] },
        settings(),
        now,
      ).parameters.routineDisciplineCategories,
    ).toEqual(["fight_or_assault"]);
  });

  it.each([[["disruption", "disruption"]], [["Secret-Category"]], [[]], [[7]]])(
    "refuses routineDisciplineCategories %j without echoing it",
    (value) => {
      const error = thrown(() =>
        parseReportRequest(
          { schoolYear: "2025-26", routineDisciplineCategories: value },
          settings(),
          now,
        ),
      );
      expect(error.status).toBe(400);
      expect(error.details?.[0]?.path).toMatch(/^routineDisciplineCategories/);
      expect(JSON.stringify(error.toBody())).not.toContain("Secret");
    },
  );

  it("publishes no sooner than publicationDelayDays after the period ends, in the district's zone", () => {
    const body = { schoolYear: "2025-26", public: true };
    const at = (instant: string, district = settings()) =>
      parseReportRequest(body, district, new Date(instant));
    const early = thrown(() => at("2026-07-31T06:59:00Z"));
    expect(early.status).toBe(400);
    expect(early.details?.[0]?.path).toBe("to");
    expect(at("2026-07-31T07:00:00Z").period).toEqual({ from: "2025-07-01", to: "2026-06-30" });
    expect(thrown(() => at("2026-07-15T12:00:00Z")).status).toBe(400);
    expect(thrown(() => at("2026-06-15T12:00:00Z")).status).toBe(400);
    const noDelay = settings({ publicationDelayDays: 0 });
    expect(thrown(() => at("2026-07-01T06:59:00Z", noDelay)).status).toBe(400);
    expect(at("2026-07-01T07:00:00Z", noDelay).schoolYear).toBe("2025-26");
  });
});

/** An index and a bucket in memory, with the conditions DynamoDB and S3 apply. */
const memoryPorts = (options: { failFirstPutEntry?: boolean } = {}) => {
  const entries = new Map<string, ReportEntry>();
  const files = new Map<string, string>();
  const writes: string[] = [];
  let failNext = options.failFirstPutEntry ?? false;
  const enrollment = parseEnrollmentCsv(
    [
      "schoolYear,schoolId,dimension,group,enrollment",
      "2025-26,S1,raceEthnicity,white,50",
      "2025-26,S1,gender,male,50",
      "2025-26,S1,disability,no,50",
      "2025-26,S1,englishLearner,no,50",
      "2025-26,S1,gradeBand,high,50",
    ].join("\n"),
    "2025-26",
    "refuse",
  );
  const ports: RunPorts = {
    loadEnrollment: async () => enrollment,
    incidentsBetween: async function* () {},
    activitiesBetween: async function* () {},
    putFile: async (key, body) => {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
      if (files.has(key)) throw new Error(`overwrote ${key}`);
      files.set(key, body);
      writes.push(key);
    },
    putEntry: async (entry, absentIds): Promise<EntryOutcome> => {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
      if (failNext) {
        failNext = false;
        throw new Error("the function stopped here");
      }
      if (entries.has(entry.reportId)) return "exists";
      if (absentIds.some((id) => entries.has(id))) return "blocked";
      entries.set(entry.reportId, entry);
      return "created";
    },
    getEntry: async (reportId) => entries.get(reportId),
    now: () => new Date("2026-09-01T12:00:00Z"),
  };
  return { ports, entries, files, writes };
};

const yearRequest = () => reportRequest({ schoolYear: "2025-26", public: true });

describe("publishing a public period once", () => {
  it("ends concurrent runs with one entry, and never rewrites a file", async () => {
    const { ports, entries, files } = memoryPorts();
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        runReport(yearRequest(), index === 0 ? "schedule" : "on_demand", `user-${index}`, ports),
      ),
    );
    expect(results.filter((result) => result.created)).toHaveLength(1);
    const winner = entries.get(publicReportId(yearRequest()))!;
    for (const { entry } of results) expect(entry).toEqual(winner);
    expect([...entries.keys()]).toEqual([winner.reportId]);
    const published = Object.values(winner.files).map((key) => files.get(key));
    // Every run wrote under its own key: six runs, eighteen files, none replaced.
    expect(files.size).toBe(18);
    const again = await runReport(yearRequest(), "on_demand", "user-9", ports);
    expect(again).toEqual({ entry: winner, created: false });
    expect(Object.values(winner.files).map((key) => files.get(key))).toEqual(published);
  });

  it("converges when a run stops between its files and its entry", async () => {
    const { ports, entries, files } = memoryPorts({ failFirstPutEntry: true });
    await expect(runReport(yearRequest(), "schedule", "scheduler", ports)).rejects.toThrow(
      /stopped/,
    );
    expect(entries.size).toBe(0);
    expect(files.size).toBe(3);
    const retry = await runReport(yearRequest(), "schedule", "scheduler", ports);
    expect(retry.created).toBe(true);
    expect(files.size).toBe(6);
    expect(Object.values(retry.entry.files).every((key) => files.has(key))).toBe(true);
  });

  it("refuses another partition of a school year once one is published", async () => {
    const { ports, entries } = memoryPorts();
    await runReport(yearRequest(), "on_demand", "analyst", ports);
    const semester = reportRequest({
      schoolYear: "2025-26",
      public: true,
      partition: "semester",
      from: "2025-07-01",
      to: "2025-12-31",
    });
    const refusal = await runReport(semester, "schedule", "scheduler", ports).catch(
      (error) => error,
    );
    expect(refusal).toBeInstanceOf(PartitionFixedError);
    expect(refusal.publishedPartition).toBe("year");
    expect(refusal.message).not.toContain("2025");
    expect(entries.size).toBe(1);
    // Another school year is free to use its own.
    const nextYear = reportRequest({
      schoolYear: "2024-25",
      public: true,
      partition: "semester",
      from: "2024-07-01",
      to: "2024-12-31",
    });
    const otherPorts = { ...ports, loadEnrollment: async () => new Map() };
    expect((await runReport(nextYear, "schedule", "scheduler", otherPorts)).created).toBe(true);
  });

  it("refuses a partition whose rival is published between the check and the write", async () => {
    const { ports, entries } = memoryPorts();
    const semester = reportRequest({
      schoolYear: "2025-26",
      public: true,
      partition: "semester",
      from: "2025-07-01",
      to: "2025-12-31",
    });
    const slow: RunPorts = {
      ...ports,
      // The year is published while this run computes.
      loadEnrollment: async (year) => {
        await runReport(yearRequest(), "on_demand", "analyst", ports);
        return ports.loadEnrollment(year);
      },
    };
    await expect(runReport(semester, "schedule", "scheduler", slow)).rejects.toBeInstanceOf(
      PartitionFixedError,
    );
    expect([...entries.keys()]).toEqual([publicReportId(yearRequest())]);
  });
});

describe("what the board reads", () => {
  const entry: ReportEntry = {
    reportId: "public-2025-26-2025-07-01-2026-06-30",
    createdAt: "2026-09-01T12:00:00.000Z",
    trigger: "on_demand",
    requestedBy: "analyst-7",
    schoolYear: "2025-26",
    period: { from: "2025-07-01", to: "2026-06-30" },
    scope: { level: "district" },
    public: true,
    files: { json: "a.json", csv: "a.csv", html: "a.html" },
  };
  const board: Principal = { userId: "board-1", role: "board", schoolIds: new Set() };
  const ports: ReportReadPorts = {
    getEntry: async () => entry,
    getFile: async (key) => `file ${key}`,
    queryEntries: async () => ({ entries: [entry], lastKey: undefined }),
  };

  it("names no user for the board; analysts see who asked", () => {
    expect(reportSummary(entry, true)).not.toHaveProperty("requestedBy");
    expect(JSON.stringify(reportSummary(entry, true))).not.toContain("analyst-7");
    expect(reportSummary(entry)).toMatchObject({ requestedBy: "analyst-7" });
    expect(reportSummary(entry)).not.toHaveProperty("files");
  });

  it.each([
    "constructor",
    "__proto__",
    "toString",
    "hasOwnProperty",
    "valueOf",
    "isPrototypeOf",
    "",
    "JSON",
  ])("answers format=%j with a 400, never a lookup", async (format) => {
    const error = await readReport(entry.reportId, format, board, { action: "x" }, ports).catch(
      (caught) => caught,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(error.details).toEqual([{ path: "format", message: "must be json, csv or html" }]);
  });

  it("serves the three formats", async () => {
    for (const format of ["json", "csv", "html"]) {
      const result = await readReport(entry.reportId, format, board, { action: "x" }, ports);
      expect(result.body).toBe(`file a.${format}`);
    }
  });
});
