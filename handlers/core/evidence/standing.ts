/**
 * What a run's evidence says stood when it ended: the exceptions in force (users on the exemption
 * list, exemption tags with their expiry, break-glass users with their last use, owners' grace
 * periods) and the credentials still stale and enabled, each with why. The organization report keeps
 * both on each account's row, so that a period report (`credsweep audit`) reads one summary per run
 * instead of every account's evidence; the audit reads account runs' evidence with the same rules.
 */
import type { CredentialKind } from '../shared/types.js';
import type { CredentialRecord, Evidence } from './schema.js';

export type ExceptionKind =
  /** On the deployment's or the run's exemption list: never assessed. */
  | 'exempt-list'
  /** Tagged exempt (`true`, or through a day): stale credentials left alone. */
  | 'exempt-tag'
  /** An exemption tag nobody can read: never acted on until it is fixed. */
  | 'exempt-tag-invalid'
  /** Emergency users: never proposed, listed with their last use. */
  | 'break-glass'
  /** A stale credential held until its owner has been warned long enough. */
  | 'owner-grace';

export interface ExceptionEntry {
  kind: ExceptionKind;
  userName: string;
  /** The credential, when the exception is about one (break-glass, owner grace); null for a user. */
  credential: CredentialKind | null;
  accessKeyId: string | null;
  /** Last day it is in force (exemption tag through a day; owner grace until the disable date); null: open-ended. */
  until: string | null;
  /** Break-glass: the credential's last use (null: never used). */
  lastUsed: string | null;
  /** Owner grace: the owner warned. */
  owner: string | null;
  /** Exemption tag: expired at this run (the user was treated as any other). */
  expired: boolean;
  /** The tag's value, when it cannot be read. */
  value: string | null;
}

export type OpenWhy =
  | 'not-approved'
  | 'rejected'
  | 'no-decision'
  | 'dry-run'
  | 'not-reached'
  | 'change-not-recorded'
  | 'unresolved'
  | 'restored'
  | 'held-for-owner'
  | 'break-glass'
  | 'exempt'
  | 'account-unreachable'
  | 'account-suspended'
  | 'not-analyzed';

/**
 * A credential still stale and enabled when the run ended; with credential null, a tagged-exempt user
 * (the analysis keeps that a credential of theirs was stale, not which) or, userName null too, a whole
 * account (unreachable, suspended; `not-analyzed` is the period report's, for a run that read nothing).
 */
export interface OpenEntry {
  /** null for an account-level entry (unreachable, suspended, not analyzed). */
  userName: string | null;
  credential: CredentialKind | null;
  accessKeyId: string | null;
  lastUsed: string | null;
  /** Days unused at the run's analysis; null when not known. */
  daysUnused: number | null;
  why: OpenWhy;
  /** A date the why depends on: exempt through, held until, restored at. */
  until: string | null;
}

const day = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : null);

/** Exceptions the run found in force (and dated exemptions it found expired). */
export function exceptionsOf(ev: Evidence): ExceptionEntry[] {
  const base = {
    credential: null,
    accessKeyId: null,
    until: null,
    lastUsed: null,
    owner: null,
    expired: false,
    value: null,
  } satisfies Omit<ExceptionEntry, 'kind' | 'userName'>;
  const out: ExceptionEntry[] = [];
  const seen = new Set<string>();
  const add = (entry: ExceptionEntry) => {
    const key = `${entry.kind}\n${entry.userName}\n${entry.credential ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(entry);
  };
  const life = ev.lifecycle;
  for (const s of ev.skipped) {
    if (s.reason === 'exempt') add({ ...base, kind: 'exempt-list', userName: s.userName });
    if (s.reason === 'exempt-tag')
      add({ ...base, kind: 'exempt-tag', userName: s.userName, until: s.until ?? null });
    if (s.reason === 'exempt-tag-invalid')
      add({ ...base, kind: 'exempt-tag-invalid', userName: s.userName, value: s.value ?? null });
  }
  for (const x of life?.exemptions ?? []) {
    add({ ...base, kind: 'exempt-tag', userName: x.userName, until: x.until, expired: x.expired });
  }
  for (const u of life?.breakGlass ?? []) {
    for (const c of u.credentials.filter((c) => c.enabled)) {
      add({
        ...base,
        kind: 'break-glass',
        userName: u.userName,
        credential: c.credential,
        lastUsed: c.lastUsed,
      });
    }
  }
  for (const n of life?.warnings ?? []) {
    if (!n.stale || n.proposed) continue;
    add({
      ...base,
      kind: 'owner-grace',
      userName: n.userName,
      credential: n.credential,
      accessKeyId: n.accessKeyId,
      until: day(n.disableFrom),
      owner: n.owner,
    });
  }
  return out;
}

const RECORD_WHY: Partial<Record<CredentialRecord['result'], OpenWhy>> = {
  'not-approved': 'not-approved',
  rejected: 'rejected',
  'no-decision': 'no-decision',
  proposed: 'dry-run',
  'not-reached': 'not-reached',
  intended: 'change-not-recorded',
  unresolved: 'unresolved',
  restored: 'restored',
};

/** Why a skipped credential stayed enabled; null when it is not open (used since, already disabled, gone). */
function skippedWhy(reason: CredentialRecord['skipReason']): OpenWhy | null {
  if (reason === 'not-approved') return 'not-approved';
  if (reason === 'exempt-tag') return 'exempt';
  if (reason === 'break-glass') return 'break-glass';
  if (reason === 'not-changed') return 'not-reached';
  return null;
}

/**
 * The credentials still stale and enabled when the run ended, each with why; an unreachable or
 * suspended account is one entry. Keys the delete stage proposed are already inactive: not open.
 */
export function openOf(ev: Evidence): OpenEntry[] {
  if (ev.outcome === 'unreachable' || ev.outcome === 'suspended') {
    return [accountLevelOpen(ev.outcome === 'unreachable' ? 'account-unreachable' : 'account-suspended')];
  }
  const out: OpenEntry[] = [];
  for (const r of [...ev.changes, ...ev.unchanged]) {
    if (r.action === 'delete-access-key' || r.deletion) continue;
    const why = r.result === 'skipped' ? skippedWhy(r.skipReason) : (RECORD_WHY[r.result] ?? null);
    if (why === null) continue;
    out.push({
      userName: r.userName,
      credential: r.credential,
      accessKeyId: r.accessKeyId,
      lastUsed: r.finding?.lastUsed ?? null,
      daysUnused: r.finding?.daysUnused ?? null,
      why,
      until: why === 'restored' ? day(r.restored?.at) : null,
    });
  }
  // Backout-mode runs restore another run's changes; they read no report.
  if (ev.execution.mode === 'backout') return out;
  const threshold = ev.report?.thresholdDays ?? null;
  const asOf = ev.report ? Date.parse(ev.report.asOf) : Number.NaN;
  for (const n of ev.lifecycle?.warnings ?? []) {
    if (!n.stale || n.proposed) continue;
    out.push({
      userName: n.userName,
      credential: n.credential,
      accessKeyId: n.accessKeyId,
      lastUsed: n.lastUsed,
      daysUnused: n.daysUnused,
      why: 'held-for-owner',
      until: day(n.disableFrom),
    });
  }
  for (const u of ev.lifecycle?.breakGlass ?? []) {
    for (const c of u.credentials) {
      const unused = c.lastUsed === null ? null : Math.floor((asOf - Date.parse(c.lastUsed)) / 86_400_000);
      // Never used: its age is not in the evidence; listed, since nobody has shown it works.
      if (!c.enabled || threshold === null || (unused !== null && unused < threshold)) continue;
      out.push({
        userName: u.userName,
        credential: c.credential,
        accessKeyId: null,
        lastUsed: c.lastUsed,
        daysUnused: unused,
        why: 'break-glass',
        until: null,
      });
    }
  }
  for (const s of ev.skipped) {
    if (s.reason !== 'exempt-tag') continue;
    // The analysis lists a tagged user only when a credential of theirs is stale; which is not kept.
    out.push({ ...accountLevelOpen('exempt'), userName: s.userName, until: s.until ?? null });
  }
  return out;
}

/** What stayed open for the whole account (no user): not analysed, unreachable, suspended… */
export function accountLevelOpen(why: OpenWhy): OpenEntry {
  return {
    userName: null,
    credential: null,
    accessKeyId: null,
    lastUsed: null,
    daysUnused: null,
    why,
    until: null,
  };
}
