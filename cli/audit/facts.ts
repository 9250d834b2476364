/**
 * What the period report knows of one run: when, who started it, how it ended, who decided and why,
 * the counts, and for each account it covered what stood at its end. Built from the run's evidence
 * (an account run's evidence.json, or an organization run's summary with one row per account), or,
 * when that cannot be read, from the execution's own record. Pure: the reading is in ./read.ts.
 */
import type { CredentialRecord, Evidence } from '../../handlers/core/evidence/schema.js';
import {
  type ExceptionEntry,
  exceptionsOf,
  type OpenEntry,
  openOf,
} from '../../handlers/core/evidence/standing.js';
import type { OrgEvidence } from '../../handlers/core/organization/org-evidence.js';
import type { RunListing } from '../runs.js';
import type { RunView } from '../timeline/run-view.js';

/** How a run was started: by the deployment's schedule, a person, Security Hub, or to back one out. */
export type RunKind = 'scheduled' | 'ad-hoc' | 'security-hub' | 'backout';

export interface RunCounts {
  findings: number | null;
  proposed: number | null;
  approved: number | null;
  /** Credentials this run changed (disabled, reset or deleted), restored since or not. */
  changed: number | null;
  restored: number | null;
  deleted: number | null;
}

export interface AccountFacts {
  accountId: string;
  /** Organization runs: the account's name and OU. */
  name: string | null;
  ou: string | null;
  outcome: string;
  /** When the run analysed the account's credential report; null when it read none. */
  asOf: string | null;
  counts: RunCounts;
  /** For each credential disabled: days from becoming stale (last use + threshold) to the change. */
  daysToChange: number[];
  /** null: not known (an organization summary written before it kept them). */
  exceptions: ExceptionEntry[] | null;
  open: OpenEntry[] | null;
}

export interface RunFacts {
  name: string;
  executionArn: string;
  workflow: 'account' | 'organization';
  /** The execution's status (SUCCEEDED, FAILED, …). */
  status: string;
  startedAt: string;
  stoppedAt: string | null;
  kind: RunKind;
  startedBy: string | null;
  mode: 'remediate' | 'backout';
  outcome: string;
  decision: 'approved' | 'rejected' | null;
  approvers: string[];
  decidedAt: string | null;
  reason: string | null;
  counts: RunCounts;
  /** Where its evidence is (s3://… or a local directory); null when unknown. */
  evidence: string | null;
  /** Why its evidence could not be read; null when it was. */
  evidenceProblem: string | null;
  error: string | null;
  accounts: AccountFacts[];
}

const DAY_MS = 86_400_000;

export function kindOf(mode: string | null, startedBy: string | null, name: string): RunKind {
  if (mode === 'backout') return 'backout';
  if (startedBy?.startsWith('Security Hub') || name.startsWith('securityhub-')) return 'security-hub';
  // The schedule starts runs with an empty input; credsweep start, demo and backout say who started them.
  return startedBy ? 'ad-hoc' : 'scheduled';
}

/** Days from a credential becoming stale (its last use or setting, plus the threshold) to its change. */
export function daysToChange(record: CredentialRecord, thresholdDays: number | null): number | null {
  const f = record.finding;
  if (!f || !record.changedAt || thresholdDays === null || record.action === 'delete-access-key') return null;
  const base = Math.max(Date.parse(f.lastUsed ?? ''), Date.parse(f.createdAt ?? '')) || Number.NaN;
  if (Number.isNaN(base)) return null;
  return Math.max(0, (Date.parse(record.changedAt) - base) / DAY_MS - thresholdDays);
}

const listingPart = (listing: RunListing) => ({
  name: listing.name,
  executionArn: listing.executionArn,
  workflow: listing.organization ? ('organization' as const) : ('account' as const),
  status: listing.status,
  startedAt: listing.startDate,
  stoppedAt: listing.stopDate,
});

function decisionPart(approval: Evidence['approval']) {
  const d = approval?.decision ?? null;
  return {
    decision: d?.decision ?? null,
    approvers: d ? [d.approver] : [],
    decidedAt: d?.decidedAt ?? null,
    reason: d?.reason ?? null,
  };
}

/** What an account run's and an organization run's facts share: the listing, who, how, the decision. */
function runPart(listing: RunListing, ev: Pick<Evidence, 'execution' | 'outcome' | 'approval'>) {
  const startedBy = ev.execution.startedBy ?? ev.execution.request?.startedBy ?? null;
  return {
    ...listingPart(listing),
    kind: kindOf(ev.execution.mode, startedBy, listing.name),
    startedBy,
    mode: ev.execution.mode,
    outcome: ev.outcome,
    ...decisionPart(ev.approval),
  };
}

const errorText = (e: { Error: string; Cause: string } | null) => (e ? `${e.Error}: ${e.Cause}` : null);

/** What one account's evidence says: its counts, the time to each change, what stood at the end. */
export function accountFactsOf(
  ev: Evidence,
  name: string | null = null,
  ou: string | null = null,
): AccountFacts {
  const c = ev.counts;
  const threshold = ev.report?.thresholdDays ?? null;
  return {
    accountId: ev.execution.accountId,
    name,
    ou,
    outcome: ev.outcome,
    asOf: ev.report?.asOf ?? null,
    counts: {
      findings: c.findings,
      proposed: c.proposed,
      approved: c.approved,
      changed: ev.execution.mode === 'backout' ? 0 : c.disabled + c.restored,
      restored: c.restored,
      deleted: c.deleted,
    },
    daysToChange: ev.changes.flatMap((r) => daysToChange(r, threshold) ?? []),
    exceptions: exceptionsOf(ev),
    open: openOf(ev),
  };
}

export function accountRunFacts(listing: RunListing, ev: Evidence, evidence: string | null): RunFacts {
  const account = accountFactsOf(ev);
  return {
    ...runPart(listing, ev),
    counts: account.counts,
    evidence,
    evidenceProblem: null,
    error: errorText(ev.error),
    accounts: [account],
  };
}

export function orgRunFacts(listing: RunListing, ev: OrgEvidence, evidence: string | null): RunFacts {
  const backout = ev.execution.mode === 'backout';
  const thresholds = new Map(ev.accounts.map((a) => [a.accountId, a.thresholdDays ?? null]));
  const accounts: AccountFacts[] = ev.accounts.map((a) => ({
    accountId: a.accountId,
    name: a.name,
    ou: a.ou,
    outcome: a.outcome,
    // Rows written before these existed: not known here (./read.ts reads the account's evidence).
    asOf: a.asOf ?? null,
    counts: {
      findings: a.counts.findings,
      proposed: a.counts.proposed,
      approved: a.counts.approved,
      changed: backout ? 0 : a.counts.disabled + a.counts.restored,
      restored: a.counts.restored,
      deleted: a.counts.deleted,
    },
    daysToChange: ev.changes
      .filter((r) => r.accountId === a.accountId)
      .flatMap((r) => daysToChange(r, thresholds.get(a.accountId) ?? null) ?? []),
    exceptions: a.exceptions ?? null,
    open: a.open ?? null,
  }));
  const sum = (pick: (c: RunCounts) => number | null) =>
    accounts.reduce((n, a) => n + (pick(a.counts) ?? 0), 0);
  return {
    ...runPart(listing, ev),
    counts: {
      findings: sum((c) => c.findings),
      proposed: ev.counts.proposed,
      approved: sum((c) => c.approved),
      changed: sum((c) => c.changed),
      restored: ev.counts.restored,
      deleted: ev.counts.deleted,
    },
    evidence,
    evidenceProblem: null,
    error: errorText(ev.error),
    accounts,
  };
}

const UNKNOWN_COUNTS: RunCounts = {
  findings: null,
  proposed: null,
  approved: null,
  changed: null,
  restored: null,
  deleted: null,
};

/** A run whose evidence could not be read: what its execution record says, and why. */
export function recordRunFacts(
  listing: RunListing,
  view: RunView | null,
  evidence: string | null,
  problem: string,
): RunFacts {
  const mode = view?.mode === 'backout' ? 'backout' : 'remediate';
  const a = view?.approval ?? null;
  const decision = a?.decision === 'approved' || a?.decision === 'rejected' ? a.decision : null;
  const c = view?.counts;
  return {
    ...listingPart(listing),
    kind: kindOf(mode, view?.startedBy ?? null, listing.name),
    startedBy: view?.startedBy ?? null,
    mode,
    outcome: view?.outcome ?? listing.status.toLowerCase(),
    decision,
    approvers: a?.approver ? [a.approver] : [],
    decidedAt: a?.decidedAt ?? null,
    reason: null,
    counts: c
      ? {
          findings: c.findings,
          proposed: c.proposed,
          approved: c.approved,
          changed: c.changed,
          restored: c.restored,
          deleted: null,
        }
      : UNKNOWN_COUNTS,
    evidence,
    evidenceProblem: problem,
    error: view?.error ? `${view.error.error}: ${view.error.cause}` : null,
    accounts: [],
  };
}
