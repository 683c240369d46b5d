import { useState } from "preact/hooks";
import { useApi, useApp } from "../app.tsx";
import { TextField } from "../officer/fields.tsx";
import type { ScreenProps } from "../routes.ts";
import {
  asFailure,
  DataTable,
  dateTime,
  Empty,
  type Load,
  LoadState,
  OpenIncident,
  SubmitForm,
} from "./common.tsx";
import { ReasonField, reasonProblem } from "./reason.tsx";

/**
 * A student's incidents by district student id (contracts section 8), for a
 * records custodian answering an access or amendment request. The id is
 * identifying: it stays in this screen's memory, never in the address, the
 * history or storage, and goes to the API only with the stated reason.
 */

interface Found {
  incidentId: string;
  occurredAt: string;
  schoolId: string;
  status: string;
}

export default (_props: ScreenProps) => {
  const api = useApi();
  const { config } = useApp();
  const [localId, setLocalId] = useState("");
  const [reason, setReason] = useState("");
  const [touched, setTouched] = useState(false);
  const [load, setLoad] = useState<Load<Found[]>>({ state: "idle" });
  const [openReason, setOpenReason] = useState<string>();

  const search = async () => {
    setTouched(true);
    if (localId.trim() === "" || reasonProblem(reason)) return;
    setLoad({ state: "loading" });
    try {
      const { body } = await api<{ items: Found[] }>({
        path: "/custodian/incidents",
        query: { localId: localId.trim() },
        headers: { "x-access-reason": reason.trim() },
      });
      setLoad({ state: "done", value: body.items });
      setOpenReason(reason.trim());
    } catch (error) {
      setLoad({ state: "failed", failure: asFailure(error) });
    }
  };

  return (
    <section aria-labelledby="records-title">
      <h1 id="records-title">Student records</h1>
      <p class="hint">
        Find every incident of one student to answer a records request. The search and its reason
        are written to the audit log.
      </p>
      <SubmitForm onSubmit={() => void search()}>
        <TextField
          name="localId"
          label="District student id"
          value={localId}
          error={touched && localId.trim() === "" ? "Enter the student's district id." : undefined}
          maxLength={64}
          required
          onValue={(_name, value) => setLocalId(value)}
        />
        <ReasonField
          label="Reason for this search"
          value={reason}
          touched={touched}
          onValue={setReason}
        />
        <button type="submit" class="primary" disabled={load.state === "loading"}>
          Find incidents
        </button>
      </SubmitForm>
      {load.state === "failed" && load.failure.status === 404 ? (
        <p role="alert" class="error">
          The student search is not available on this server yet (404).
        </p>
      ) : (
        <LoadState load={load} retry={() => void search()} what="the student's incidents" />
      )}
      {load.state === "done" &&
        (load.value.length === 0 ? (
          <Empty>No incidents name this student.</Empty>
        ) : (
          <DataTable label="The student's incidents" columns={["When", "School", "Status", "Open"]}>
            {load.value.map((item) => (
              <tr key={item.incidentId}>
                <td>{dateTime(item.occurredAt, config.timeZone)}</td>
                <td>{item.schoolId}</td>
                <td>{item.status}</td>
                <td>
                  <OpenIncident
                    href={`#/records/${item.incidentId}`}
                    when={dateTime(item.occurredAt, config.timeZone)}
                  />
                </td>
              </tr>
            ))}
          </DataTable>
        ))}
      {openReason && (
        <p class="hint">Opening an incident asks for a reason again; each read is audited.</p>
      )}
      <section aria-labelledby="by-id-title">
        <h2 id="by-id-title">Open an incident by its id</h2>
        <OpenById />
      </section>
    </section>
  );
};

const OpenById = () => {
  const [id, setId] = useState("");
  const [touched, setTouched] = useState(false);
  const valid =
    /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(id.trim());
  return (
    <SubmitForm
      onSubmit={() => {
        setTouched(true);
        if (valid) location.hash = `#/records/${id.trim().toLowerCase()}`;
      }}
    >
      <TextField
        name="incidentId"
        label="Incident id"
        value={id}
        error={touched && !valid ? "An incident id is a UUID." : undefined}
        maxLength={36}
        onValue={(_name, value) => setId(value)}
      />
      <button type="submit">Open</button>
    </SubmitForm>
  );
};
