import { useEffect, useState } from "preact/hooks";
import { navigate, useApp } from "../app.tsx";
import type { ScreenProps } from "../routes.ts";
import type { OutboxRecord } from "../storage/db.ts";
import { type DraftSummary, deleteDraft, expireDrafts, listDrafts } from "../storage/drafts.ts";
import { deleteEntry, listOutbox, onOutboxChange, resendAsNew } from "../storage/outbox.ts";

const STATE_TEXT: Record<OutboxRecord["state"], string> = {
  queued: "Waiting to send",
  sending: "Sending",
  sent: "Sent",
  rejected: "Returned: needs fixing",
  conflict: "Conflict: the server holds a different report with this id",
};

const time = (ms: number) =>
  new Date(ms).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

/**
 * The outbox: every report of this officer on the device and its state.
 * Sent entries hold only id, time and school and are read-only; an unsent
 * one is deleted only when the officer says so, after a question.
 */
export const Outbox = ({ query }: ScreenProps) => {
  const { profile, session, sendOutbox } = useApp();
  const sub = profile!.sub;
  const [entries, setEntries] = useState<OutboxRecord[]>();
  const [drafts, setDrafts] = useState<DraftSummary[]>([]);
  const [expired, setExpired] = useState(0);
  const [confirming, setConfirming] = useState<string>();

  useEffect(() => {
    const refresh = () => {
      void listOutbox().then(setEntries);
      void listDrafts(sub).then(setDrafts);
    };
    void expireDrafts(sub).then(({ deleted }) => {
      setExpired(deleted);
      refresh();
    });
    return onOutboxChange(refresh);
  }, [sub]);

  if (!entries) return <p role="status">Opening the outbox…</p>;
  const mine = entries.filter((entry) => entry.sub === sub);
  const others = entries.filter((entry) => entry.sub !== sub && entry.state !== "sent").length;
  const waiting = mine.filter((entry) => entry.state === "queued" || entry.state === "sending");
  const warned = drafts.filter((draft) => draft.warnedAt !== undefined);

  return (
    <section aria-labelledby="outbox-title">
      <h1 id="outbox-title">Outbox</h1>
      <div role="status" aria-live="polite">
        {query.get("sent") && <p class="notice ok">Report sent.</p>}
        {query.get("queued") && waiting.length > 0 && (
          <p class="notice">Report stored on this device. It is sent as soon as possible.</p>
        )}
      </div>
      {expired > 0 && (
        <p class="notice warn">
          {expired} draft{expired === 1 ? " was" : "s were"} deleted after 8 days untouched.
        </p>
      )}
      {warned.length > 0 && (
        <p class="notice warn" role="alert">
          {warned.length} draft{warned.length === 1 ? " has" : "s have"} not been touched for 7 days
          and will be deleted in a day unless you open {warned.length === 1 ? "it" : "them"}.
        </p>
      )}
      {others > 0 && (
        <p class="notice">
          {others} report{others === 1 ? "" : "s"} by another officer on this device wait for that
          officer to sign in. They are never sent with your sign-in.
        </p>
      )}
      {waiting.length > 0 && session && (
        <button type="button" onClick={() => sendOutbox(true)}>
          Send now
        </button>
      )}

      <h2>Reports</h2>
      {mine.length === 0 ? (
        <p>No reports on this device.</p>
      ) : (
        <ul class="entries">
          {mine.map((entry) => (
            <li key={entry.id} class={`entry ${entry.state}`} data-incident-id={entry.id}>
              <p>
                <strong class="state">{STATE_TEXT[entry.state]}</strong>
              </p>
              <p>
                School {entry.schoolId} · {time(entry.sentAt ?? entry.createdAt)}
              </p>
              <p class="id">Report {entry.id}</p>
              {entry.state === "queued" && entry.lastError && (
                <p class="hint">
                  Last try: {entry.lastError.message} (attempt {entry.attempts}).
                </p>
              )}
              {(entry.state === "rejected" || entry.state === "conflict") && entry.lastError && (
                <p class="field-error">{entry.lastError.message}</p>
              )}
              <div class="actions">
                {entry.state === "sent" && <a href={`#/mine/${entry.id}`}>Open as submitted</a>}
                {entry.state === "rejected" && (
                  <button type="button" onClick={() => navigate(`/new/${entry.id}`)}>
                    Fix and send again
                  </button>
                )}
                {entry.state === "conflict" && (
                  <>
                    <button type="button" onClick={() => navigate(`/new/${entry.id}`)}>
                      Review
                    </button>
                    <button
                      type="button"
                      onClick={() => void resendAsNew(sub, entry.id).then(() => sendOutbox(true))}
                    >
                      Send as a new report
                    </button>
                  </>
                )}
                {entry.state !== "sent" &&
                  entry.state !== "sending" &&
                  (confirming === entry.id ? (
                    <fieldset class="confirm">
                      <legend>Delete this unsent report for good?</legend>
                      <button
                        type="button"
                        class="danger"
                        onClick={() => void deleteEntry(sub, entry.id)}
                      >
                        Yes, delete
                      </button>
                      <button type="button" onClick={() => setConfirming(undefined)}>
                        Keep it
                      </button>
                    </fieldset>
                  ) : (
                    <button type="button" class="danger" onClick={() => setConfirming(entry.id)}>
                      Delete…
                    </button>
                  ))}
              </div>
            </li>
          ))}
        </ul>
      )}

      <h2>Drafts</h2>
      {drafts.length === 0 ? (
        <p>No drafts.</p>
      ) : (
        <ul class="entries">
          {drafts.map((draft) => (
            <li key={draft.id} class="entry">
              <p>Draft, last changed {time(draft.updatedAt)}</p>
              <div class="actions">
                <a href={`#/new/${draft.id}`}>Open draft</a>
                <button
                  type="button"
                  class="danger"
                  onClick={() =>
                    void deleteDraft(draft.id).then(() => listDrafts(sub).then(setDrafts))
                  }
                >
                  Delete draft
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
};
