import { type DBSchema, type IDBPDatabase, openDB } from "idb";
import type { ErrorDetail } from "../api.ts";

/**
 * The device's IndexedDB. A new app version may add stores in `upgrade`
 * but never drops or rewrites one: an update must not lose a draft or an
 * outbox entry (contracts section 7).
 */

/** Identifying data, sealed with the device key (AES-GCM). */
export interface Sealed {
  iv: Uint8Array<ArrayBuffer>;
  data: ArrayBuffer;
}

export interface DraftRecord {
  id: string;
  /** The officer who wrote it; only they see it. */
  sub: string;
  updatedAt: number;
  /** When the officer was told that this untouched draft will be deleted. */
  warnedAt?: number;
  sealed: Sealed;
}

export type OutboxState = "queued" | "sending" | "sent" | "rejected" | "conflict";

export interface OutboxRecord {
  /** The incidentId, the same on every retry. */
  id: string;
  sub: string;
  state: OutboxState;
  schoolId: string;
  createdAt: number;
  attempts: number;
  nextAttemptAt: number;
  /** When the server accepted it (state `sent`). */
  sentAt?: number;
  /** The last answer, for the officer: a code and, for a 422, the paths and messages. */
  lastError?: { status: number; code: string; message: string; details: ErrorDetail[] };
  /** The report itself; removed at 202. */
  sealed?: Sealed;
}

/** What makes a new report faster: the last one's non-identifying fields, and what is used most. */
export interface PrefsRecord {
  sub: string;
  last?: { schoolId: string; location: string; initiatedBy: string };
  schoolCounts: Record<string, number>;
  locationCounts: Record<string, number>;
}

interface AppDb extends DBSchema {
  keys: { key: string; value: CryptoKey };
  drafts: { key: string; value: DraftRecord; indexes: { bySub: string } };
  outbox: { key: string; value: OutboxRecord; indexes: { bySub: string } };
  prefs: { key: string; value: PrefsRecord };
}

export type Db = IDBPDatabase<AppDb>;

let opened: Promise<Db> | undefined;

export const db = (): Promise<Db> => {
  opened ??= openDB<AppDb>("sro-app", 1, {
    upgrade(database, oldVersion) {
      if (oldVersion < 1) {
        database.createObjectStore("keys");
        database.createObjectStore("drafts", { keyPath: "id" }).createIndex("bySub", "sub");
        database.createObjectStore("outbox", { keyPath: "id" }).createIndex("bySub", "sub");
        database.createObjectStore("prefs", { keyPath: "sub" });
      }
    },
    // Another tab holds an older version open: let it go so this one upgrades.
    blocking() {
      void opened?.then((database) => database.close());
      opened = undefined;
    },
  });
  return opened;
};

/** A full device: the officer is told (contracts section 7), never a silent loss. */
export class StorageFull extends Error {
  override name = "StorageFull";
  constructor() {
    super("This device's storage is full. Free some space: your report is not saved yet.");
  }
}

const listeners = new Set<(error: StorageFull) => void>();
export const onStorageFull = (listener: (error: StorageFull) => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

const isQuotaError = (error: unknown) =>
  error instanceof DOMException &&
  (error.name === "QuotaExceededError" || error.name === "NS_ERROR_DOM_QUOTA_REACHED");

/** Runs a write; a full quota becomes StorageFull, reported to every listener. */
export const writing = async <T>(write: () => Promise<T>): Promise<T> => {
  try {
    return await write();
  } catch (error) {
    const cause = (error as { inner?: unknown })?.inner ?? error;
    if (isQuotaError(error) || isQuotaError(cause)) {
      const full = new StorageFull();
      for (const listener of listeners) listener(full);
      throw full;
    }
    throw error;
  }
};
