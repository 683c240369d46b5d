import type { RedactedIncident } from "../shared/privacy/redact.ts";
import { type Enrollment, parseEnrollmentCsv } from "../shared/report/enrollment.ts";
import { type Partition, schoolYearBounds } from "../shared/report/request.ts";
import { assembleTrend, TrendAccumulator, trendRequest } from "../shared/report/trend.ts";
import { syntheticYears } from "./synthetic.ts";

/**
 * One measurement, in its own process so its peak memory is its own:
 * `tsx bench/trend-engine.ts COUNT [PARTITION]` feeds COUNT pre-parsed
 * redacted incidents, spread over three school years, to the trend's
 * accumulators and assembles the trend; it prints one JSON line, to set
 * beside bench/report-engine.ts's one period over the same count.
 */
const count = Number(process.argv[2] ?? 100_000);
const partition = (process.argv[3] ?? "year") as Partition;
const years = ["2023-24", "2024-25", "2025-26"];
const data = syntheticYears(years, {
  students: 100_000,
  incidentsPerYear: Math.ceil(Math.min(count, 100_000) / years.length),
  seed: 5,
});
const enrollments = new Map<string, Enrollment>(
  years.map((year) => [year, parseEnrollmentCsv(data.enrollmentCsv, year, "ignore")]),
);
const pool: RedactedIncident[] = data.incidents;
const request = trendRequest({ schoolYears: years, partition });

const started = process.hrtime.bigint();
const accumulator = new TrendAccumulator(request);
for (let fed = 0; fed < count; fed += pool.length) {
  for (const incident of pool.slice(0, Math.min(pool.length, count - fed))) {
    accumulator.add(incident);
  }
}
const trend = assembleTrend(request, accumulator.reports(enrollments), null);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(
  JSON.stringify({
    incidents: count,
    partition,
    periods: trend.periods.length,
    seconds,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    span: `${schoolYearBounds(years[0]!).from}..${schoolYearBounds(years[2]!).to}`,
  }),
);
