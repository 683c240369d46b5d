import type { FormValues } from "../officer/form-model.ts";
import { seal, unseal } from "./crypto.ts";
import { db, writing } from "./db.ts";

/** A draft untouched this long is deleted, after a warning (contracts section 7). */
export const DRAFT_MAX_IDLE_MS = 7 * 24 * 3600 * 1000;
/** How long a warned draft is kept for the officer to open it. */
export const DRAFT_WARNING_MS = 24 * 3600 * 1000;

export interface DraftSummary {
  id: string;
  updatedAt: number;
  warnedAt?: number;
}

export const saveDraft = async (sub: string, values: FormValues): Promise<void> => {
  const sealed = await seal(values);
  const database = await db();
  await writing(() =>
    database.put("drafts", { id: values.incidentId, sub, updatedAt: Date.now(), sealed }),
  );
};

export const loadDraft = async (sub: string, id: string): Promise<FormValues | undefined> => {
  const record = await (await db()).get("drafts", id);
  if (!record || record.sub !== sub) return undefined;
  return unseal<FormValues>(record.sealed);
};

export const listDrafts = async (sub: string): Promise<DraftSummary[]> => {
  const records = await (await db()).getAllFromIndex("drafts", "bySub", sub);
  return records
    .map(({ id, updatedAt, warnedAt }) => ({ id, updatedAt, ...(warnedAt ? { warnedAt } : {}) }))
    .sort((a, b) => b.updatedAt - a.updatedAt);
};

export const deleteDraft = async (id: string): Promise<void> => {
  await (await db()).delete("drafts", id);
};

/** Sign-out wipes the officer's drafts. */
export const deleteDraftsOf = async (sub: string): Promise<void> => {
  const database = await db();
  const tx = database.transaction("drafts", "readwrite");
  for (const key of await tx.store.index("bySub").getAllKeys(sub)) await tx.store.delete(key);
  await tx.done;
};

/**
 * Drafts untouched for 7 days: the first look marks them warned (and the
 * app says so); a warned draft still untouched a day later is deleted.
 * Opening or editing a draft saves it again, which clears the warning.
 */
export const expireDrafts = async (
  sub: string,
  now = Date.now(),
): Promise<{ warned: DraftSummary[]; deleted: number }> => {
  const database = await db();
  const tx = database.transaction("drafts", "readwrite");
  const warned: DraftSummary[] = [];
  let deleted = 0;
  for (const record of await tx.store.index("bySub").getAll(sub)) {
    if (now - record.updatedAt < DRAFT_MAX_IDLE_MS) continue;
    if (record.warnedAt === undefined) {
      record.warnedAt = now;
      await tx.store.put(record);
      warned.push({ id: record.id, updatedAt: record.updatedAt, warnedAt: now });
    } else if (now - record.warnedAt >= DRAFT_WARNING_MS) {
      await tx.store.delete(record.id);
      deleted++;
    } else {
      warned.push({ id: record.id, updatedAt: record.updatedAt, warnedAt: record.warnedAt });
    }
  }
  await tx.done;
  return { warned, deleted };
};
