import { useMemo, useRef, useState } from "preact/hooks";
import type { AuditEntry } from "../../../shared/audit/entry.ts";
import { writeCsv } from "../../../shared/csv.ts";
import { useApi, useApp } from "../app.tsx";
import { TextField } from "../officer/fields.tsx";
import type { ScreenProps } from "../routes.ts";
import {
  asFailure,
  dateTime,
  download,
  Empty,
  LoadState,
  type Page,
  Pager,
  TableRegion,
  useCursorPages,
  useKept,
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
  const [draft, setDraft] = useKept<Search>("audit", EMPTY);
  const [applied, setApplied] = useState<Search>(draft);
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

  const set = (name: string, value: string) => setDraft({ ...draft, [name]: value });
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <p class="hint">Every read, refusal and report run, newest first.</p>
      <form
        class="filters"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          setApplied(draft);
        }}
      >
        <TextField name="user" label="User id" value={draft.user} maxLength={256} onValue={set} />
        <TextField
          name="action"
          label="Action"
          hint="Like incident.read_unredacted"
          value={draft.action}
          maxLength={64}
          onValue={set}
        />
        <TextField
          name="target"
          label="Target"
          hint="An incident id, or report:id"
          value={draft.target}
          maxLength={256}
          onValue={set}
        />
        <TextField name="from" label="From" type="date" value={draft.from} onValue={set} />
        <TextField name="to" label="To" type="date" value={draft.to} onValue={set} />
        <button type="submit" class="primary">
          Search
        </button>
      </form>
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
          <ul>
            {pages.load.failure.details.map((detail) => (
              <li key={detail.path}>
                {detail.path}: {detail.message}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <LoadState load={pages.load} retry={pages.retry} what="the audit log" />
      )}
      {pages.load.state === "done" &&
        (pages.load.value.items.length === 0 ? (
          <Empty>No entries match this search.</Empty>
        ) : (
          <TableRegion label="Audit entries">
            <table>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">User</th>
                  <th scope="col">Role</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
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
              </tbody>
            </table>
          </TableRegion>
        ))}
      <Pager pages={pages} label="Audit pages" />
    </section>
  );
};
