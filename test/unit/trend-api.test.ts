import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Principal } from "../../shared/auth/claims.ts";
import { ApiError } from "../../shared/http/errors.ts";
import {
  checkDistrictReportSettings,
  type DistrictReportSettings,
} from "../../shared/report/api.ts";
import { createTrend, isTrendBody, parseTrendRequest } from "../../shared/report/trend-api.ts";
import type { TrendPorts } from "../../shared/report/trend-run.ts";

const settings = (overrides: Partial<DistrictReportSettings> = {}): DistrictReportSettings => ({
  ...checkDistrictReportSettings(undefined, "America/Los_Angeles"),
  ...overrides,
});
const NOW = new Date("2026-09-01T12:00:00Z");
const YEARS = ["2023-24", "2024-25", "2025-26"];

const refusal = (body: unknown, district = settings(), now = NOW) => {
  try {
    parseTrendRequest(body, district, now);
  } catch (error) {
    return error as ApiError;
  }
  throw new Error("not refused");
};

describe("trend requests over the API", () => {
  it("tells a trend body from a period body by its own reportType only", () => {
    expect(isTrendBody({ reportType: "trend", schoolYears: YEARS })).toBe(true);
    expect(isTrendBody({ reportType: "period", schoolYear: "2025-26" })).toBe(false);
    expect(isTrendBody({ schoolYear: "2025-26" })).toBe(false);
    expect(isTrendBody(Object.create({ reportType: "trend" }))).toBe(false);
    expect(isTrendBody(JSON.parse('{"__proto__":{"reportType":"trend"}}'))).toBe(false);
    expect(isTrendBody([{ reportType: "trend" }])).toBe(false);
    expect(isTrendBody(null)).toBe(false);
    expect(isTrendBody("trend")).toBe(false);
  });

  it("fills an internal trend with the district's zone, partition and persistence, and takes its own", () => {
    const district = settings({
      partition: "semester",
      persistenceYears: 2,
      timeZone: "America/Chicago",
    });
    const { trend, publicPeriods } = parseTrendRequest(
      { reportType: "trend", schoolYears: YEARS },
      district,
      NOW,
    );
    expect(publicPeriods).toBeUndefined();
    expect(trend.partition).toBe("semester");
    expect(trend.parameters).toMatchObject({
      timeZone: "America/Chicago",
      persistenceYears: 2,
      public: false,
    });
    const own = parseTrendRequest(
      {
        reportType: "trend",
        schoolYears: YEARS,
        partition: "quarter",
        persistenceYears: 1,
        minCell: 5,
        schoolId: "S1",
      },
      district,
      NOW,
    ).trend;
    expect(own).toMatchObject({ partition: "quarter", scope: { level: "school", schoolId: "S1" } });
    expect(own.parameters).toMatchObject({ persistenceYears: 1, minCell: 5 });
    expect(own.periods).toHaveLength(12);
  });

  it("gives a public trend the district's parameters and one public period request per period", () => {
    const district = settings({ partition: "semester", minCell: 11, persistenceYears: 2 });
    const { trend, publicPeriods } = parseTrendRequest(
      { reportType: "trend", schoolYears: YEARS, public: true },
      district,
      NOW,
    );
    expect(trend.parameters).toMatchObject({ public: true, minCell: 11, persistenceYears: 2 });
    expect(
      publicPeriods?.map((request) => [
        request.schoolYear,
        request.period.from,
        request.parameters.public,
      ]),
    ).toEqual([
      ["2023-24", "2023-07-01", true],
      ["2023-24", "2024-01-01", true],
      ["2024-25", "2024-07-01", true],
      ["2024-25", "2025-01-01", true],
      ["2025-26", "2025-07-01", true],
      ["2025-26", "2026-01-01", true],
    ]);
  });

  it.each([
    "partition",
    "minCell",
    "minN",
    "riskRatioThreshold",
    "confidenceLevel",
    "timeZone",
    "routineDisciplineCategories",
    "persistenceYears",
  ])("refuses a public trend that sets %s", (field) => {
    const values: Record<string, unknown> = {
      partition: "year",
      minCell: 10,
      minN: 30,
      riskRatioThreshold: 2,
      confidenceLevel: 0.95,
      timeZone: "America/Los_Angeles",
      routineDisciplineCategories: ["disruption"],
      persistenceYears: 3,
    };
    const error = refusal({
      reportType: "trend",
      schoolYears: YEARS,
      public: true,
      [field]: values[field],
    });
    expect(error.status).toBe(400);
    expect(error.details).toEqual([{ path: field, message: "not allowed in a public request" }]);
  });

  it("refuses a public trend with a period not yet publishable, in the district's calendar", () => {
    // 2025-26 is due 30 days after 2026-06-30: 2026-07-31, 07:00 UTC in Los Angeles.
    const early = refusal(
      { reportType: "trend", schoolYears: YEARS, public: true },
      settings(),
      new Date("2026-07-31T06:59:00Z"),
    );
    expect(early.status).toBe(400);
    expect(early.details?.[0]?.path).toBe("to");
    expect(
      parseTrendRequest(
        { reportType: "trend", schoolYears: YEARS, public: true },
        settings(),
        new Date("2026-07-31T07:00:00Z"),
      ).publicPeriods,
    ).toHaveLength(3);
  });

  it.each([
    [{ reportType: "trend" }, "schoolYears"],
    [{ reportType: "trend", schoolYears: YEARS, from: "2023-07-01" }, "$"],
    [
      { reportType: "trend", schoolYears: YEARS.map((year) => `${year}x`.repeat(4)) },
      "schoolYears.0",
    ],
    [
      { reportType: "trend", schoolYears: Array.from({ length: 12 }, () => "2025-26") },
      "schoolYears",
    ],
    [
      { reportType: "trend", schoolYears: Array.from({ length: 10_000 }, () => "2025-26") },
      "schoolYears",
    ],
    [{ reportType: "trend", schoolYears: YEARS, persistenceYears: "3" }, "persistenceYears"],
    [{ reportType: "trend", schoolYears: YEARS, persistenceYears: 0 }, "persistenceYears"],
    [{ reportType: "trend", schoolYears: ["2025-26", "2024-25"] }, "schoolYears"],
    [{ reportType: "trend", schoolYears: YEARS, public: "yes" }, "public"],
  ])("refuses %j at %s", (body, path) => {
    const error = refusal(body);
    expect(error.status).toBe(400);
    expect(error.details?.map((detail) => detail.path)).toContain(path);
  });

  it("answers any hostile body with a 400 that quotes nothing it was sent", () => {
    const hostile = fc.string({ minLength: 6, maxLength: 40 }).map((text) => `<x>${text}`);
    fc.assert(
      fc.property(
        fc.record(
          {
            reportType: fc.constantFrom("trend"),
            schoolYears: fc.oneof(fc.array(hostile, { maxLength: 12 }), fc.anything()),
            partition: fc.oneof(hostile, fc.anything()),
            schoolId: hostile,
            timeZone: hostile,
            persistenceYears: fc.anything(),
          },
          { requiredKeys: ["reportType"] },
        ),
        fc.dictionary(hostile, fc.anything(), { maxKeys: 2 }),
        fc.boolean(),
        (body, extra, isPublic) => {
          const sent = { ...extra, ...body, public: isPublic };
          let error: unknown;
          try {
            parseTrendRequest(sent, settings(), NOW);
            return;
          } catch (thrown) {
            error = thrown;
          }
          expect(error).toBeInstanceOf(ApiError);
          expect((error as ApiError).status).toBe(400);
          const said = JSON.stringify({
            message: (error as ApiError).message,
            details: (error as ApiError).details,
          });
          expect(said).not.toContain("<x>");
        },
      ),
      { numRuns: 400 },
    );
  });

  it("lets only a district analyst run one", async () => {
    const ports = {} as TrendPorts;
    for (const role of ["sro", "school_admin", "records_custodian", "board"] as const) {
      const principal: Principal = { userId: "u-1", role, schoolIds: new Set(["S1"]) };
      await expect(
        createTrend(
          { reportType: "trend", schoolYears: YEARS },
          principal,
          { action: "report.run" },
          ports,
          settings(),
        ),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
  });
});
