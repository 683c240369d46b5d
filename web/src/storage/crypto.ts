import { db, type Sealed, writing } from "./db.ts";

/**
 * One AES-GCM key per device, made non-extractable: script can use it but
 * never read it, and it stays in IndexedDB (a CryptoKey is stored as is).
 * Drafts and the outbox are sealed with it, so what sits on the disk is not
 * readable without this origin's script.
 */
let key: Promise<CryptoKey> | undefined;

const deviceKey = (): Promise<CryptoKey> => {
  key ??= (async () => {
    const database = await db();
    const found = await database.get("keys", "device");
    if (found) return found;
    const made = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, [
      "encrypt",
      "decrypt",
    ]);
    // Two tabs may race here: the first key stored wins and both use it.
    await writing(async () => {
      const tx = database.transaction("keys", "readwrite");
      if (!(await tx.store.get("device"))) await tx.store.put(made, "device");
      await tx.done;
    });
    return (await database.get("keys", "device"))!;
  })();
  key.catch(() => {
    key = undefined;
  });
  return key;
};

export const seal = async (value: unknown): Promise<Sealed> => {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv },
    await deviceKey(),
    new TextEncoder().encode(JSON.stringify(value)),
  );
  return { iv, data };
};

export const unseal = async <T>(sealed: Sealed): Promise<T> => {
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: sealed.iv },
    await deviceKey(),
    sealed.data,
  );
  return JSON.parse(new TextDecoder().decode(plain)) as T;
};

/** For the tests and the docs: the key cannot be exported. */
export const deviceKeyIsExtractable = async () => (await deviceKey()).extractable;
