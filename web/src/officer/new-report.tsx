import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { findForbiddenTerms } from "../../../shared/incident/forbidden.ts";
import {
  CATEGORIES,
  CONTRABAND,
  GENDERS,
  GRADES,
  INITIATED_BY,
  type IncidentEventV1,
  LOCATIONS,
  MAX_NARRATIVE_LENGTH,
  MAX_OTHER_PERSONS,
  MAX_STUDENTS,
  PERSON_ROLES,
  RACE_ETHNICITIES,
  STUDENT_ACTIONS,
  STUDENT_ROLES,
  YES_NO_NOT_RECORDED,
} from "../../../shared/incident/schema.ts";
import { type NameCandidate, nameCandidates } from "../../../shared/privacy/name-candidates.ts";
import { zonedWallClock } from "../../../shared/time/zoned.ts";
import { navigate, useApp } from "../app.tsx";
import type { ScreenProps } from "../routes.ts";
import type { PrefsRecord } from "../storage/db.ts";
import { StorageFull } from "../storage/db.ts";
import { deleteDraft, listDrafts, loadDraft, saveDraft } from "../storage/drafts.ts";
import { enqueue, entryReport, flushOutbox, outboxEntry } from "../storage/outbox.ts";
import { byUse, loadPrefs, rememberReport } from "../storage/prefs.ts";
import { type ControlSpec, FormControl, idFor, TextField } from "./fields.tsx";
import {
  emptyForm,
  emptyPerson,
  emptyStudent,
  type FormValues,
  fromEvent,
  getAt,
  setAt,
  toEvent,
  validate,
} from "./form-model.ts";

const FORBIDDEN_REASON =
  "California Education Code 234.7 forbids collecting immigration or citizenship status. Rewrite without it.";

const isEmpty = (value: unknown) =>
  value === undefined || value === "" || (Array.isArray(value) && value.length === 0);

/** The form's lists of entries that the officer adds to and removes from. */
type Lists = "students" | "otherPersons" | "educationCodeSections";

/** The server's errors by path, the first for each path. */
const errorsByPath = (details: ReadonlyArray<{ path: string; message: string }> = []) => {
  const errors = new Map<string, string>();
  for (const detail of details) {
    if (!errors.has(detail.path)) errors.set(detail.path, detail.message);
  }
  return errors;
};

/** A student's controls, by path below `students[i]`. */
const STUDENT_CONTROLS: readonly ControlSpec[] = [
  { kind: "radio", field: "role", label: "Role", options: STUDENT_ROLES },
  { kind: "select", field: "grade", label: "Grade", options: GRADES },
  {
    kind: "checkbox",
    field: "raceEthnicity",
    label: "Race or ethnicity (as perceived)",
    options: [...RACE_ETHNICITIES, "not_recorded"],
  },
  { kind: "radio", field: "gender", label: "Gender (as perceived)", options: GENDERS },
  {
    kind: "radio",
    field: "disability",
    label: "Disability (as perceived)",
    options: YES_NO_NOT_RECORDED,
  },
  {
    kind: "radio",
    field: "englishLearner",
    label: "English learner (as perceived)",
    options: YES_NO_NOT_RECORDED,
  },
  { kind: "checkbox", field: "actions", label: "Officer actions", options: STUDENT_ACTIONS },
];

/** A student's optional identity, age and contraband controls. */
const STUDENT_IDENTITY_CONTROLS: readonly ControlSpec[] = [
  { kind: "text", field: "ref.firstName", label: "First name", maxLength: 64 },
  { kind: "text", field: "ref.lastName", label: "Last name", maxLength: 64 },
  { kind: "text", field: "ref.localId", label: "District student id", maxLength: 32 },
  { kind: "text", field: "ref.dateOfBirth", label: "Date of birth", type: "date" },
  { kind: "text", field: "age", label: "Age (as perceived)", inputMode: "numeric" },
  { kind: "checkbox", field: "contraband", label: "Contraband found", options: CONTRABAND },
];

/** Another person's controls, by path below `otherPersons[i]`. */
const PERSON_CONTROLS: readonly ControlSpec[] = [
  { kind: "radio", field: "role", label: "Role", options: PERSON_ROLES },
  { kind: "text", field: "firstName", label: "First name", maxLength: 64 },
  { kind: "text", field: "lastName", label: "Last name", maxLength: 64 },
];

/**
 * The new report (contracts section 7): every field of the event, for any
 * number of students and other persons; validated as the officer types with
 * the API's own schema; saved as a draft on every change; checked for
 * unlisted names before it goes to the outbox.
 */
export const NewReport = ({ params }: ScreenProps) => {
  const { config, profile, session, sendOutbox, expired } = useApp();
  const sub = profile!.sub;
  const timeZone = config.timeZone;
  const [values, setValues] = useState<FormValues>();
  const [prefs, setPrefs] = useState<PrefsRecord>();
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [attempted, setAttempted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Map<string, string>>(new Map());
  const [serverMessage, setServerMessage] = useState<string>();
  const [candidates, setCandidates] = useState<NameCandidate[]>();
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const [status, setStatus] = useState<string>();
  const [busy, setBusy] = useState(false);
  const summaryRef = useRef<HTMLElement>(null);
  const namesRef = useRef<HTMLElement>(null);
  const saveTimer = useRef<number>(undefined);

  const wallClockNow = () => zonedWallClock(new Date(), timeZone);

  // Open the draft or returned outbox entry named in the route, else the latest draft, else a new one.
  useEffect(() => {
    let live = true;
    (async () => {
      const loadedPrefs = await loadPrefs(sub);
      let loaded: FormValues | undefined;
      const id = params.id;
      if (id) {
        loaded = await loadDraft(sub, id);
        const entry = loaded ? undefined : await outboxEntry(id);
        if (
          entry &&
          entry.sub === sub &&
          (entry.state === "rejected" || entry.state === "conflict")
        ) {
          const report = await entryReport<IncidentEventV1>(entry);
          if (report) loaded = fromEvent(report, (iso) => zonedWallClock(new Date(iso), timeZone));
          if (live) {
            setServerErrors(errorsByPath(entry.lastError?.details));
            setServerMessage(entry.lastError?.message);
            setAttempted(true);
          }
        }
      } else {
        const [latest] = await listDrafts(sub);
        if (latest) loaded = await loadDraft(sub, latest.id);
      }
      if (!live) return;
      const schools = profile!.schoolIds;
      const favourite = byUse(schools, loadedPrefs.schoolCounts)[0] ?? "";
      setPrefs(loadedPrefs);
      setValues(loaded ?? emptyForm(wallClockNow(), favourite));
    })().catch(() => live && setStatus("This report could not be opened on this device."));
    return () => {
      live = false;
    };
  }, [params.id, sub]);

  const event = useMemo(() => (values ? toEvent(values, timeZone) : undefined), [values, timeZone]);
  const errors = useMemo(() => (event ? validate(event) : new Map<string, string>()), [event]);
  const forbidden = useMemo(() => findForbiddenTerms(values?.narrative ?? ""), [values?.narrative]);

  if (!values || !prefs) {
    return <p role="status">{status ?? "Opening the form…"}</p>;
  }

  const change = (next: FormValues, path?: string) => {
    setValues(next);
    if (path && serverErrors.has(path)) {
      const rest = new Map(serverErrors);
      rest.delete(path);
      setServerErrors(rest);
    }
    clearTimeout(saveTimer.current);
    // Saved as the officer types: a short pause batches the keystrokes of a word.
    saveTimer.current = window.setTimeout(() => {
      saveDraft(sub, next).catch((error) => {
        if (!(error instanceof StorageFull))
          setStatus("The draft could not be saved on this device.");
      });
    }, 250);
  };

  const set = (path: string, value: unknown) => change(setAt(values, path, value), path);
  const touch = (path: string) => {
    if (!touched.has(path)) setTouched(new Set([...touched, path]));
  };
  const onValue = (path: string, value: string) => {
    touch(path);
    set(path, value);
  };
  const onToggle = (path: string, value: string, checked: boolean) => {
    touch(path);
    const current = (getAt(values, path) as string[] | undefined) ?? [];
    let next = checked ? [...current, value] : current.filter((entry) => entry !== value);
    // "Not recorded" is a race/ethnicity answer of its own, never beside a category.
    if (path.endsWith(".raceEthnicity") && checked) {
      next =
        value === "not_recorded"
          ? ["not_recorded"]
          : next.filter((entry) => entry !== "not_recorded");
    }
    set(path, next);
  };

  /** The error shown at a control: the server's, or the schema's once touched or after a submit. */
  const errorAt = (path: string): string | undefined => {
    const server = serverErrors.get(path);
    if (server) return server;
    const local = errors.get(path);
    if (!local || (!attempted && !touched.has(path))) return undefined;
    return isEmpty(getAt(values, path)) ? "Required." : local;
  };

  /** The controls `specs` describe, each editing its field below `at` (or at the top). */
  const controls = (specs: readonly ControlSpec[], at?: string) =>
    specs.map((spec) => {
      const path = at ? `${at}.${spec.field}` : spec.field;
      return (
        <FormControl
          key={path}
          spec={spec}
          name={path}
          value={getAt(values, path)}
          error={errorAt(path)}
          onValue={onValue}
          onToggle={onToggle}
          onBlur={touch}
        />
      );
    });

  /** The form with `item` added at the end of one of its lists. */
  const addTo = <K extends Lists>(list: K, item: FormValues[K][number]) =>
    change({ ...values, [list]: [...values[list], item] });

  /** A button that takes the entry at `index` out of one of the form's lists. */
  const removeButton = (list: Lists, index: number, text: string) => (
    <button
      type="button"
      class="danger"
      onClick={() =>
        change({
          ...values,
          [list]: (values[list] as readonly unknown[]).filter((_, other) => other !== index),
        })
      }
    >
      {text}
    </button>
  );

  const startFromLast = () => {
    const last = prefs.last;
    if (!last) return;
    const schoolId = profile!.schoolIds.includes(last.schoolId) ? last.schoolId : values.schoolId;
    change({ ...values, schoolId, location: last.location, initiatedBy: last.initiatedBy });
  };

  const listedPeople = () => [
    ...values.students.map((student) => ({
      firstName: student.ref.firstName.trim() || undefined,
      lastName: student.ref.lastName.trim() || undefined,
    })),
    ...values.otherPersons.map((person) => ({
      firstName: person.firstName.trim() || undefined,
      lastName: person.lastName.trim() || undefined,
    })),
  ];

  const send = async () => {
    setBusy(true);
    try {
      const report = toEvent(values, timeZone) as Record<string, unknown> & {
        incidentId: string;
        schoolId: string;
      };
      await enqueue(sub, report);
      await deleteDraft(values.incidentId);
      await rememberReport(sub, {
        schoolId: values.schoolId,
        location: values.location,
        initiatedBy: values.initiatedBy,
      });
      if (!session) {
        navigate("/outbox?queued=1");
        return;
      }
      const { outcomes } = await flushOutbox(session, true);
      const outcome = outcomes.get(values.incidentId);
      if (outcome === "unauthenticated") {
        await expired();
        navigate("/outbox?queued=1");
        return;
      }
      // Schedules the retries of whatever still waits.
      sendOutbox();
      if (outcome === "rejected") {
        // Back to the form with the server's errors at their controls.
        const entry = await outboxEntry(values.incidentId);
        setServerErrors(errorsByPath(entry?.lastError?.details));
        setServerMessage(entry?.lastError?.message);
        setAttempted(true);
        requestAnimationFrame(() => summaryRef.current?.focus());
        return;
      }
      navigate(outcome === "sent" ? "/outbox?sent=1" : "/outbox?queued=1");
    } catch (error) {
      setStatus(
        error instanceof StorageFull
          ? error.message
          : "The report could not be stored on this device.",
      );
    } finally {
      setBusy(false);
    }
  };

  const onSubmit = (submitEvent: Event) => {
    submitEvent.preventDefault();
    setAttempted(true);
    if (errors.size > 0 || forbidden.length > 0) {
      requestAnimationFrame(() => summaryRef.current?.focus());
      return;
    }
    const found = nameCandidates(values.narrative, listedPeople()).filter(
      (candidate) => !dismissed.has(candidate.text.toLowerCase()),
    );
    if (found.length > 0) {
      setCandidates(found);
      requestAnimationFrame(() => namesRef.current?.focus());
      return;
    }
    setCandidates(undefined);
    void send();
  };

  const resolveCandidate = (candidate: NameCandidate, as: "student" | "person" | "dismiss") => {
    const rest = (candidates ?? []).filter((entry) => entry !== candidate);
    setCandidates(rest.length > 0 ? rest : undefined);
    if (as === "dismiss") {
      setDismissed(new Set([...dismissed, candidate.text.toLowerCase()]));
      return;
    }
    const first = candidate.firstName ?? "";
    const last = candidate.lastName ?? "";
    if (as === "student") {
      const student = emptyStudent();
      student.ref.firstName = first;
      student.ref.lastName = last;
      change({ ...values, students: [...values.students, student] });
    } else {
      change({
        ...values,
        otherPersons: [
          ...values.otherPersons,
          { ...emptyPerson(), firstName: first, lastName: last },
        ],
      });
    }
  };

  const schools = byUse(profile!.schoolIds, prefs.schoolCounts);
  const locations = byUse(LOCATIONS, prefs.locationCounts);
  const summaryErrors = [
    ...new Map([
      ...[...errors].filter(([path]) => attempted || touched.has(path)),
      ...serverErrors,
    ]),
  ];
  const showSummary =
    attempted && (summaryErrors.length > 0 || forbidden.length > 0 || serverMessage);

  return (
    <form class="report" noValidate onSubmit={onSubmit} aria-labelledby="report-title">
      <h1 id="report-title">New report</h1>
      {status && (
        <p class="notice error" role="alert">
          {status}
        </p>
      )}
      <section
        ref={summaryRef}
        tabIndex={-1}
        class={showSummary ? "summary" : "summary empty"}
        aria-label="Problems to fix"
        aria-live="polite"
      >
        {showSummary && (
          <>
            <h2>Fix before sending</h2>
            {serverMessage && <p>The server returned this report: {serverMessage}</p>}
            <ul>
              {summaryErrors.map(([path, message]) => (
                <li key={path}>
                  <a
                    href={`#${idFor(path)}`}
                    onClick={(click) => {
                      click.preventDefault();
                      const target =
                        document.getElementById(idFor(path)) ??
                        document.querySelector<HTMLElement>(`[name="${CSS.escape(path)}"]`);
                      target?.focus();
                    }}
                  >
                    {path || "report"}: {isEmpty(getAt(values, path)) ? "Required." : message}
                  </a>
                </li>
              ))}
              {forbidden.length > 0 && (
                <li>
                  <a href={`#${idFor("narrative")}`}>narrative: forbidden terms</a>
                </li>
              )}
            </ul>
          </>
        )}
      </section>

      <div class="quick">
        {prefs.last && (
          <button type="button" onClick={startFromLast}>
            Start from my last report
          </button>
        )}
      </div>

      <fieldset>
        <legend>When and where</legend>
        {controls([
          {
            kind: "text",
            field: "occurredAt",
            label: `Date and time (${timeZone})`,
            type: "datetime-local",
            required: true,
          },
          { kind: "select", field: "schoolId", label: "School", options: schools },
          { kind: "select", field: "location", label: "Location", options: locations },
          { kind: "select", field: "initiatedBy", label: "Initiated by", options: INITIATED_BY },
          { kind: "select", field: "category", label: "Category", options: CATEGORIES },
        ])}
      </fieldset>

      {values.students.map((_student, index) => {
        const at = `students[${index}]`;
        return (
          <fieldset key={index} class="person">
            <legend>Student {index + 1}</legend>
            {controls(STUDENT_CONTROLS, at)}
            <details>
              <summary>Identity, age and contraband (optional)</summary>
              {controls(STUDENT_IDENTITY_CONTROLS, at)}
            </details>
            {values.students.length > 1 &&
              removeButton("students", index, `Remove student ${index + 1}`)}
          </fieldset>
        );
      })}
      {values.students.length < MAX_STUDENTS && (
        <button type="button" onClick={() => addTo("students", emptyStudent())}>
          Add a student
        </button>
      )}

      {values.otherPersons.map((_person, index) => {
        const at = `otherPersons[${index}]`;
        return (
          <fieldset key={index} class="person">
            <legend>Other person {index + 1}</legend>
            {controls(PERSON_CONTROLS, at)}
            {removeButton("otherPersons", index, `Remove other person ${index + 1}`)}
          </fieldset>
        );
      })}
      {values.otherPersons.length < MAX_OTHER_PERSONS && (
        <button type="button" onClick={() => addTo("otherPersons", emptyPerson())}>
          Add another person (staff, parent, adult)
        </button>
      )}

      <fieldset>
        <legend>Education Code sections (optional)</legend>
        {values.educationCodeSections.map((section, index) => (
          <div class="row" key={index}>
            <TextField
              name={`educationCodeSections[${index}]`}
              label={`Section ${index + 1}`}
              hint="Like 48900(a)(1) or 48900.2"
              value={section}
              maxLength={32}
              error={errorAt(`educationCodeSections[${index}]`)}
              onValue={onValue}
              onBlur={touch}
            />
            {removeButton("educationCodeSections", index, `Remove section ${index + 1}`)}
          </div>
        ))}
        <button type="button" onClick={() => addTo("educationCodeSections", "")}>
          Add a section
        </button>
      </fieldset>

      <div class={`field${errorAt("narrative") || forbidden.length > 0 ? " invalid" : ""}`}>
        <label for={idFor("narrative")}>Narrative</label>
        <p class="hint" id={`${idFor("narrative")}-hint`}>
          Name people only as listed above: only listed names are replaced in the redacted copy.
        </p>
        <textarea
          id={idFor("narrative")}
          name="narrative"
          rows={8}
          maxLength={MAX_NARRATIVE_LENGTH}
          value={values.narrative}
          aria-invalid={errorAt("narrative") || forbidden.length > 0 ? "true" : undefined}
          aria-describedby={[
            `${idFor("narrative")}-hint`,
            forbidden.length > 0 ? `${idFor("narrative")}-forbidden` : "",
            errorAt("narrative") ? `${idFor("narrative")}-error` : "",
          ]
            .filter(Boolean)
            .join(" ")}
          onInput={(input) => onValue("narrative", input.currentTarget.value)}
        />
        {forbidden.length > 0 && (
          <div class="field-error" id={`${idFor("narrative")}-forbidden`} role="alert">
            <p>Not allowed in a report: {forbidden.map((term) => `“${term}”`).join(", ")}.</p>
            <p>{FORBIDDEN_REASON}</p>
          </div>
        )}
        {errorAt("narrative") && (
          <p class="field-error" id={`${idFor("narrative")}-error`}>
            {errorAt("narrative")}
          </p>
        )}
        <p class="hint">
          {values.narrative.length} of {MAX_NARRATIVE_LENGTH} characters
        </p>
      </div>

      {candidates && (
        <section class="names" ref={namesRef} tabIndex={-1} aria-labelledby="names-title">
          <h2 id="names-title">Names check</h2>
          <p>
            These words look like names that are not listed. Only listed names are hidden in the
            redacted copy. Add each person, or say it is not a name.
          </p>
          <ul>
            {candidates.map((candidate) => (
              <li key={candidate.text}>
                <strong>{candidate.text}</strong>
                <div class="actions">
                  <button type="button" onClick={() => resolveCandidate(candidate, "student")}>
                    Add as a student
                  </button>
                  <button type="button" onClick={() => resolveCandidate(candidate, "person")}>
                    Add as another person
                  </button>
                  <button type="button" onClick={() => resolveCandidate(candidate, "dismiss")}>
                    Not a name
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </section>
      )}

      <button type="submit" class="primary" disabled={busy}>
        {busy ? "Sending…" : "Send report"}
      </button>
      <p class="hint">Reports are stored on this device first, then sent.</p>
    </form>
  );
};
