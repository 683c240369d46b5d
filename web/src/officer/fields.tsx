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
  <div class={`field${error ? " invalid" : ""}`}>
    <label for={idFor(name)}>{label}</label>
    {hint && (
      <p class="hint" id={`${idFor(name)}-hint`}>
        {hint}
      </p>
    )}
    <input
      id={idFor(name)}
      name={name}
      type={type as "text"}
      value={value}
      inputMode={inputMode}
      maxLength={maxLength}
      required={required}
      autoComplete="off"
      aria-invalid={error ? "true" : undefined}
      aria-describedby={describedBy(name, error, hint)}
      onInput={(event) => onValue(name, event.currentTarget.value)}
      onBlur={() => onBlur?.(name)}
    />
    <FieldError path={name} error={error} />
  </div>
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
  <div class={`field${error ? " invalid" : ""}`}>
    <label for={idFor(name)}>{label}</label>
    <select
      id={idFor(name)}
      name={name}
      value={value}
      required
      aria-invalid={error ? "true" : undefined}
      aria-describedby={describedBy(name, error)}
      onChange={(event) => onValue(name, event.currentTarget.value)}
      onBlur={() => onBlur?.(name)}
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
    <FieldError path={name} error={error} />
  </div>
);

/** One choice among a few: radios, one tap each. */
export const RadioGroup = ({
  name,
  label,
  error,
  value,
  options,
  onValue,
}: Common & {
  value: string;
  options: readonly string[];
  onValue: (name: string, value: string) => void;
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
          type="radio"
          name={name}
          value={option}
          checked={value === option}
          onChange={() => onValue(name, option)}
        />
        <span>{valueLabel(option)}</span>
      </label>
    ))}
    <FieldError path={name} error={error} />
  </fieldset>
);

/** An enum array: checkboxes sharing the array's path as `name`, each with its value. */
export const CheckboxGroup = ({
  name,
  label,
  error,
  values,
  options,
  onToggle,
}: Common & {
  values: readonly string[];
  options: readonly string[];
  onToggle: (name: string, value: string, checked: boolean) => void;
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
          type="checkbox"
          name={name}
          value={option}
          checked={values.includes(option)}
          onChange={(event) => onToggle(name, option, event.currentTarget.checked)}
        />
        <span>{valueLabel(option)}</span>
      </label>
    ))}
    <FieldError path={name} error={error} />
  </fieldset>
);
