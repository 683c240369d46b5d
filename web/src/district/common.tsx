import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiFailure } from "../api.ts";
import { TextField } from "../officer/fields.tsx";
import { FailureMessage } from "../screens/status.tsx";
import "./district.css";

/** What the district screens share: pages through cursors, and the states of a request. */

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type Load<T> =
  | { state: "idle" }
  | { state: "loading" }
  | { state: "done"; value: T }
  | { state: "failed"; failure: ApiFailure };

export const asFailure = (error: unknown): ApiFailure =>
  error instanceof ApiFailure
    ? error
    : new ApiFailure(0, "NETWORK", "Something went wrong. Nothing was lost; try again.");

/**
 * One page at a time through the API's cursors, with the cursors of the
 * pages before kept for "Previous": ten thousand incidents are two hundred
 * pages, and the screen never holds more than one.
 */
export const useCursorPages = <T,>(
  fetchPage: (cursor: string | undefined, signal: AbortSignal) => Promise<Page<T>>,
  /** A new query: back to its first page. */
  query: string | undefined,
) => {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [load, setLoad] = useState<Load<Page<T>>>({ state: "idle" });
  const [attempt, setAttempt] = useState(0);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;

  useEffect(() => setCursors([undefined]), [query]);

  const cursor = cursors.at(-1);
  useEffect(() => {
    if (query === undefined) return;
    const controller = new AbortController();
    setLoad({ state: "loading" });
    fetchRef
      .current(cursor, controller.signal)
      .then((value) => setLoad({ state: "done", value }))
      .catch((error) => {
        if (!controller.signal.aborted) setLoad({ state: "failed", failure: asFailure(error) });
      });
    return () => controller.abort();
  }, [query, cursor, attempt, cursors.length]);

  const next = useCallback(() => {
    if (load.state === "done" && load.value.nextCursor)
      setCursors((list) => [...list, load.value.nextCursor!]);
  }, [load]);
  const previous = useCallback(
    () => setCursors((list) => (list.length > 1 ? list.slice(0, -1) : list)),
    [],
  );
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return {
    load,
    pageNumber: cursors.length,
    hasPrevious: cursors.length > 1,
    hasNext: load.state === "done" && load.value.nextCursor !== null,
    next,
    previous,
    retry,
  };
};

/** A request's loading and failed states, the same on every screen; a 503 offers "Try again". */
export const LoadState = ({
  load,
  retry,
  what,
}: {
  load: Load<unknown>;
  retry: () => void;
  what: string;
}) => {
  if (load.state === "loading")
    return (
      <p role="status" class="loading-line">
        Loading {what}…
      </p>
    );
  if (load.state !== "failed") return null;
  const { failure } = load;
  return (
    <div class="failure">
      <FailureMessage failure={failure} />
      {failure.status !== 403 && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
};

export const Pager = ({
  pages,
  label,
}: {
  pages: ReturnType<typeof useCursorPages<unknown>>;
  label: string;
}) => (
  <nav class="pager" aria-label={label}>
    <button type="button" disabled={!pages.hasPrevious} onClick={pages.previous}>
      Previous page
    </button>
    <span aria-live="polite">Page {pages.pageNumber}</span>
    <button type="button" disabled={!pages.hasNext} onClick={pages.next}>
      Next page
    </button>
  </nav>
);

export const Empty = ({ children }: { children: ComponentChildren }) => (
  <p class="empty" role="status">
    {children}
  </p>
);

/** A file made in the browser, offered as a download; the URL is revoked once clicked. */
export const download = (name: string, type: string, content: BlobPart) => {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.rel = "noopener";
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
};

const formats = new Map<string, Intl.DateTimeFormat>();

/** Dates as the district reads them, in the app's configured zone; one formatter per zone (they are slow to make). */
export const dateTime = (iso: string, timeZone: string) => {
  try {
    let format = formats.get(timeZone);
    if (!format) {
      format = new Intl.DateTimeFormat("en-US", {
        dateStyle: "medium",
        timeStyle: "short",
        timeZone,
      });
      formats.set(timeZone, format);
    }
    return format.format(new Date(iso));
  } catch {
    return iso;
  }
};

/** Form state kept per screen in sessionStorage, never in the URL: a reload loses nothing typed. */
export const useKept = <T,>(key: string, initial: T): [T, (value: T) => void] => {
  const storageKey = `sro.district.${key}`;
  const [value, setValue] = useState<T>(() => {
    try {
      const kept = sessionStorage.getItem(storageKey);
      return kept ? { ...initial, ...(JSON.parse(kept) as T) } : initial;
    } catch {
      return initial;
    }
  });
  const set = useCallback(
    (next: T) => {
      setValue(next);
      try {
        sessionStorage.setItem(storageKey, JSON.stringify(next));
      } catch {
        // Storage full or blocked: the form still works, it is only not kept.
      }
    },
    [storageKey],
  );
  return [value, set];
};

/**
 * A wide table scrolls inside its own labelled region, so a 360 px screen
 * never scrolls sideways; the region takes focus so the keyboard can scroll it.
 */
export const TableRegion = ({
  label,
  children,
}: {
  label: string;
  children: ComponentChildren;
}) => (
  // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable to scroll by keyboard (WCAG 2.1.1).
  // biome-ignore lint/a11y/useSemanticElements: a section would add a landmark per table; the region is the scroll container.
  <div class="table-scroll" tabIndex={0} role="region" aria-label={label}>
    {children}
  </div>
);

/** An optional filter: its first option, "any", is the empty value (the officers' selects require a choice). */
export const FilterSelect = ({
  name,
  label,
  any,
  value,
  options,
  onValue,
}: {
  name: string;
  label: string;
  any?: string;
  value: string;
  options: ReadonlyArray<readonly [string, string]>;
  onValue: (name: string, value: string) => void;
}) => (
  <div class="field">
    <label for={`filter-${name}`}>{label}</label>
    <select
      id={`filter-${name}`}
      name={name}
      value={value}
      onChange={(event) => onValue(name, event.currentTarget.value)}
    >
      {any !== undefined && <option value="">{any}</option>}
      {options.map(([option, text]) => (
        <option key={option} value={option}>
          {text}
        </option>
      ))}
    </select>
  </div>
);

/** A table in its scrolling region, its column headings named in order; the rows are the children. */
export const DataTable = ({
  label,
  columns,
  caption,
  children,
}: {
  label: string;
  columns: readonly string[];
  caption?: ComponentChildren;
  children: ComponentChildren;
}) => (
  <TableRegion label={label}>
    <table>
      {caption}
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column} scope="col">
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  </TableRegion>
);

/** A row's "Open" link, named for a screen reader by the incident's date. */
export const OpenIncident = ({ href, when }: { href: string; when: string }) => (
  <a href={href}>
    Open
    <span class="visually-hidden"> incident of {when}</span>
  </a>
);

/** Filters typed into a kept draft and applied only when the form is submitted. */
export const useFilters = <T extends object>(key: string, initial: T) => {
  const [draft, setDraft] = useKept<T>(key, initial);
  const [applied, setApplied] = useState<T>(draft);
  const set = (name: string, value: string) => setDraft({ ...draft, [name]: value });
  return { draft, applied, set, apply: () => setApplied(draft) };
};

/** A form the browser leaves unvalidated, whose submit runs `onSubmit` instead of loading a page. */
export const SubmitForm = ({
  class: className,
  onSubmit,
  children,
}: {
  class?: string;
  onSubmit: () => void;
  children: ComponentChildren;
}) => (
  <form
    class={className}
    noValidate
    onSubmit={(event) => {
      event.preventDefault();
      onSubmit();
    }}
  >
    {children}
  </form>
);

/** The path and message of each thing the server refused in a request. */
export const RefusedDetails = ({
  details,
}: {
  details: ReadonlyArray<{ path: string; message: string }>;
}) => (
  <ul>
    {details.map((detail) => (
      <li key={detail.path}>
        {detail.path}: {detail.message}
      </li>
    ))}
  </ul>
);

/** A text field as data: all but its value, error and handler, which come from the form. */
export type TextSpec<K extends string> = Omit<
  Parameters<typeof TextField>[0],
  "name" | "value" | "error" | "onValue" | "onBlur"
> & { name: K };

/** The text fields `specs` describe, each showing its value and error in the form. */
export const textFields = <K extends string>(
  specs: readonly TextSpec<K>[],
  values: Record<K, string>,
  onValue: (name: string, value: string) => void,
  errors: Partial<Record<K, string>> = {},
) =>
  specs.map((spec) => (
    <TextField
      key={spec.name}
      {...spec}
      value={values[spec.name]}
      error={errors[spec.name]}
      onValue={onValue}
    />
  ));
