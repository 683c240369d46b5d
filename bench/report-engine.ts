import type { RedactedIncident } from "../shared/privacy/redact.ts";
import { ReportAccumulator } from "../shared/report/engine.ts";
import { parseEnrollmentCsv } from "../shared/report/enrollment.ts";
import { reportRequest } from "../shared/report/request.ts";
import { syntheticDistrict } from "./synthetic.ts";

/**
 * One measurement, in its own process so its peak memory is its own:
 * `tsx bench/report-engine.ts COUNT` feeds COUNT pre-parsed redacted
 * incidents to the report engine and prints one JSON line.
 */
const count = Number(process.argv[2] ?? 100_000);
const district = syntheticDistrict({ students: 100_000, schools: 40, seed: 5 });
const enrollment = parseEnrollmentCsv(district.enrollmentCsv(), "2025-26", "refuse");
// A pool of pre-parsed incidents, fed repeatedly up to COUNT (engine time only).
const pool: RedactedIncident[] = [...district.incidents(Math.min(count, 100_000))];
const request = reportRequest({ schoolYear: "2025-26" });

const started = process.hrtime.bigint();
const accumulator = new ReportAccumulator(request);
for (let fed = 0; fed < count; fed += pool.length) {
  for (const incident of pool.slice(0, Math.min(pool.length, count - fed)))
    accumulator.add(incident);
}
const report = accumulator.report(enrollment);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(
  JSON.stringify({
    incidents: count,
    seconds,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    students: report.totals.students,
  }),
);
