import { TextField } from "../officer/fields.tsx";

/**
 * The reason a custodian states before an unredacted read or a student
 * search. The API's rule (shared/incident/read.ts: one line, at most 500
 * characters) is not bundled here: that module brings the restricted
 * store's Node code with it. The field stops at 500 characters and refuses
 * an empty reason; anything else the API refuses comes back as its 400.
 */
export const MAX_REASON_LENGTH = 500;

export const reasonProblem = (reason: string): string | undefined =>
  reason.trim() === "" ? "State why you need it: it is written to the audit log." : undefined;

export const ReasonField = ({
  name = "reason",
  label,
  value,
  touched,
  onValue,
}: {
  name?: string;
  label: string;
  value: string;
  touched: boolean;
  onValue: (value: string) => void;
}) => (
  <TextField
    name={name}
    label={label}
    hint="Written to the audit log with your name, e.g. a records request number."
    value={value}
    error={touched ? reasonProblem(value) : undefined}
    maxLength={MAX_REASON_LENGTH}
    required
    onValue={(_name, text) => onValue(text)}
  />
);
