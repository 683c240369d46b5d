import { randomBytes } from "node:crypto";
import { createReadStream, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { loadDevIssuer } from "../infra/local/dev-issuer.ts";
import { ApiError } from "../shared/http/errors.ts";
import { incidentKey } from "../shared/incident/messages.ts";
import { validateIncidentEvent } from "../shared/incident/validate.ts";
import { redactIncident } from "../shared/privacy/redact.ts";
import { reportCsv } from "../shared/report/csv.ts";
import { ReportAccumulator, type ReportInput } from "../shared/report/engine.ts";
import { parseEnrollmentCsv } from "../shared/report/enrollment.ts";
import { isExportLine, parseExportLine } from "../shared/report/export.ts";
import { reportHtml } from "../shared/report/html.ts";
import { ReportInputError, reportRequest } from "../shared/report/request.ts";
import { reportJson } from "../shared/report/run.ts";
import { periodRequest, TrendAccumulator, type TrendRequest } from "../shared/report/trend.ts";
import { fileProgress } from "./progress.ts";
import {
  enrollmentOfYear,
  TREND_OPTIONS,
  trendBody,
  trendEnrollments,
  trendFromFlags,
  trendOutput,
} from "./trend.ts";

/**
 * `npm run --silent report -- --incidents FILE.ndjson --enrollment FILE.csv
 * --school-year 2025-26 [...]`: the report from files, with the pipeline's
 * own validation, pseudonymisation and engine. Exit 0 on success, 2 for
 * refused arguments or input (the message names the flag or line).
 */
const refuse = (message: string): never => {
  process.stderr.write(`report: ${message}\n`);
  process.exit(2);
};

const numberFlag = (value: string | undefined, flag: string) => {
  if (value === undefined) return undefined;
  if (!/^-?\d+(\.\d+)?$/.test(value)) refuse(`${flag} must be a number`);
  return Number(value);
};

/**
 * `--as-of`: the instant whose data the file holds (an export's X-As-Of),
 * echoed as the report's `asOf` in the pipeline's spelling, so the same
 * instant written another way gives the same bytes; without it, null.
 */
const asOfFlag = (value: string | undefined): string | null => {
  if (value === undefined) return null;
  const at = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)
    ? Date.parse(value)
    : Number.NaN;
  if (Number.isNaN(at)) refuse("--as-of must be a date-time with an offset, as X-As-Of gives it");
  return new Date(at).toISOString();
};

const main = async () => {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        incidents: { type: "string" },
        enrollment: { type: "string" },
        "school-year": { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
        school: { type: "string" },
        public: { type: "boolean" },
        partition: { type: "string" },
        "min-cell": { type: "string" },
        "min-n": { type: "string" },
        threshold: { type: "string" },
        confidence: { type: "string" },
        "time-zone": { type: "string" },
        "routine-discipline-categories": { type: "string" },
        format: { type: "string" },
        out: { type: "string" },
        url: { type: "string" },
        "data-dir": { type: "string" },
        "as-of": { type: "string" },
        ...TREND_OPTIONS,
      },
      strict: true,
    }));
  } catch (error) {
    return refuse(error instanceof Error ? error.message : "unknown option");
  }
  const format = (values.format as string | undefined) ?? "json";
  if (format !== "json" && format !== "csv" && format !== "html")
    refuse("--format must be json, csv or html");
  if (values.incidents && !values.enrollment)
    refuse("--enrollment FILE.csv is required with --incidents");

  const parameterInput = {
    schoolId: values.school,
    public: values.public === true ? true : undefined,
    partition: values.partition,
    minCell: numberFlag(values["min-cell"] as string | undefined, "--min-cell"),
    minN: numberFlag(values["min-n"] as string | undefined, "--min-n"),
    riskRatioThreshold: numberFlag(values.threshold as string | undefined, "--threshold"),
    confidenceLevel: numberFlag(values.confidence as string | undefined, "--confidence"),
    timeZone: values["time-zone"],
    routineDisciplineCategories:
      values["routine-discipline-categories"] === undefined
        ? undefined
        : String(values["routine-discipline-categories"]).split(","),
  };
  const trend = trendFromFlags(values, parameterInput, refuse);
  let request: ReturnType<typeof reportRequest>;
  try {
    // A trend's first period stands for it where a period request's fields are read below.
    request = trend
      ? periodRequest(trend, trend.periods[0]!)
      : reportRequest({
          schoolYear: values["school-year"],
          from: values.from,
          to: values.to,
          ...parameterInput,
        });
  } catch (error) {
    return refuse(
      error instanceof ReportInputError ? `${error.message} (${error.field})` : "invalid request",
    );
  }

  let enrollmentText: string | undefined;
  if (values.enrollment) {
    try {
      enrollmentText = readFileSync(values.enrollment as string, "utf8");
    } catch {
      return refuse("--enrollment: the file cannot be read");
    }
  }
  const write = (output: string) => {
    if (values.out) writeFileSync(values.out as string, output);
    else process.stdout.write(output);
  };
  if (!values.incidents) {
    // The stack's report carries the instant its own run read.
    if (values["as-of"] !== undefined) refuse("--as-of goes with --incidents only");
    // The stack publishes with the district's parameters and refuses a public
    // request that sets any; --partition only checks the period here, and the
    // stack checks it again against the district's.
    const parameterFlags = [
      "min-cell",
      "min-n",
      "threshold",
      "confidence",
      "time-zone",
      "routine-discipline-categories",
    ];
    const given = parameterFlags.filter((flag) => values[flag] !== undefined);
    if (request.parameters.public && given.length > 0) {
      refuse(
        `a public report from the stack uses the district's parameters; drop ${given.map((flag) => `--${flag}`).join(", ")}`,
      );
    }
    return write(await fromLocalStack(request, enrollmentText, format, values, trend));
  }
  let enrollment: ReturnType<typeof parseEnrollmentCsv>;
  try {
    enrollment = parseEnrollmentCsv(enrollmentText ?? "", request.schoolYear, "ignore");
  } catch (error) {
    return refuse(`--enrollment ${error instanceof Error ? error.message : "invalid"}`);
  }

  const enrollments = trend ? trendEnrollments(trend, enrollmentText ?? "", refuse) : undefined;
  const asOf = asOfFlag(values["as-of"] as string | undefined);

  // Keys only need to be consistent within one run; the report shows none.
  const secret = randomBytes(32).toString("hex");
  const accumulator = trend ? new TrendAccumulator(trend) : new ReportAccumulator(request);
  const seen = new Set<string>();
  let lineNumber = 0;
  let size: number;
  try {
    size = statSync(values.incidents as string).size;
  } catch {
    return refuse("--incidents: the file cannot be read");
  }
  const input = createReadStream(values.incidents as string, { encoding: "utf8" });
  const progress = fileProgress("incidents", size);
  input.on("data", () => progress.update(input.bytesRead, lineNumber));
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === "") continue;
      let input: ReportInput;
      try {
        const value: unknown = JSON.parse(line);
        if (isExportLine(value)) {
          // A line of GET /exports/incidents: already redacted, with its version and status.
          const parsed = parseExportLine(value);
          if (!parsed.ok) {
            progress.stop();
            return refuse(
              `--incidents line ${lineNumber}: VALIDATION_FAILED at ${parsed.path}: ${parsed.message}`,
            );
          }
          input = parsed.counted;
        } else {
          input = redactIncident(validateIncidentEvent(value), secret);
        }
      } catch (error) {
        const detail =
          error instanceof ApiError
            ? `${error.code}${error.details?.[0] ? ` at ${error.details[0].path}: ${error.details[0].message}` : ""}`
            : "not valid JSON";
        progress.stop();
        return refuse(`--incidents line ${lineNumber}: ${detail}`);
      }
      // As in the pipeline, the first incident under an id is the one kept.
      // A void's export line has no id: the export holds each incident once.
      const placed = "incident" in input ? input.incident : "status" in input ? undefined : input;
      if (placed) {
        const key = incidentKey(placed.incidentId);
        if (seen.has(key)) continue;
        seen.add(key);
      }
      accumulator.add(input);
    }
  } catch {
    progress.stop();
    return refuse("--incidents: the file cannot be read");
  }
  progress.stop();

  if (accumulator instanceof TrendAccumulator) {
    return write(trendOutput(trend!, accumulator.reports(enrollments!), format, asOf));
  }
  const report = accumulator.report(enrollment, asOf);
  write(
    format === "csv"
      ? reportCsv(report)
      : format === "html"
        ? reportHtml(report)
        : reportJson(report),
  );
};

/**
 * Without --incidents the running local stack computes the report: the same
 * request goes to POST /reports (after uploading --enrollment, if given)
 * with a district analyst's token from the local dev issuer.
 */
const fromLocalStack = async (
  request: ReturnType<typeof reportRequest>,
  enrollmentText: string | undefined,
  format: string,
  values: Record<string, string | boolean | undefined>,
  trend?: TrendRequest,
): Promise<string> => {
  const url =
    (values.url as string | undefined) ?? `http://127.0.0.1:${process.env.PORT ?? "3000"}`;
  const dataDir = (values["data-dir"] as string | undefined) ?? process.env.DATA_DIR ?? ".data";
  const issuer = await loadDevIssuer(join(dataDir, "dev-issuer-key.json"));
  const token = await issuer.issue({
    role: "district_analyst",
    sub: "report-cli",
    ttlSeconds: 600,
  });
  const call = async (path: string, init: RequestInit = {}) => {
    let response: Response;
    try {
      response = await fetch(`${url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
      });
    } catch {
      process.stderr.write(
        `report: no local stack answers at ${url}; start it with npm start, or pass --incidents\n`,
      );
      process.exit(1);
    }
    const text = await response.text();
    if (!response.ok) {
      const message = (() => {
        try {
          const error = JSON.parse(text).error;
          return `${error.message}${error.details?.[0] ? ` (${error.details[0].path}: ${error.details[0].message})` : ""}`;
        } catch {
          return `HTTP ${response.status}`;
        }
      })();
      process.stderr.write(`report: ${message}\n`);
      process.exit(response.status < 500 ? 2 : 1);
    }
    return text;
  };
  if (enrollmentText !== undefined) {
    // The stack takes one year per upload; a trend's file holds each of its years.
    for (const schoolYear of trend?.schoolYears ?? [request.schoolYear]) {
      await call(`/enrollment/${schoolYear}`, {
        method: "PUT",
        headers: { "content-type": "text/csv" },
        body: trend ? enrollmentOfYear(enrollmentText, schoolYear) : enrollmentText,
      });
    }
  }
  const { parameters, period, scope } = request;
  const created = JSON.parse(
    await call("/reports", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(
        trend
          ? trendBody(trend)
          : {
              schoolYear: request.schoolYear,
              from: period.from,
              to: period.to,
              ...(scope.level === "school" ? { schoolId: scope.schoolId } : {}),
              public: parameters.public,
              ...(parameters.public
                ? {}
                : {
                    partition: request.partition,
                    minCell: parameters.minCell,
                    minN: parameters.minN,
                    riskRatioThreshold: parameters.riskRatioThreshold,
                    confidenceLevel: parameters.confidenceLevel,
                    timeZone: parameters.timeZone,
                    routineDisciplineCategories: parameters.routineDisciplineCategories,
                  }),
            },
      ),
    }),
  ) as { reportId: string };
  return call(`/reports/${created.reportId}?format=${format}`);
};

// A reader that stops early (`| head`) is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

await main();
