import { useMemo, useState } from "preact/hooks";
import { ReportInputError, reportRequest } from "../../../shared/report/request.ts";
import type { ApiFailure } from "../api.ts";
import { useApi, useApp } from "../app.tsx";
import type { ScreenProps } from "../routes.ts";
import {
  asFailure,
  dateTime,
  download,
  Empty,
  LoadState,
  type Page,
  Pager,
  RefusedDetails,
  SubmitForm,
  type TextSpec,
  textFields,
  useCursorPages,
  useKept,
} from "./common.tsx";

/**
 * Reports (contracts section 5): an analyst runs one and reads every run; the
 * board reads the published ones only, which is all the API lists for it.
 */

interface ReportSummary {
  reportId: string;
  createdAt: string;
  trigger: "schedule" | "on_demand";
  requestedBy?: string;
  schoolYear: string;
  period: { from: string; to: string };
  scope: { level: "district" } | { level: "school"; schoolId: string };
  public: boolean;
  reportType?: string;
}

interface RunForm {
  schoolYear: string;
  from: string;
  to: string;
  schoolId: string;
  public: boolean;
  minCell: string;
  minN: string;
  riskRatioThreshold: string;
  confidenceLevel: string;
  timeZone: string;
}

const EMPTY_FORM: RunForm = {
  schoolYear: "",
  from: "",
  to: "",
  schoolId: "",
  public: false,
  minCell: "",
  minN: "",
  riskRatioThreshold: "",
  confidenceLevel: "",
  timeZone: "",
};

type TextFieldName = Exclude<keyof RunForm, "public">;

const RUN_FIELDS: readonly TextSpec<TextFieldName>[] = [
  { name: "schoolYear", label: "School year", hint: "Like 2025-26", maxLength: 7, required: true },
  { name: "from", label: "From (optional)", type: "date" },
  { name: "to", label: "To (optional)", type: "date" },
  { name: "schoolId", label: "School id (empty: the district)", maxLength: 32 },
];

const PARAMETER_FIELDS: readonly TextSpec<TextFieldName>[] = [
  { name: "minCell", label: "Minimum cell (minCell)", inputMode: "numeric" },
  { name: "minN", label: "Minimum enrollment (minN)", inputMode: "numeric" },
  { name: "riskRatioThreshold", label: "Risk ratio threshold", inputMode: "text" },
  { name: "confidenceLevel", label: "Confidence level", inputMode: "text" },
  { name: "timeZone", label: "Time zone", maxLength: 64 },
];

const PARAMETERS = [
  "minCell",
  "minN",
  "riskRatioThreshold",
  "confidenceLevel",
  "timeZone",
] as const;
const TEXT_FIELDS = new Set(["schoolYear", "from", "to", "schoolId", "timeZone"]);

/** The request body the form stands for: empty fields are left to the district's defaults. */
export const requestBody = (form: RunForm): Record<string, unknown> => {
  const body: Record<string, unknown> = { schoolYear: form.schoolYear };
  for (const name of ["from", "to", "schoolId"] as const)
    if (form[name] !== "") body[name] = form[name];
  if (form.public) body.public = true;
  else
    for (const name of PARAMETERS) {
      const value = form[name].trim();
      if (value !== "") body[name] = TEXT_FIELDS.has(name) ? value : Number(value);
    }
  return body;
};

/**
 * Each field checked as it is typed, by the server's own rules
 * (shared/report/request.ts): the field alone against a valid school year,
 * then the whole request for what spans fields (from after to).
 */
export const fieldErrors = (form: RunForm): Partial<Record<keyof RunForm, string>> => {
  const errors: Partial<Record<keyof RunForm, string>> = {};
  const body = requestBody(form);
  const attempt = (input: Record<string, unknown>) => {
    try {
      reportRequest(input);
    } catch (error) {
      if (error instanceof ReportInputError) {
        const field = error.field as keyof RunForm;
        errors[field] ??= error.message;
      } else throw error;
    }
  };
  if (form.schoolYear !== "") attempt({ schoolYear: form.schoolYear });
  const year =
    errors.schoolYear === undefined && form.schoolYear !== "" ? form.schoolYear : undefined;
  for (const [name, value] of Object.entries(body)) {
    if (name === "schoolYear" || name === "public") continue;
    // Dates are judged against the year; parameters against a year that is surely valid.
    if ((name === "from" || name === "to") && !year) continue;
    attempt({ schoolYear: year ?? "2025-26", [name]: value });
  }
  if (year && Object.keys(errors).length === 0) attempt(body);
  return errors;
};

const scopeText = (scope: ReportSummary["scope"]) =>
  scope.level === "district" ? "District" : `School ${scope.schoolId}`;

type LocalRun =
  | { state: "running"; body: Record<string, unknown> }
  | { state: "done"; report: ReportSummary; created: boolean }
  | { state: "failed"; failure: ApiFailure };

const RunReport = ({ onRun }: { onRun: () => void }) => {
  const api = useApi();
  const [form, setForm] = useKept<RunForm>("report-run", EMPTY_FORM);
  const [run, setRun] = useState<LocalRun>();
  const errors = useMemo(() => fieldErrors(form), [form]);
  const set = (name: string, value: string) => setForm({ ...form, [name]: value });
  const ready = form.schoolYear !== "" && Object.keys(errors).length === 0;

  const submit = async () => {
    const body = requestBody(form);
    setRun({ state: "running", body });
    try {
      const { status, body: report } = await api<ReportSummary>({
        method: "POST",
        path: "/reports",
        body,
      });
      setRun({ state: "done", report, created: status === 201 });
      onRun();
    } catch (error) {
      setRun({ state: "failed", failure: asFailure(error) });
    }
  };

  return (
    <section aria-labelledby="run-title" class="run">
      <h2 id="run-title">Run a report</h2>
      <SubmitForm
        onSubmit={() => {
          if (ready && run?.state !== "running") void submit();
        }}
      >
        {textFields(RUN_FIELDS, form, set, errors)}
        <div class="field check">
          <input
            id="report-public"
            name="public"
            type="checkbox"
            checked={form.public}
            onChange={(event) => setForm({ ...form, public: event.currentTarget.checked })}
          />
          <label for="report-public">Public: publish it to the board</label>
        </div>
        <fieldset disabled={form.public}>
          <legend>
            Parameters{" "}
            {form.public ? "(a public report uses the district's)" : "(empty: the district's)"}
          </legend>
          {textFields(PARAMETER_FIELDS, form, set, errors)}
        </fieldset>
        <button type="submit" class="primary" disabled={!ready || run?.state === "running"}>
          {run?.state === "running" ? "Running…" : "Run the report"}
        </button>
      </SubmitForm>
      <div aria-live="polite">
        {run?.state === "running" && (
          <p role="status">Running the report; this can take a minute.</p>
        )}
        {run?.state === "done" && (
          <p role="status" class="success">
            {run.created ? "Report ready" : "This public period was already published; here it is"}:{" "}
            {run.report.schoolYear}, {run.report.period.from} to {run.report.period.to},{" "}
            {scopeText(run.report.scope)}. It is first in the list below.
          </p>
        )}
        {run?.state === "failed" &&
          (run.failure.status === 400 ? (
            <div role="alert" class="error">
              <p>The server refused the request: {run.failure.message}</p>
              {run.failure.details.length > 0 && <RefusedDetails details={run.failure.details} />}
            </div>
          ) : (
            <LoadState
              load={{ state: "failed", failure: run.failure }}
              retry={() => void submit()}
              what="the report"
            />
          ))}
      </div>
    </section>
  );
};

const FORMAT_TYPES = { json: "application/json", csv: "text/csv", html: "text/html" } as const;

/**
 * The page opens from a blob: URL, under the app's CSP, which refuses its
 * inline stylesheet: the build publishes each report stylesheet as
 * /assets/report-styles/<sha-256>.css (web/report-styles.ts), linked here instead.
 */
const withLinkedStyle = async (html: string): Promise<string> => {
  const match = /<style>([\s\S]*?)<\/style>/.exec(html);
  if (!match) return html;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(match[1]));
  const hex = [...new Uint8Array(digest)]
    .map((byte) => byte.toString(16).padStart(2, "0"))
    .join("");
  const link = `<link rel="stylesheet" href="${location.origin}/assets/report-styles/${hex.slice(0, 32)}.css">`;
  return html.replace(match[0], () => link);
};

const ReportRow = ({ report, timeZone }: { report: ReportSummary; timeZone: string }) => {
  const api = useApi();
  const [failure, setFailure] = useState<ApiFailure>();
  const [busy, setBusy] = useState<string>();
  const fetchFile = async (format: keyof typeof FORMAT_TYPES) => {
    setBusy(format);
    setFailure(undefined);
    try {
      const { body } = await api<string>({
        path: `/reports/${encodeURIComponent(report.reportId)}`,
        query: { format },
        responseText: true,
      });
      return body;
    } catch (error) {
      setFailure(asFailure(error));
      return undefined;
    } finally {
      setBusy(undefined);
    }
  };
  const name = `report-${report.schoolYear}-${report.period.from}-${report.period.to}-${report.scope.level === "school" ? report.scope.schoolId : "district"}`;
  const open = async () => {
    const html = await fetchFile("html");
    if (html === undefined) return;
    const url = URL.createObjectURL(
      new Blob([await withLinkedStyle(html)], { type: FORMAT_TYPES.html }),
    );
    window.open(url, "_blank", "noopener");
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };
  const save = async (format: "json" | "csv") => {
    const body = await fetchFile(format);
    if (body !== undefined) download(`${name}.${format}`, FORMAT_TYPES[format], body);
  };
  const title = `${report.reportType === "trend" ? "Trend" : "Report"} ${report.schoolYear}, ${report.period.from} to ${report.period.to}, ${scopeText(report.scope)}`;
  return (
    <li class="report">
      <h3>{title}</h3>
      <p>
        Ready · {report.public ? "public" : "internal"} ·{" "}
        {report.trigger === "schedule" ? "scheduled" : "on demand"} · made{" "}
        {dateTime(report.createdAt, timeZone)}
        {report.requestedBy ? ` by ${report.requestedBy}` : ""}
      </p>
      <div class="actions">
        {(
          [
            ["Open page", `Open the page of ${title}`, open],
            ["JSON", `Download JSON of ${title}`, () => save("json")],
            ["CSV", `Download CSV of ${title}`, () => save("csv")],
          ] as const
        ).map(([text, name, act]) => (
          <button
            key={text}
            type="button"
            disabled={busy !== undefined}
            onClick={() => void act()}
            aria-label={name}
          >
            {text}
          </button>
        ))}
      </div>
      {busy && <p role="status">Fetching the {busy.toUpperCase()}…</p>}
      {failure && (
        <LoadState
          load={{ state: "failed", failure }}
          retry={() => setFailure(undefined)}
          what="the file"
        />
      )}
    </li>
  );
};

export default (_props: ScreenProps) => {
  const api = useApi();
  const { profile, config } = useApp();
  const analyst = profile?.role === "district_analyst";
  const [version, setVersion] = useState(0);
  const pages = useCursorPages<ReportSummary>(
    async (cursor, signal) =>
      (await api<Page<ReportSummary>>({ path: "/reports", query: { limit: "20", cursor }, signal }))
        .body,
    String(version),
  );
  return (
    <section aria-labelledby="reports-title">
      <h1 id="reports-title">{analyst ? "Reports" : "Published reports"}</h1>
      {analyst && <RunReport onRun={() => setVersion((n) => n + 1)} />}
      <section aria-labelledby="runs-title">
        <h2 id="runs-title">{analyst ? "Runs, newest first" : "Newest first"}</h2>
        <LoadState load={pages.load} retry={pages.retry} what="reports" />
        {pages.load.state === "done" &&
          (pages.load.value.items.length === 0 ? (
            <Empty>
              {analyst ? "No report has been run yet." : "No report has been published yet."}
            </Empty>
          ) : (
            <ul class="reports">
              {pages.load.value.items.map((report) => (
                <ReportRow key={report.reportId} report={report} timeZone={config.timeZone} />
              ))}
            </ul>
          ))}
        <Pager pages={pages} label="Report pages" />
      </section>
    </section>
  );
};
