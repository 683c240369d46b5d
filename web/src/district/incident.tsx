import { useEffect, useState } from "preact/hooks";
import { useApi, useApp } from "../app.tsx";
import type { ScreenProps } from "../routes.ts";
import { asFailure, type Load, LoadState } from "./common.tsx";
import { IncidentView } from "./incident-view.tsx";

/** One incident, redacted (contracts section 3): what a school admin or an analyst may read. */
export default ({ params }: ScreenProps) => {
  const api = useApi();
  const { config } = useApp();
  const [load, setLoad] = useState<Load<Record<string, unknown>>>({ state: "loading" });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setLoad({ state: "loading" });
    api<{ view: string; incident: Record<string, unknown> }>({
      path: `/incidents/${encodeURIComponent(params.id ?? "")}`,
      signal: controller.signal,
    })
      .then(({ body }) => setLoad({ state: "done", value: body.incident }))
      .catch((error) => {
        if (!controller.signal.aborted) setLoad({ state: "failed", failure: asFailure(error) });
      });
    return () => controller.abort();
  }, [params.id, attempt]);
  return (
    <section aria-labelledby="incident-title">
      <h1 id="incident-title">Incident (redacted)</h1>
      <p>
        <a href="#/incidents">Back to the incidents</a>
      </p>
      {load.state === "failed" && load.failure.status === 404 ? (
        <p role="alert" class="error">
          No such incident among those you may read (it may have been voided).
        </p>
      ) : (
        <LoadState load={load} retry={() => setAttempt((n) => n + 1)} what="the incident" />
      )}
      {load.state === "done" && <IncidentView incident={load.value} timeZone={config.timeZone} />}
    </section>
  );
};
