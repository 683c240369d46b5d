import { createHash } from "node:crypto";

/**
 * JSON with object keys sorted at every depth, so two bodies that are deeply
 * equal (key order ignored) serialise to the same text.
 */
export const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, child]) => child !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonicalJson(child)}`).join(",")}}`;
  }
  return JSON.stringify(value);
};

/**
 * What the intake receipt remembers of an accepted incident: the content and
 * the submitting officer, hashed together. A repeat matches only when both do.
 */
export const submissionDigest = (event: unknown, officerId: string): string =>
  createHash("sha256").update(canonicalJson({ event, officerId })).digest("hex");
