import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { measureBundles } from "./bundles.ts";
import { measurePipeline } from "./pipeline.ts";
import { syntheticDistrict } from "./synthetic.ts";

/**
 * `npm run bench [-- --json]`: the pipeline through the local stack (rate,
 * emulator ceiling, intake latency, WCU per incident), each function's
 * bundle, the report engine over 100k and 1M
 * pre-parsed incidents (each in its own process, for its peak memory), and
 * the report CLI end to end over 100k raw events, parsing included, and
 * a three-year trend over 1M incidents by year and by quarter.
 */
const asJson = process.argv.includes("--json");
const tsx = "node_modules/.bin/tsx";

const engine = (count: number) =>
  JSON.parse(
    execFileSync(tsx, ["bench/report-engine.ts", String(count)], { encoding: "utf8" }).trim(),
  ) as {
    seconds: number;
    peakRssMb: number;
  };

/** The trend over three school years (bench/trend-engine.ts), beside one period's figures. */
const trendEngine = (count: number, partition: string) =>
  JSON.parse(
    execFileSync(tsx, ["bench/trend-engine.ts", String(count), partition], {
      encoding: "utf8",
    }).trim(),
  ) as { seconds: number; peakRssMb: number };

const cliEndToEnd = (count: number) => {
  const dir = mkdtempSync(join(tmpdir(), "sro-bench-"));
  try {
    const district = syntheticDistrict({ students: 100_000, schools: 40, seed: 5 });
    const lines: string[] = [];
    for (const incident of district.incidents(count)) {
      // Back to a raw version-1 event: the CLI validates and pseudonymises it.
      const students = incident.students.map(({ studentKey, ...student }) => ({
        ...student,
        ref: studentKey ? { localId: `L${studentKey.slice(-8)}` } : {},
      }));
      lines.push(
        JSON.stringify({
          ...incident,
          occurredAt: incident.occurredAt.replace("Z", "+00:00"),
          students,
        }),
      );
    }
    writeFileSync(join(dir, "events.ndjson"), lines.join("\n"));
    writeFileSync(join(dir, "enrollment.csv"), district.enrollmentCsv());
    const run = spawnSync(
      "/usr/bin/time",
      [
        "-f",
        "%e %M",
        tsx,
        "cli/report.ts",
        "--incidents",
        join(dir, "events.ndjson"),
        "--enrollment",
        join(dir, "enrollment.csv"),
        "--school-year",
        "2025-26",
        "--out",
        join(dir, "report.json"),
      ],
      { encoding: "utf8" },
    );
    if (run.status !== 0) throw new Error(`CLI failed: ${run.stderr}`);
    const [seconds, maxKb] = run.stderr.trim().split("\n").at(-1)!.split(" ").map(Number);
    return { seconds: seconds!, peakRssMb: Math.round(maxKb! / 1024) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const pipelineResult = await measurePipeline();
const bundles = await measureBundles();
const per100k = engine(100_000);
const per1M = engine(1_000_000);
const cli = cliEndToEnd(100_000);
const trendByYear = trendEngine(1_000_000, "year");
const trendByQuarter = trendEngine(1_000_000, "quarter");
const result = {
  ...pipelineResult,
  bundles,
  report: {
    secondsPer100k: per100k.seconds,
    secondsPer1M: per1M.seconds,
    ratio1MTo100k: per1M.seconds / per100k.seconds,
    peakRssMbPer100k: per100k.peakRssMb,
    peakRssMbPer1M: per1M.peakRssMb,
    cliSecondsPer100k: cli.seconds,
    cliPeakRssMbPer100k: cli.peakRssMb,
    trendByYearSecondsPer1M: trendByYear.seconds,
    trendByYearPeakRssMbPer1M: trendByYear.peakRssMb,
    trendByYearRatioToPeriod: trendByYear.seconds / per1M.seconds,
    trendByQuarterSecondsPer1M: trendByQuarter.seconds,
    trendByQuarterPeakRssMbPer1M: trendByQuarter.peakRssMb,
    trendByQuarterRatioToPeriod: trendByQuarter.seconds / per1M.seconds,
  },
};
if (asJson) {
  console.log(JSON.stringify(result));
} else {
  const { pipeline, intake, wcuPerIncident } = pipelineResult;
  const rows: Array<[string, string]> = [
    [
      `pipeline, POST to redacted (concurrency ${pipeline.concurrency})`,
      `${pipeline.incidentsPerSecond.toFixed(0)} incidents/s`,
    ],
    [
      "emulator ceiling (4 puts, 2 message cycles each)",
      `${pipeline.ceilingIncidentsPerSecond.toFixed(0)} incidents/s (puts ${pipeline.emulators.putsPerSecond.toFixed(0)}/s, cycles ${pipeline.emulators.messageCyclesPerSecond.toFixed(0)}/s)`,
    ],
    ["pipeline / ceiling", pipeline.ratioToCeiling.toFixed(2)],
    [
      `intake latency at ${intake.ratePerSecond.toFixed(0)}/s`,
      `p50 ${intake.p50Ms.toFixed(1)} ms, p99 ${intake.p99Ms.toFixed(1)} ms`,
    ],
    ["write capacity per incident", `${wcuPerIncident} WCU`],
    ...Object.entries(bundles).map(([name, figures]): [string, string] => [
      `bundle ${name}`,
      `${(figures.bytes / 1024).toFixed(0)} KB (${figures.bytesRatio?.toFixed(2) ?? "-"}x its SDK clients), init ${figures.initMs.toFixed(0)} ms (${figures.initRatio?.toFixed(2) ?? "-"}x; ${figures.initWithSourceMapsMs.toFixed(0)} ms with source maps)`,
    ]),
    [
      "report engine, 100k incidents",
      `${per100k.seconds.toFixed(2)} s, peak ${per100k.peakRssMb} MB`,
    ],
    ["report engine, 1M incidents", `${per1M.seconds.toFixed(2)} s, peak ${per1M.peakRssMb} MB`],
    ["1M / 100k time (10 = linear)", result.report.ratio1MTo100k.toFixed(1)],
    ["report CLI end to end, 100k events", `${cli.seconds.toFixed(2)} s, peak ${cli.peakRssMb} MB`],
    [
      "3-year trend by year, 1M incidents",
      `${trendByYear.seconds.toFixed(2)} s (${result.report.trendByYearRatioToPeriod.toFixed(2)}x one 1M period), peak ${trendByYear.peakRssMb} MB`,
    ],
    [
      "3-year trend by quarter, 1M incidents",
      `${trendByQuarter.seconds.toFixed(2)} s (${result.report.trendByQuarterRatioToPeriod.toFixed(2)}x one 1M period), peak ${trendByQuarter.peakRssMb} MB`,
    ],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  for (const [name, value] of rows) console.log(`${name.padEnd(width)}  ${value}`);
}
