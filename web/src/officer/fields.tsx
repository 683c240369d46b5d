import type { ComponentChildren } from "preact";
import { label as valueLabel } from "./labels.ts";

/**
 * Form controls whose `name` is the JSON path they edit (contracts
 * section 7); each is labelled, and an error is tied to its control with
 * aria-describedby so a screen reader reads it with the control.
 */

export const idFor = (path: string) => `f-${path.replace(/[^A-Za-z0-9]+/g, "-")}`;

interface Common {
  name: string;
  label: ComponentChildren;
  error?: string | undefined;
  hint?: ComponentChildren;
  onBlur?: (name: string) => void;
}

const FieldError = ({ path, error }: { path: string; error?: string | undefined }) =>
  error ? (
    <p class="field-error" id={`${idFor(path)}-error`}>
      {error}
    </p>
  ) : null;

const describedBy = (path: string, error?: string, hint?: unknown) =>
  [error ? `${idFor(path)}-error` : "", hint ? `${idFor(path)}-hint` : ""]
    .filter(Boolean)
    .join(" ") || undefined;

/** The frame of a one-value control: its label, an optional hint, the control, its error. */
const Field = ({
  name,
  label,
  error,
  hint,
  children,
}: Omit<Common, "onBlur"> & { children: ComponentChildren }) => (
  <div class={`field${error ? " invalid" : ""}`}>
    <label for={idFor(name)}>{label}</label>
    {hint && (
      <p class="hint" id={`${idFor(name)}-hint`}>
        {hint}
      </p>
    )}
    {children}
    <FieldError path={name} error={error} />
  </div>
);

/** The attributes an input and a select share: id, name, invalid state, descriptions, blur. */
const controlProps = ({ name, error, hint, onBlur }: Omit<Common, "label">) => ({
  id: idFor(name),
  name,
  "aria-invalid": error ? ("true" as const) : undefined,
  "aria-describedby": describedBy(name, error, hint),
  onBlur: () => onBlur?.(name),
});

export const TextField = ({
  name,
  label,
  error,
  hint,
  value,
  onValue,
  onBlur,
  type = "text",
  inputMode,
  maxLength,
  required,
}: Common & {
  value: string;
  onValue: (name: string, value: string) => void;
  type?: "text" | "date" | "datetime-local" | "number";
  inputMode?: "numeric" | "text";
  maxLength?: number;
  required?: boolean;
}) => (
  <Field name={name} label={label} error={error} hint={hint}>
    <input
      {...controlProps({ name, error, hint, onBlur })}
      type={type as "text"}
      value={value}
      inputMode={inputMode}
      maxLength={maxLength}
      required={required}
      autoComplete="off"
      onInput={(event) => onValue(name, event.currentTarget.value)}
    />
  </Field>
);

export const SelectField = ({
  name,
  label,
  error,
  value,
  options,
  onValue,
  onBlur,
}: Common & {
  value: string;
  options: ReadonlyArray<string | readonly [string, string]>;
  onValue: (name: string, value: string) => void;
}) => (
  <Field name={name} label={label} error={error}>
    <select
      {...controlProps({ name, error, onBlur })}
      value={value}
      required
      onChange={(event) => onValue(name, event.currentTarget.value)}
    >
      <option value="">Choose…</option>
      {options.map((option) => {
        const [value, text] = typeof option === "string" ? [option, valueLabel(option)] : option;
        return (
          <option key={value} value={value}>
            {text}
          </option>
        );
      })}
    </select>
  </Field>
);

/** A fieldset of radios or checkboxes sharing one `name`, each with its option as value. */
const ChoiceGroup = ({
  name,
  label,
  error,
  options,
  type,
  isChecked,
  onChoose,
}: Common & {
  options: readonly string[];
  type: "radio" | "checkbox";
  isChecked: (option: string) => boolean;
  onChoose: (option: string, checked: boolean) => void;
}) => (
  <fieldset
    class={`choices${error ? " invalid" : ""}`}
    id={idFor(name)}
    aria-describedby={describedBy(name, error)}
    tabIndex={-1}
  >
    <legend>{label}</legend>
    {options.map((option) => (
      <label key={option} class="choice">
        <input
          type={type}
          name={name}
          value={option}
          checked={isChecked(option)}
          onChange={(event) => onChoose(option, event.currentTarget.checked)}
        />
        <span>{valueLabel(option)}</span>
      </label>
    ))}
    <FieldError path={name} error={error} />
  </fieldset>
);

/** One choice among a few: radios, one tap each. */
export const RadioGroup = ({
  value,
  onValue,
  ...rest
}: Common & {
  value: string;
  options: readonly string[];
  onValue: (name: string, value: string) => void;
}) => (
  <ChoiceGroup
    {...rest}
    type="radio"
    isChecked={(option) => value === option}
    onChoose={(option) => onValue(rest.name, option)}
  />
);

/** An enum array: checkboxes sharing the array's path as `name`, each with its value. */
export const CheckboxGroup = ({
  values,
  onToggle,
  ...rest
}: Common & {
  values: readonly string[];
  options: readonly string[];
  onToggle: (name: string, value: string, checked: boolean) => void;
}) => (
  <ChoiceGroup
    {...rest}
    type="checkbox"
    isChecked={(option) => values.includes(option)}
    onChoose={(option, checked) => onToggle(rest.name, option, checked)}
  />
);

/** A control described as data: its kind, label and options; the path it edits is given apart. */
export type ControlSpec =
  | {
      kind: "text";
      field: string;
      label: string;
      type?: "date" | "datetime-local";
      inputMode?: "numeric";
      maxLength?: number;
      required?: boolean;
    }
  | {
      kind: "select" | "radio" | "checkbox";
      field: string;
      label: string;
      options: readonly string[];
    };

/** The control a spec describes, editing the value at `name`. */
export const FormControl = ({
  spec,
  name,
  value,
  error,
  onValue,
  onToggle,
  onBlur,
}: {
  spec: ControlSpec;
  name: string;
  value: unknown;
  error: string | undefined;
  onValue: (name: string, value: string) => void;
  onToggle: (name: string, value: string, checked: boolean) => void;
  onBlur: (name: string) => void;
}) => {
  const common = { name, label: spec.label, error };
  switch (spec.kind) {
    case "text":
      return (
        <TextField
          {...common}
          type={spec.type}
          inputMode={spec.inputMode}
          maxLength={spec.maxLength}
          required={spec.required}
          value={value as string}
          onValue={onValue}
          onBlur={onBlur}
        />
      );
    case "select":
      return (
        <SelectField
          {...common}
          options={spec.options}
          value={value as string}
          onValue={onValue}
          onBlur={onBlur}
        />
      );
    case "radio":
      return (
        <RadioGroup {...common} options={spec.options} value={value as string} onValue={onValue} />
      );
    case "checkbox":
      return (
        <CheckboxGroup
          {...common}
          options={spec.options}
          values={value as string[]}
          onToggle={onToggle}
        />
      );
  }
};
