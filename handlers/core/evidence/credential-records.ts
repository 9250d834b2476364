import type { VerificationCheck } from '../change/verify.js';
import type { Outcome } from '../shared/outcomes.js';
import type { ApprovalRecord, LedgerAction, LedgerEntry, Plan, PlanItem } from '../shared/types.js';
import type { ApprovalEvidence, CredentialRecord, CredentialResult } from './schema.js';

const CHANGED_STATE: Record<LedgerAction, string> = {
  'delete-login-profile': 'no login profile',
  'deactivate-access-key': 'Inactive',
  'reset-login-profile': 'password reset, reset required at first sign-in',
  'delete-access-key': 'key deleted',
};

/**
 * The approval as the evidence shows it. In one account of an organization run (`accountId`), what
 * was ticked is that account's part only (organization item ids start with the account id): its
 * evidence says "approved 3 of 3" for its own credentials, and stays the size of the account, not of
 * the organization.
 */
export function approvalEvidence(record: ApprovalRecord, accountId?: string): ApprovalEvidence {
  const d = record.decision;
  const mine = (ids: readonly string[]) =>
    accountId ? ids.filter((id) => id.startsWith(`${accountId}/`)) : [...ids];
  return {
    approvalId: record.approvalId,
    status: record.status,
    requestedAt: record.createdAt,
    expiresAt: record.expiresAt,
    approvers: record.approvers.map((a) => a.approver),
    decision: d
      ? {
          decision: d.decision,
          approver: d.approver,
          decidedAt: d.decidedAt,
          sourceIp: d.sourceIp,
          userAgent: d.userAgent,
          reason: d.reason ?? null,
          selection: mine(d.selection),
          ...(d.keptOutAccounts?.length ? { keptOutAccounts: [...d.keptOutAccounts] } : {}),
        }
      : null,
    approvalsRequired: record.approvalsRequired ?? 1,
    approvals: (record.approvals ?? []).map((a) => ({
      approver: a.approver,
      decidedAt: a.decidedAt,
      sourceIp: a.sourceIp,
      userAgent: a.userAgent,
      selection: mine(a.selection),
      reason: a.reason ?? null,
    })),
  };
}

function fromLedger(
  entry: LedgerEntry,
  check: VerificationCheck | undefined,
): Omit<CredentialRecord, 'finding' | 'approved'> {
  const changed = entry.status === 'changed' || entry.status === 'restored';
  const result: CredentialResult =
    entry.status === 'changed'
      ? 'disabled'
      : entry.status === 'restored'
        ? 'restored'
        : entry.status === 'intended'
          ? 'intended'
          : entry.skipReason === 'not-approved'
            ? 'not-approved'
            : 'skipped';
  return {
    itemId: entry.itemId,
    userName: entry.userName,
    credential: entry.credential,
    accessKeyId: entry.accessKeyId ?? null,
    action: entry.action,
    result,
    skipReason: result === 'skipped' ? (entry.skipReason ?? null) : null,
    before: entry.before,
    after: changed ? CHANGED_STATE[entry.action] : null,
    recordedAt: entry.recordedAt,
    changedAt: entry.changedAt ?? null,
    liveLastUsed: entry.liveLastUsed ?? null,
    restored:
      entry.status === 'restored'
        ? {
            at: entry.restoredAt ?? '',
            by: entry.restoredBy ?? '',
            state: entry.after ?? '',
            secretRef: entry.secretRef ?? null,
          }
        : null,
    backoutSkipped: entry.backoutSkip ?? null,
    verification: check ? { ok: check.ok, expected: check.expected, actual: check.actual } : null,
    deletion: entry.deletion ?? null,
  };
}

/** The fields of a credential nothing was done to. */
const UNCHANGED = {
  action: null,
  skipReason: null,
  before: null,
  after: null,
  recordedAt: null,
  changedAt: null,
  liveLastUsed: null,
  restored: null,
  backoutSkipped: null,
  verification: null,
  deletion: null,
} as const;

/** A plan item with no ledger entry: what the decision (or its absence) did to it. */
function unhandled(outcome: Outcome, approval: ApprovalEvidence | null, item: PlanItem): CredentialResult {
  if (outcome === 'dry-run') return 'proposed';
  if (approval?.decision?.decision === 'rejected') return 'rejected';
  if (approval?.decision?.decision === 'approved')
    return approval.decision.selection.includes(item.id) ? 'not-reached' : 'not-approved';
  if (outcome === 'timed-out') return 'no-decision';
  return 'not-reached';
}

/** Joins plan items, the ledger and verification into one record per credential. */
export function credentialRecords(
  outcome: Outcome,
  plan: Plan | null,
  approval: ApprovalEvidence | null,
  ledger: LedgerEntry[],
  checks: VerificationCheck[],
): CredentialRecord[] {
  const byItem = new Map(ledger.map((e) => [e.itemId, e]));
  const checkOf = (id: string) => checks.find((c) => c.itemId === id);
  const approvedOf = (id: string) => (approval?.decision ? approval.decision.selection.includes(id) : null);
  const records: CredentialRecord[] = [];
  for (const item of plan?.items ?? []) {
    const finding = {
      lastUsed: item.lastUsed,
      createdAt: item.createdAt ?? null,
      daysUnused: item.daysUnused,
      reason: item.reason,
    };
    const entry = byItem.get(item.id);
    byItem.delete(item.id);
    if (entry) {
      records.push({ ...fromLedger(entry, checkOf(item.id)), finding, approved: approvedOf(item.id) });
      continue;
    }
    records.push({
      itemId: item.id,
      userName: item.userName,
      credential: item.credential,
      accessKeyId: item.accessKeyId ?? null,
      finding,
      approved: approvedOf(item.id),
      result: unhandled(outcome, approval, item),
      ...UNCHANGED,
      deletion: item.deletion ?? null,
    });
  }
  // Ledger entries without a plan item: a backout-mode run restores another run's entries.
  for (const entry of byItem.values()) {
    records.push({ ...fromLedger(entry, checkOf(entry.itemId)), finding: null, approved: null });
  }
  for (const u of plan?.unresolved ?? []) {
    const finding = plan?.analysis.findings.find(
      (f) => f.userName === u.userName && f.credential === u.credential,
    );
    records.push({
      itemId: `${u.userName}/${u.credential}`,
      userName: u.userName,
      credential: u.credential,
      accessKeyId: null,
      finding: finding
        ? {
            lastUsed: finding.lastUsed,
            createdAt: finding.createdAt ?? null,
            daysUnused: finding.daysUnused,
            reason: finding.reason,
          }
        : null,
      approved: null,
      result: 'unresolved',
      ...UNCHANGED,
    });
  }
  return records;
}
