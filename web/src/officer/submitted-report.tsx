import { useEffect, useState } from "preact/hooks";
import type { IncidentEventV1 } from "../../../shared/incident/schema.ts";
import { ApiFailure } from "../api.ts";
import { useApi } from "../app.tsx";
import type { ScreenProps } from "../routes.ts";
import { FailureMessage } from "../screens/status.tsx";
import { label } from "./labels.ts";

const RETRIES_OF_NOT_FOUND = 15;

/** The author's read of an incident (contracts sections 2 and 8): its current version. */
interface FullView {
  incident: IncidentEventV1;
  receivedAt: string;
  version: number;
  status: string;
}

const list = (values: readonly string[] | undefined) =>
  values && values.length > 0 ? values.map(label).join(", ") : "None";

/** One report as submitted (`GET /incidents/{id}`), read-only: changes are corrections (section 8). */
export const SubmittedReport = ({ params }: ScreenProps) => {
  const api = useApi();
  const [report, setReport] = useState<IncidentEventV1>();
  const [meta, setMeta] = useState<Omit<FullView, "incident">>();
  const [failure, setFailure] = useState<ApiFailure>();

  useEffect(() => {
    let live = true;
    let timer: number | undefined;
    // "My reports" lists a report the moment intake accepts it; the stored copy
    // follows within seconds, so a 404 is asked again a few times.
    const load = (attempt: number) => {
      api<FullView>({ path: `/incidents/${encodeURIComponent(params.id ?? "")}` })
        .then(({ body }) => {
          if (!live) return;
          setReport(body.incident);
          setMeta(body);
        })
        .catch((error) => {
          if (!live) return;
          const failure =
            error instanceof ApiFailure ? error : new ApiFailure(0, "NETWORK", "Failed.");
          setFailure(failure);
          if (failure.status === 404 && attempt < RETRIES_OF_NOT_FOUND) {
            timer = window.setTimeout(() => load(attempt + 1), 2000);
          }
        });
    };
    load(0);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [params.id]);

  if (failure && !report) {
    return (
      <section aria-labelledby="report-title">
        <h1 id="report-title">Report</h1>
        {failure.status === 404 ? (
          <p>This report is not on the server yet: it appears within seconds of being sent.</p>
        ) : (
          <FailureMessage failure={failure} />
        )}
      </section>
    );
  }
  if (!report) return <p role="status">Loading…</p>;
  return (
    <article aria-labelledby="report-title" class="submitted">
      <h1 id="report-title">Report as submitted</h1>
      <dl>
        <dt>Report id</dt>
        <dd>{report.incidentId}</dd>
        {meta && (
          <>
            <dt>Received</dt>
            <dd>{new Date(meta.receivedAt).toLocaleString()}</dd>
            <dt>Version</dt>
            <dd>
              {meta.version} ({meta.status})
            </dd>
          </>
        )}
        <dt>When</dt>
        <dd>{new Date(report.occurredAt).toLocaleString()}</dd>
        <dt>School</dt>
        <dd>{report.schoolId}</dd>
        <dt>Location</dt>
        <dd>{label(report.location)}</dd>
        <dt>Initiated by</dt>
        <dd>{label(report.initiatedBy)}</dd>
        <dt>Category</dt>
        <dd>{label(report.category)}</dd>
        <dt>Education Code sections</dt>
        <dd>{report.educationCodeSections?.join(", ") || "None"}</dd>
      </dl>
      {report.students.map((student, index) => (
        <section key={index} aria-labelledby={`student-${index}`}>
          <h2 id={`student-${index}`}>Student {index + 1}</h2>
          <dl>
            <dt>Name</dt>
            <dd>
              {[student.ref.firstName, student.ref.lastName].filter(Boolean).join(" ") ||
                "Not given"}
            </dd>
            <dt>Role</dt>
            <dd>{label(student.role)}</dd>
            <dt>Grade</dt>
            <dd>{label(student.grade)}</dd>
            <dt>Race or ethnicity (as perceived)</dt>
            <dd>{list(student.raceEthnicity)}</dd>
            <dt>Gender (as perceived)</dt>
            <dd>{label(student.gender)}</dd>
            <dt>Disability (as perceived)</dt>
            <dd>{label(student.disability)}</dd>
            <dt>English learner (as perceived)</dt>
            <dd>{label(student.englishLearner)}</dd>
            <dt>Officer actions</dt>
            <dd>{list(student.actions)}</dd>
            <dt>Contraband</dt>
            <dd>{list(student.contraband)}</dd>
          </dl>
        </section>
      ))}
      {(report.otherPersons ?? []).map((person, index) => (
        <section key={`p${index}`} aria-labelledby={`person-${index}`}>
          <h2 id={`person-${index}`}>Other person {index + 1}</h2>
          <p>
            {label(person.role)}:{" "}
            {[person.firstName, person.lastName].filter(Boolean).join(" ") || "no name given"}
          </p>
        </section>
      ))}
      <section aria-labelledby="narrative-title">
        <h2 id="narrative-title">Narrative</h2>
        <p class="narrative">{report.narrative ?? "None"}</p>
      </section>
    </article>
  );
};
