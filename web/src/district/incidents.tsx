import { useMemo } from "preact/hooks";
import { CATEGORIES } from "../../../shared/incident/schema.ts";
import type { RedactedIncident } from "../../../shared/privacy/redact.ts";
import { DECISION_POINT_NAMES, decisionPointsOf } from "../../../shared/report/definitions.ts";
import { useApi, useApp } from "../app.tsx";
import { TextField } from "../officer/fields.tsx";
import { label } from "../officer/labels.ts";
import type { ScreenProps } from "../routes.ts";
import {
  DataTable,
  dateTime,
  Empty,
  FilterSelect,
  LoadState,
  OpenIncident,
  type Page,
  Pager,
  SubmitForm,
  useCursorPages,
  useFilters,
} from "./common.tsx";

/**
 * Redacted incidents: a school admin's schools, or the district for an
 * analyst (contracts section 7). Dates and the school go to the API; category
 * and decision point have no API parameter, so each page the API sends is
 * filtered here with the report's own rule for decision points.
 */

interface Filters {
  from: string;
  to: string;
  schoolId: string;
  category: string;
  decisionPoint: string;
}

const EMPTY: Filters = { from: "", to: "", schoolId: "", category: "", decisionPoint: "" };

/** A page of the API holds this many; filtered, the screen shows what matches of it. */
const PAGE_SIZE = 50;

export const matches = (
  incident: RedactedIncident,
  filters: Pick<Filters, "category" | "decisionPoint">,
) =>
  (!filters.category || incident.category === filters.category) &&
  (!filters.decisionPoint ||
    incident.students.some(
      (student) =>
        student.role === "subject" &&
        (decisionPointsOf(student.actions) as string[]).includes(filters.decisionPoint),
    ));

const IncidentList = () => {
  const api = useApi();
  const { profile, config } = useApp();
  const admin = profile?.role === "school_admin";
  const schools = profile?.schoolIds ?? [];
  const { draft, applied, set, apply } = useFilters<Filters>("incidents", {
    ...EMPTY,
    schoolId: admin ? (schools[0] ?? "") : "",
  });
  const query = useMemo(
    () => JSON.stringify([applied.from, applied.to, applied.schoolId]),
    [applied.from, applied.to, applied.schoolId],
  );
  const pages = useCursorPages<RedactedIncident>(
    async (cursor, signal) =>
      (
        await api<Page<RedactedIncident>>({
          path: "/incidents",
          query: {
            from: applied.from || undefined,
            to: applied.to || undefined,
            schoolId: applied.schoolId || undefined,
            limit: String(PAGE_SIZE),
            cursor,
          },
          signal,
        })
      ).body,
    query,
  );
  const shown =
    pages.load.state === "done"
      ? pages.load.value.items.filter((item) => matches(item, applied))
      : [];
  const filtered = applied.category !== "" || applied.decisionPoint !== "";

  return (
    <section aria-labelledby="incidents-title">
      <h1 id="incidents-title">Incidents</h1>
      <p class="hint">
        {admin ? "Your schools' incidents" : "Incidents of the district"}, redacted: no names, a
        keyed id for each student. Oldest first.
      </p>
      <SubmitForm class="filters" onSubmit={apply}>
        <TextField name="from" label="From" type="date" value={draft.from} onValue={set} />
        <TextField name="to" label="To" type="date" value={draft.to} onValue={set} />
        {admin ? (
          <FilterSelect
            name="schoolId"
            label="School"
            value={draft.schoolId}
            options={schools.map((school) => [school, school] as const)}
            onValue={set}
          />
        ) : (
          <TextField
            name="schoolId"
            label="School id (empty: every school)"
            value={draft.schoolId}
            maxLength={32}
            onValue={set}
          />
        )}
        <FilterSelect
          name="category"
          label="Category"
          any="Any category"
          value={draft.category}
          options={CATEGORIES.map((c) => [c, label(c)] as const)}
          onValue={set}
        />
        <FilterSelect
          name="decisionPoint"
          label="Decision point"
          any="Any decision point"
          value={draft.decisionPoint}
          options={DECISION_POINT_NAMES.map((d) => [d, label(d)] as const)}
          onValue={set}
        />
        <button type="submit" class="primary">
          Show incidents
        </button>
      </SubmitForm>
      <LoadState load={pages.load} retry={pages.retry} what="incidents" />
      {pages.load.state === "done" && (
        <>
          {shown.length === 0 ? (
            <Empty>
              {pages.load.value.items.length === 0
                ? "No incidents in this period."
                : "None of this page's incidents match the category or decision point; try the next page."}
            </Empty>
          ) : (
            <DataTable
              label="Incident list"
              columns={["When", "School", "Category", "Students", "Open"]}
              caption={
                <caption class="visually-hidden">
                  Incidents
                  {filtered
                    ? ` of this page that match (${shown.length} of ${pages.load.value.items.length})`
                    : ""}
                </caption>
              }
            >
              {shown.map((incident) => (
                <tr key={incident.incidentId}>
                  <td>{dateTime(incident.occurredAt, config.timeZone)}</td>
                  <td>{incident.schoolId}</td>
                  <td>{label(incident.category)}</td>
                  <td>{incident.students.length}</td>
                  <td>
                    <OpenIncident
                      href={`#/incidents/${incident.incidentId}`}
                      when={dateTime(incident.occurredAt, config.timeZone)}
                    />
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
          {filtered && (
            <p class="hint" role="status">
              {shown.length} of this page's {pages.load.value.items.length} incidents match.
            </p>
          )}
        </>
      )}
      <Pager pages={pages} label="Incident pages" />
    </section>
  );
};

export default (_props: ScreenProps) => <IncidentList />;
