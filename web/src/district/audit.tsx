import { useMemo, useRef, useState } from "preact/hooks";
import type { AuditEntry } from "../../../shared/audit/entry.ts";
import { writeCsv } from "../../../shared/csv.ts";
import { useApi, useApp } from "../app.tsx";
import type { ScreenProps } from "../routes.ts";
import {
  asFailure,
  DataTable,
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
  useFilters,
} from "./common.tsx";

/**
 * The audit log for a records custodian: searched by user, action, target
 * and dates (each an index on the server), paged, and downloaded as CSV.
 * The CSV is written here, from the same paged JSON, by the product's one
 * CSV writer (shared/csv.ts): every page it reads is an audited read like
 * any other, and no second format or size limit is added to the API.
 */

interface Search {
  user: string;
  action: string;
  target: string;
  from: string;
  to: string;
}

const EMPTY: Search = { user: "", action: "", target: "", from: "", to: "" };
const COLUMNS = [
  "at",
  "userId",
  "role",
  "action",
  "target",
  "outcome",
  "code",
  "reason",
  "requestId",
] as const;

const SEARCH_FIELDS: readonly TextSpec<keyof Search>[] = [
  { name: "user", label: "User id", maxLength: 256 },
  { name: "action", label: "Action", hint: "Like incident.read_unredacted", maxLength: 64 },
  { name: "target", label: "Target", hint: "An incident id, or report:id", maxLength: 256 },
  { name: "from", label: "From", type: "date" },
  { name: "to", label: "To", type: "date" },
];

const queryOf = (search: Search) =>
  Object.fromEntries(
    Object.entries(search)
      .map(([name, value]) => [name, value.trim()])
      .filter(([, value]) => value !== ""),
  ) as Record<string, string>;

export const auditCsv = (entries: readonly AuditEntry[]) =>
  writeCsv(
    COLUMNS,
    entries.map((entry) => COLUMNS.map((column) => entry[column])),
  );

export default (_props: ScreenProps) => {
  const api = useApi();
  const { config } = useApp();
  const { draft, applied, set, apply } = useFilters<Search>("audit", EMPTY);
  const query = useMemo(() => JSON.stringify(queryOf(applied)), [applied]);
  const pages = useCursorPages<AuditEntry>(
    async (cursor, signal) =>
      (
        await api<Page<AuditEntry>>({
          path: "/audit",
          query: { ...queryOf(applied), limit: "50", cursor },
          signal,
        })
      ).body,
    query,
  );
  const [exporting, setExporting] = useState<{ entries: number } | undefined>();
  const [exportFailure, setExportFailure] = useState<ReturnType<typeof asFailure>>();
  const stop = useRef<AbortController | undefined>(undefined);

  const exportCsv = async () => {
    const controller = new AbortController();
    stop.current = controller;
    setExportFailure(undefined);
    const entries: AuditEntry[] = [];
    setExporting({ entries: 0 });
    try {
      let cursor: string | undefined;
      do {
        const { body } = await api<Page<AuditEntry>>({
          path: "/audit",
          query: { ...queryOf(applied), limit: "200", cursor },
          signal: controller.signal,
        });
        entries.push(...body.items);
        setExporting({ entries: entries.length });
        cursor = body.nextCursor ?? undefined;
      } while (cursor);
      download(
        `audit-log-${new Date().toISOString().slice(0, 10)}.csv`,
        "text/csv",
        auditCsv(entries),
      );
    } catch (error) {
      if (!controller.signal.aborted) setExportFailure(asFailure(error));
    } finally {
      setExporting(undefined);
    }
  };

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <p class="hint">Every read, refusal and report run, newest first.</p>
      <SubmitForm class="filters" onSubmit={apply}>
        {textFields(SEARCH_FIELDS, draft, set)}
        <button type="submit" class="primary">
          Search
        </button>
      </SubmitForm>
      <div class="actions">
        <button type="button" disabled={exporting !== undefined} onClick={() => void exportCsv()}>
          Download CSV of this search
        </button>
        {exporting && (
          <>
            <span role="status">Reading the log: {exporting.entries} entries…</span>
            <button type="button" onClick={() => stop.current?.abort()}>
              Stop
            </button>
          </>
        )}
      </div>
      {exportFailure && (
        <LoadState
          load={{ state: "failed", failure: exportFailure }}
          retry={() => void exportCsv()}
          what="the log"
        />
      )}
      {pages.load.state === "failed" && pages.load.failure.status === 400 ? (
        <div role="alert" class="error">
          <p>{pages.load.failure.message}</p>
          <RefusedDetails details={pages.load.failure.details} />
        </div>
      ) : (
        <LoadState load={pages.load} retry={pages.retry} what="the audit log" />
      )}
      {pages.load.state === "done" &&
        (pages.load.value.items.length === 0 ? (
          <Empty>No entries match this search.</Empty>
        ) : (
          <DataTable
            label="Audit entries"
            columns={["When", "User", "Role", "Action", "Target", "Outcome", "Reason"]}
          >
            {pages.load.value.items.map((entry, index) => (
              <tr key={`${entry.at}-${index}`}>
                <td>{dateTime(entry.at, config.timeZone)}</td>
                <td>{entry.userId}</td>
                <td>{entry.role}</td>
                <td>{entry.action}</td>
                <td class="wrap">{entry.target ?? ""}</td>
                <td>
                  {entry.outcome}
                  {entry.code ? ` (${entry.code})` : ""}
                </td>
                <td class="wrap">{entry.reason ?? ""}</td>
              </tr>
            ))}
          </DataTable>
        ))}
      <Pager pages={pages} label="Audit pages" />
    </section>
  );
};
