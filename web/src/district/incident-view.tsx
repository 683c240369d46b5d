import { label } from "../officer/labels.ts";
import { dateTime } from "./common.tsx";

/**
 * One incident as definition lists: the redacted view for admins and
 * analysts, the full one for a custodian. Generic over the fields, so a
 * field the contract adds shows without a change here.
 */

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const FIELD_LABELS: Record<string, string> = {
  incidentId: "Incident id",
  occurredAt: "When",
  schoolId: "School",
  initiatedBy: "Initiated by",
  educationCodeSections: "Education Code sections",
  studentKey: "Student key (pseudonymous)",
  localId: "District student id",
  raceEthnicity: "Race or ethnicity (as perceived)",
  gender: "Gender (as perceived)",
  englishLearner: "English learner",
  dateOfBirth: "Date of birth",
  firstName: "First name",
  lastName: "Last name",
};

const fieldLabel = (name: string) =>
  FIELD_LABELS[name] ?? label(name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));

const Value = ({ name, value, timeZone }: { name: string; value: Json; timeZone: string }) => {
  if (value === null || value === undefined) return <>—</>;
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item !== "object" || item === null))
      return (
        <>
          {value.length === 0
            ? "none"
            : value
                .map((item) => (typeof item === "string" ? label(item) : String(item)))
                .join(", ")}
        </>
      );
    return null;
  }
  if (typeof value === "object") return <Fields value={value} timeZone={timeZone} />;
  if (name === "occurredAt" && typeof value === "string") return <>{dateTime(value, timeZone)}</>;
  if (typeof value === "string" && /^[a-z_]+$/.test(value) && name !== "schoolId")
    return <>{label(value)}</>;
  return <>{String(value)}</>;
};

const Fields = ({ value, timeZone }: { value: { [key: string]: Json }; timeZone: string }) => (
  <dl class="fields">
    {Object.entries(value)
      .filter(
        ([, item]) =>
          !(Array.isArray(item) && item.some((x) => typeof x === "object" && x !== null)),
      )
      .map(([name, item]) => (
        <div key={name}>
          <dt>{fieldLabel(name)}</dt>
          <dd>
            <Value name={name} value={item} timeZone={timeZone} />
          </dd>
        </div>
      ))}
  </dl>
);

export const IncidentView = ({
  incident,
  timeZone,
}: {
  incident: Record<string, unknown>;
  timeZone: string;
}) => {
  const { students, otherPersons, narrative, ...rest } = incident as {
    students?: Json[];
    otherPersons?: Json[];
    narrative?: string;
  } & Record<string, Json>;
  return (
    <div class="incident">
      <Fields value={rest} timeZone={timeZone} />
      {(students ?? []).map((student, index) => (
        <section key={`s${index}`} aria-labelledby={`student-${index}`} class="person">
          <h2 id={`student-${index}`}>Student {index + 1}</h2>
          <Fields value={student as { [key: string]: Json }} timeZone={timeZone} />
        </section>
      ))}
      {(otherPersons ?? []).map((person, index) => (
        <section key={`p${index}`} aria-labelledby={`person-${index}`} class="person">
          <h2 id={`person-${index}`}>Other person {index + 1}</h2>
          <Fields value={person as { [key: string]: Json }} timeZone={timeZone} />
        </section>
      ))}
      {narrative !== undefined && (
        <section aria-labelledby="narrative-title">
          <h2 id="narrative-title">Narrative</h2>
          <p class="narrative">{narrative}</p>
        </section>
      )}
    </div>
  );
};
