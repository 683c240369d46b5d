import { useEffect, useState } from "preact/hooks";
import { ApiFailure } from "../api.ts";
import { useApi } from "../app.tsx";
import type { ScreenProps } from "../routes.ts";
import { FailureMessage } from "../screens/status.tsx";
import { label } from "./labels.ts";

interface MyIncident {
  incidentId: string;
  occurredAt: string;
  schoolId: string;
  category: string;
  students: number;
  receivedAt: string;
  version: number;
  status: string;
}

/** "My reports": `GET /me/incidents`, newest first, each openable as submitted. */
export const MyReports = (_props: ScreenProps) => {
  const api = useApi();
  const [items, setItems] = useState<MyIncident[]>([]);
  const [cursor, setCursor] = useState<string | null>();
  const [failure, setFailure] = useState<ApiFailure>();
  const [loading, setLoading] = useState(true);

  const load = async (after?: string) => {
    setLoading(true);
    setFailure(undefined);
    try {
      const { body } = await api<{ items: MyIncident[]; nextCursor: string | null }>({
        path: "/me/incidents",
        query: { cursor: after },
      });
      setItems((current) => (after ? [...current, ...body.items] : body.items));
      setCursor(body.nextCursor);
    } catch (error) {
      setFailure(error instanceof ApiFailure ? error : new ApiFailure(0, "NETWORK", "Failed."));
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    void load();
  }, []);

  return (
    <section aria-labelledby="mine-title">
      <h1 id="mine-title">My reports</h1>
      {failure && <FailureMessage failure={failure} />}
      {!failure && !loading && items.length === 0 && <p>You have not submitted a report yet.</p>}
      <ul class="entries">
        {items.map((item) => (
          <li key={item.incidentId} class="entry" data-incident-id={item.incidentId}>
            <p>
              <a href={`#/mine/${encodeURIComponent(item.incidentId)}`}>
                {label(item.category)}, {new Date(item.occurredAt).toLocaleString()}
              </a>
            </p>
            <p>
              School {item.schoolId} · {item.students} student{item.students === 1 ? "" : "s"} ·
              version {item.version}
              {item.status !== "active" && ` · ${item.status}`}
            </p>
          </li>
        ))}
      </ul>
      {loading && <p role="status">Loading…</p>}
      {cursor && !loading && (
        <button type="button" onClick={() => void load(cursor)}>
          Show more
        </button>
      )}
    </section>
  );
};
