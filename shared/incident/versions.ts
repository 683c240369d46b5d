import { scrubNarrative } from "../privacy/narrative.ts";
import { changedPaths } from "./changed-paths.ts";
import type { VersionKind } from "./messages.ts";
import type { IncidentEventV1 } from "./schema.ts";
import type { StoredIncident, StoredVersion } from "./store.ts";

/** What a reader needs of the head of the version chain (the intake receipt). */
export interface VersionHead {
  officerId: string;
  /** Absent on the item means 1. */
  currentVersion: number;
}

/** The restricted table's items of one incident: version 1 at the incident key, n >= 2 beside it. */
export type StoredItem = StoredIncident | StoredVersion;

/** One version as readers see it. */
export interface Version {
  version: number;
  kind: VersionKind;
  at: string;
  /** The sub of whoever made it: the submitting officer for version 1. */
  by: string;
  /** Null for version 1, which has none. */
  reason: string | null;
  /** The content in force at this version: for a void, the version it withdrew. */
  event: IncidentEventV1;
}

const isLaterVersion = (item: StoredItem): item is StoredVersion =>
  typeof (item as StoredVersion).version === "number" && (item as StoredVersion).version >= 2;

/**
 * The chain from version 1 up to the first one not stored yet. The head may
 * run ahead of the store stage, and the queue may store version n + 1
 * before version n; a reader stops at the first gap, so every version it
 * shows has its predecessor, and a void always has the content it withdrew
 * (the restricted table keeps no event on a void).
 */
export const versionChain = (items: readonly StoredItem[]): Version[] => {
  const byNumber = new Map<number, StoredItem>();
  for (const item of items) byNumber.set(isLaterVersion(item) ? item.version : 1, item);
  const first = byNumber.get(1) as StoredIncident | undefined;
  if (!first) return [];
  const chain: Version[] = [
    {
      version: 1,
      kind: "submitted",
      at: first.receivedAt,
      by: first.officerId,
      reason: null,
      event: first.event,
    },
  ];
  for (let number = 2; byNumber.has(number); number++) {
    const item = byNumber.get(number) as StoredVersion;
    const before = chain[chain.length - 1]!;
    // Nothing follows a void: a later item would be a store-stage fault, not a version.
    if (before.kind === "voided") break;
    chain.push({
      version: number,
      kind: item.kind,
      at: item.at,
      by: item.by,
      reason: item.reason,
      event: item.kind === "corrected" && item.event ? item.event : before.event,
    });
  }
  return chain;
};

export type VersionStatus = "active" | "voided";

export const statusOf = (version: Pick<Version, "kind">): VersionStatus =>
  version.kind === "voided" ? "voided" : "active";

/** A correction's or void's reason where a narrative would be redacted: names from every version so far. */
export const redactReason = (reason: string, chain: readonly Version[], upTo: number): string => {
  // The version's own content first (its token numbers), then the earlier
  // ones newest first, so a student a correction removed is still replaced.
  const sources = chain.filter((version) => version.version <= upTo).reverse();
  let text = reason;
  for (const { event } of sources) {
    text = scrubNarrative(text, {
      students: event.students,
      otherPersons: event.otherPersons ?? [],
    });
  }
  return text;
};

/** Contracts section 8's versions list: `sub` and the reason as written, or neither name nor reason in clear. */
export const versionsView = (chain: readonly Version[], audience: "full" | "redacted") => ({
  items: chain.map((version, index) => ({
    version: version.version,
    at: version.at,
    kind: version.kind,
    reason:
      version.reason === null || audience === "full"
        ? version.reason
        : redactReason(version.reason, chain, version.version),
    changedPaths:
      index === 0 || version.kind === "voided"
        ? []
        : changedPaths(chain[index - 1]!.event, version.event),
    ...(audience === "full" ? { sub: version.by } : {}),
  })),
});
