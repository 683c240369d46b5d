import { useState } from "preact/hooks";
import {
  findForbiddenFields,
  findForbiddenTerms,
  formatPath,
} from "../../../shared/incident/forbidden.ts";
import { IncidentEventV1Schema } from "../../../shared/incident/schema.ts";
import type { ApiFailure } from "../api.ts";
import { useApi, useApp } from "../app.tsx";
import type { ScreenProps } from "../routes.ts";
import { asFailure, type Load, LoadState, SubmitForm } from "./common.tsx";
import { IncidentView } from "./incident-view.tsx";
import { ReasonField, reasonProblem } from "./reason.tsx";

/**
 * One incident unredacted, for a records custodian, only after a stated
 * reason (sent as X-Access-Reason, shown in the audit log); then a
 * correction or a void with the reason the family's request gives
 * (contracts section 8).
 */

interface FullView {
  view: "full";
  incident: Record<string, unknown>;
  version?: number;
  status?: "active" | "voided";
  receivedAt?: string;
}

const ReadWithReason = ({ id, onRead }: { id: string; onRead: (view: FullView) => void }) => {
  const api = useApi();
  const [reason, setReason] = useState("");
  const [touched, setTouched] = useState(false);
  const [load, setLoad] = useState<Load<null>>({ state: "idle" });
  const read = async () => {
    setTouched(true);
    if (reasonProblem(reason)) return;
    setLoad({ state: "loading" });
    try {
      const { body } = await api<FullView>({
        path: `/incidents/${encodeURIComponent(id)}`,
        headers: { "x-access-reason": reason.trim() },
      });
      setLoad({ state: "idle" });
      onRead(body);
    } catch (error) {
      setLoad({ state: "failed", failure: asFailure(error) });
    }
  };
  return (
    <SubmitForm onSubmit={() => void read()}>
      <ReasonField
        label="Reason for reading it unredacted"
        value={reason}
        touched={touched}
        onValue={setReason}
      />
      <button type="submit" class="primary" disabled={load.state === "loading"}>
        Read unredacted
      </button>
      {load.state === "failed" && load.failure.status === 404 ? (
        <p role="alert" class="error">
          No incident with this id.
        </p>
      ) : (
        <LoadState load={load} retry={() => void read()} what="the incident" />
      )}
    </SubmitForm>
  );
};

type Change =
  | { state: "editing" }
  | { state: "sending" }
  | { state: "done"; version: number; voided: boolean }
  | { state: "failed"; failure: ApiFailure };

const Amend = ({ id, view, onChanged }: { id: string; view: FullView; onChanged: () => void }) => {
  const api = useApi();
  const [kind, setKind] = useState<"correct" | "void">("correct");
  const [reason, setReason] = useState("");
  const [text, setText] = useState(() => JSON.stringify(view.incident, null, 2));
  const [touched, setTouched] = useState(false);
  const [change, setChange] = useState<Change>({ state: "editing" });
  // One id per intended change: a retry after a dropped answer is the same correction.
  const [correctionId, setCorrectionId] = useState(() => crypto.randomUUID());

  const reasonError =
    reasonProblem(reason) ??
    (findForbiddenTerms(reason).length > 0
      ? "The reason names a term the law forbids recording (Education Code 234.7)."
      : undefined);
  let parsed: unknown;
  let incidentErrors: string[] = [];
  if (kind === "correct") {
    try {
      parsed = JSON.parse(text);
      const forbidden = findForbiddenFields(parsed).map(
        (path) => `${formatPath(path)}: a field the law forbids`,
      );
      const result = IncidentEventV1Schema.safeParse(parsed);
      incidentErrors = [
        ...forbidden,
        ...(result.success
          ? []
          : result.error.issues.map(
              (issue) => `${issue.path.join(".") || "incident"}: ${issue.message}`,
            )),
      ];
    } catch {
      incidentErrors = ["The incident is not valid JSON."];
    }
  }

  const send = async () => {
    setTouched(true);
    if (reasonError || incidentErrors.length > 0 || view.version === undefined) return;
    setChange({ state: "sending" });
    try {
      const { body } = await api<{ version: number }>({
        method: "POST",
        path: `/incidents/${encodeURIComponent(id)}/corrections`,
        body: {
          correctionId,
          baseVersion: view.version,
          reason: reason.trim(),
          ...(kind === "void" ? { void: true } : { incident: parsed }),
        },
      });
      setChange({ state: "done", version: body.version, voided: kind === "void" });
      setCorrectionId(crypto.randomUUID());
    } catch (error) {
      setChange({ state: "failed", failure: asFailure(error) });
    }
  };

  if (change.state === "done")
    return (
      <div role="status" class="success">
        <p>
          {change.voided ? "Voided" : "Corrected"}: version {change.version} is now the incident's
          current version.
        </p>
        <button type="button" onClick={onChanged}>
          Read it again
        </button>
      </div>
    );
  return (
    <SubmitForm onSubmit={() => void send()}>
      <fieldset>
        <legend>Change</legend>
        <div class="field check">
          <input
            id="amend-correct"
            type="radio"
            name="kind"
            value="correct"
            checked={kind === "correct"}
            onChange={() => setKind("correct")}
          />
          <label for="amend-correct">Correct it</label>
        </div>
        <div class="field check">
          <input
            id="amend-void"
            type="radio"
            name="kind"
            value="void"
            checked={kind === "void"}
            onChange={() => setKind("void")}
          />
          <label for="amend-void">Void it (entered in error)</label>
        </div>
      </fieldset>
      <ReasonField
        name="correctionReason"
        label="Reason, as the request gives it"
        value={reason}
        touched={touched}
        onValue={setReason}
      />
      {touched && !reasonProblem(reason) && reasonError && (
        <p class="field-error" role="alert">
          {reasonError}
        </p>
      )}
      {kind === "correct" && (
        <div class={`field${touched && incidentErrors.length > 0 ? " invalid" : ""}`}>
          <label for="amend-incident">The corrected incident (the whole event, JSON)</label>
          <textarea
            id="amend-incident"
            name="incident"
            rows={16}
            spellcheck={false}
            value={text}
            aria-invalid={touched && incidentErrors.length > 0 ? "true" : undefined}
            aria-describedby={
              touched && incidentErrors.length > 0 ? "amend-incident-error" : undefined
            }
            onInput={(event) => setText(event.currentTarget.value)}
          />
          {touched && incidentErrors.length > 0 && (
            <ul class="field-error" id="amend-incident-error">
              {incidentErrors.slice(0, 20).map((error) => (
                <li key={error}>{error}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      <button type="submit" class="primary" disabled={change.state === "sending"}>
        {kind === "void" ? "Void the incident" : "Save the correction"}
      </button>
      {change.state === "failed" &&
        (change.failure.status === 409 ? (
          <p role="alert" class="error">
            {change.failure.code === "VERSION_CONFLICT"
              ? "Someone changed this incident meanwhile: read it again, then make your change on the new version."
              : change.failure.code === "VOIDED"
                ? "The incident is voided; it can no longer be changed."
                : change.failure.message}
          </p>
        ) : change.failure.status === 422 ? (
          <div role="alert" class="error">
            <p>{change.failure.message}</p>
            <ul>
              {change.failure.details.map((detail) => (
                <li key={`${detail.path}${detail.message}`}>
                  {detail.path}: {detail.message}
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <LoadState
            load={{ state: "failed", failure: change.failure }}
            retry={() => void send()}
            what="the change"
          />
        ))}
    </SubmitForm>
  );
};

export default ({ params }: ScreenProps) => {
  const { config } = useApp();
  const id = params.id ?? "";
  const [view, setView] = useState<FullView>();
  return (
    <section aria-labelledby="record-title">
      <h1 id="record-title">Incident, unredacted</h1>
      <p>
        <a href="#/records">Back to student records</a>
      </p>
      {view === undefined ? (
        <>
          <p class="hint">Reading an incident unredacted needs a reason; the read is audited.</p>
          <ReadWithReason id={id} onRead={setView} />
        </>
      ) : (
        <>
          <p role="status">
            Version {view.version ?? 1}, {view.status ?? "active"}.
          </p>
          <IncidentView incident={view.incident} timeZone={config.timeZone} />
          {view.status !== "voided" && (
            <section aria-labelledby="amend-title">
              <h2 id="amend-title">Correct or void</h2>
              <Amend id={id} view={view} onChanged={() => setView(undefined)} />
            </section>
          )}
        </>
      )}
    </section>
  );
};
