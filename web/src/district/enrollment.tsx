import { useState } from "preact/hooks";
import { MAX_ENROLLMENT_BYTES } from "../../../shared/enrollment/upload.ts";
import {
  checkEnrollmentCsv,
  ENROLLMENT_HEADER,
  type EnrollmentCheck,
  type EnrollmentProblem,
} from "../../../shared/report/enrollment.ts";
import { schoolYearBounds } from "../../../shared/report/request.ts";
import type { ApiFailure } from "../api.ts";
import { useApi } from "../app.tsx";
import { TextField } from "../officer/fields.tsx";
import type { ScreenProps } from "../routes.ts";
import { asFailure, LoadState, useKept } from "./common.tsx";

/**
 * The enrollment upload (contracts section 4). The file is read and checked
 * here with the server's own parser (shared/report/enrollment.ts, bundled
 * for the browser), so every row problem shows, with its line and column,
 * before anything is sent; then the server's answer.
 */

const COLUMNS = ENROLLMENT_HEADER.split(",");

interface Preview {
  fileName: string;
  text: string;
  check: EnrollmentCheck;
}

interface Uploaded {
  schoolYear: string;
  schools: number;
  rows: number;
  version: string;
  uploadedAt: string;
}

const where = ({ line, column }: Pick<EnrollmentProblem, "line" | "column">) =>
  column === null || column === undefined
    ? `Line ${line}`
    : `Line ${line}, column ${column} (${COLUMNS[column - 1]})`;

const ProblemList = ({
  problems,
  truncated,
  title,
}: {
  problems: Pick<EnrollmentProblem, "line" | "column" | "message">[];
  truncated: boolean;
  title: string;
}) => (
  <section aria-labelledby="problems-title" class="problems" role="alert">
    <h2 id="problems-title">
      {title}: {problems.length}
      {truncated ? "+" : ""} {problems.length === 1 ? "problem" : "problems"}
    </h2>
    <ol>
      {problems.map((problem) => (
        <li key={`${problem.line}-${problem.column}-${problem.message}`}>
          <strong>{where(problem)}:</strong> {problem.message.replace(/^line \d+: /, "")}
        </li>
      ))}
    </ol>
    {truncated && <p>Only the first problems are listed: fix these and choose the file again.</p>}
  </section>
);

const validYear = (year: string) => {
  try {
    schoolYearBounds(year);
    return true;
  } catch {
    return false;
  }
};

export default (_props: ScreenProps) => {
  const api = useApi();
  const [form, setForm] = useKept("enrollment", { schoolYear: "" });
  const [fileError, setFileError] = useState<string>();
  const [preview, setPreview] = useState<Preview>();
  const [sending, setSending] = useState(false);
  const [answer, setAnswer] = useState<
    { ok: true; value: Uploaded } | { ok: false; failure: ApiFailure } | undefined
  >();
  const yearError =
    form.schoolYear === "" || validYear(form.schoolYear)
      ? undefined
      : "A school year looks like 2025-26.";

  const choose = async (file: File | undefined) => {
    setAnswer(undefined);
    setPreview(undefined);
    setFileError(undefined);
    if (!file) return;
    if (file.size > MAX_ENROLLMENT_BYTES) {
      setFileError("The file is larger than 5 MiB; the server would refuse it.");
      return;
    }
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(await file.arrayBuffer());
    } catch {
      setFileError("The file is not UTF-8 text. Save it from the spreadsheet as CSV UTF-8.");
      return;
    }
    setPreview({ fileName: file.name, text, check: check(text) });
  };
  const check = (text: string) => checkEnrollmentCsv(text, form.schoolYear, "refuse");

  const upload = async () => {
    if (!preview) return;
    setSending(true);
    setAnswer(undefined);
    try {
      const { body } = await api<Uploaded>({
        method: "PUT",
        path: `/enrollment/${encodeURIComponent(form.schoolYear)}`,
        text: { contentType: "text/csv", value: preview.text },
      });
      setAnswer({ ok: true, value: body });
    } catch (error) {
      setAnswer({ ok: false, failure: asFailure(error) });
    } finally {
      setSending(false);
    }
  };

  const current =
    preview && validYear(form.schoolYear) ? { ...preview, check: check(preview.text) } : undefined;
  const problems = current?.check.problems ?? [];
  const rows = current
    ? [...current.check.enrollment.values()].reduce(
        (sum, school) =>
          sum + [...school.values()].reduce((inner, groups) => inner + groups.size, 0),
        0,
      )
    : 0;

  return (
    <section aria-labelledby="enrollment-title">
      <h1 id="enrollment-title">Enrollment</h1>
      <p class="hint">
        One CSV per school year, with the header <code>{ENROLLMENT_HEADER}</code>. It replaces the
        year's enrollment. The file is checked on this device first; nothing is sent until you
        upload it.
      </p>
      <TextField
        name="schoolYear"
        label="School year"
        hint="Like 2025-26"
        value={form.schoolYear}
        error={yearError}
        maxLength={7}
        onValue={(_name, value) => {
          setAnswer(undefined);
          setForm({ schoolYear: value });
        }}
      />
      <div class={`field${fileError ? " invalid" : ""}`}>
        <label for="enrollment-file">Enrollment file (CSV)</label>
        <input
          id="enrollment-file"
          name="file"
          type="file"
          accept=".csv,text/csv"
          aria-invalid={fileError ? "true" : undefined}
          aria-describedby={fileError ? "enrollment-file-error" : undefined}
          onChange={(event) => void choose(event.currentTarget.files?.[0])}
        />
        {fileError && (
          <p class="field-error" id="enrollment-file-error">
            {fileError}
          </p>
        )}
      </div>
      {preview && !validYear(form.schoolYear) && (
        <p role="status">Enter the school year to check the file against it.</p>
      )}
      {current && problems.length > 0 && (
        <ProblemList
          problems={problems}
          truncated={current.check.truncated}
          title={`${current.fileName} has problems; nothing was sent`}
        />
      )}
      {current && problems.length === 0 && (
        <section aria-labelledby="preview-title" class="preview">
          <h2 id="preview-title">Ready to upload</h2>
          <p role="status">
            {current.fileName}: {current.check.enrollment.size}{" "}
            {current.check.enrollment.size === 1 ? "school" : "schools"}, {rows} rows, no problems.
          </p>
          <button type="button" class="primary" disabled={sending} onClick={() => void upload()}>
            {sending ? "Uploading…" : `Upload enrollment for ${form.schoolYear}`}
          </button>
        </section>
      )}
      {sending && (
        <LoadState load={{ state: "loading" }} retry={() => undefined} what="the upload" />
      )}
      {answer?.ok === true && (
        <section aria-labelledby="answer-title" class="answer" role="status">
          <h2 id="answer-title">Uploaded</h2>
          <p>
            The server stored enrollment for {answer.value.schoolYear}: {answer.value.schools}{" "}
            {answer.value.schools === 1 ? "school" : "schools"}, {answer.value.rows} rows (version{" "}
            {answer.value.version}).
          </p>
        </section>
      )}
      {answer?.ok === false &&
        (answer.failure.status === 422 ? (
          <ProblemList
            problems={answer.failure.details.map((detail) => ({
              line: detail.line ?? 0,
              column: detail.column ?? null,
              message: detail.message,
            }))}
            truncated={false}
            title="The server refused the file; nothing was stored"
          />
        ) : (
          <LoadState
            load={{ state: "failed", failure: answer.failure }}
            retry={() => void upload()}
            what="the upload"
          />
        ))}
    </section>
  );
};
