import { randomUUID } from "node:crypto";
import {
  DEFAULT_AUDIT_RETENTION_DAYS,
  MIN_AUDIT_RETENTION_DAYS,
} from "../../resources/declarations.ts";
import type { Role } from "../auth/claims.ts";

export type AuditOutcome = "allowed" | "refused" | "not_found" | "failed";

/** Contracts section 2: time, user, role, action, target, outcome, reason. */
export interface AuditEntry {
  at: string;
  userId: string;
  role: Role | "unknown" | "system";
  action: string;
  target?: string;
  outcome: AuditOutcome;
  /** The error code of a refusal. */
  code?: string;
  /** The reason a records custodian stated for an unredacted read. */
  reason?: string;
  requestId?: string;
}

/** The stored item: a month partition, a time-ordered unique key, and its expiry. */
export interface AuditItem extends AuditEntry {
  month: string;
  entryKey: string;
  expiresAt: number;
}

export const retentionDays = (configured = process.env.AUDIT_RETENTION_DAYS): number => {
  const days = Number(configured ?? DEFAULT_AUDIT_RETENTION_DAYS);
  return Number.isInteger(days) && days >= MIN_AUDIT_RETENTION_DAYS
    ? days
    : DEFAULT_AUDIT_RETENTION_DAYS;
};

export const toAuditItem = (entry: AuditEntry, days = retentionDays()): AuditItem => ({
  ...entry,
  month: entry.at.slice(0, 7),
  entryKey: `${entry.at}#${randomUUID()}`,
  expiresAt: Math.floor(Date.parse(entry.at) / 1000) + days * 86_400,
});

export const fromAuditItem = ({
  month: _m,
  entryKey: _k,
  expiresAt: _e,
  ...entry
}: AuditItem): AuditEntry => entry;
