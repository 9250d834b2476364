/**
 * The per-run evidence a compliance reviewer files: what the credential report said, who approved
 * what and when, what each credential was before and after, what was verified and what was restored.
 * Written by the Report task as `runs/<execution name>/evidence.json` (schema: docs/compliance.md),
 * with `findings.csv` and `report.html` rendered from the same object next to it.
 */
import type { Ports } from '../../ports/index.js';
import { approvalIdFor } from '../approval/links.js';
import { IRREVERSIBLE_ACTIONS } from '../change/backout.js';
import { laterChangeText } from '../change/last-change.js';
import { type VerificationCheck, verificationKey } from '../change/verify.js';
import { readPlan } from '../plan/plan.js';
import type { Outcome } from '../shared/outcomes.js';
import { executionArnOf, type RunRequest } from '../shared/request.js';
import { accountRunId, splitAccountRunId } from '../shared/run-ids.js';
import {
  evidenceKey,
  findingsCsvKey,
  planKey as planKeyOf,
  reportHtmlKey,
  runPrefix,
} from '../shared/run-keys.js';
import type {
  ApprovalRecord,
  BackoutSkip,
  CredentialKind,
  Finding,
  KeyDeletion,
  LedgerAction,
  LedgerEntry,
  Plan,
  PlanItem,
  PlanLifecycle,
  Skipped,
} from '../shared/types.js';
import { renderFindingsCsv } from './csv.js';
import { renderReportHtml } from './html.js';
import type {
  ApprovalEvidence,
  CredentialRecord,
  CredentialResult,
  ErrorInfo,
  Evidence,
  ReportTask,
  SecurityHubEvidence,
} from './record.js';

/** What each ledger action leaves behind when it has been made. */
const CHANGED_STATE: Record<LedgerAction, string> = {
  'delete-login-profile': 'no login profile',
  'deactivate-access-key': 'Inactive',
  'reset-login-profile': 'password reset, reset required at first sign-in',
  'delete-access-key': 'key deleted',
};

async function optional<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (err) {
    if ((err as Error).name === 'NoSuchKey') return null;
    throw err;
  }
}

/** Parses a Step Functions error Cause: Lambda errors arrive as a JSON string with errorMessage. */
export function causeMessage(cause: string): string {
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof parsed.errorMessage === 'string' ? parsed.errorMessage : cause;
  } catch {
    return cause;
  }
}

const nameOf = (executionId: string) => executionId.split(':').pop() ?? executionId;

/** `arn:aws:states:<region>:<account>:execution:<state machine>:<name>` */
function arnParts(executionId: string): { region: string | null; stateMachineArn: string | null } {
  const parts = executionId.split(':');
  if (parts.length !== 8 || parts[0] !== 'arn' || parts[5] !== 'execution') {
    return { region: null, stateMachineArn: null };
  }
  return {
    region: parts[3] ?? null,
    stateMachineArn: [...parts.slice(0, 5), 'stateMachine', parts[6]].join(':'),
  };
}

/** The approval without its task token or link hashes: only what a reviewer needs, picked field by field. */
export function approvalEvidence(record: ApprovalRecord): ApprovalEvidence {
  const d = record.decision;
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
          selection: [...d.selection],
        }
      : null,
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

function backoutTrigger(outcome: Outcome, mode: 'remediate' | 'backout', error: ErrorInfo | null) {
  if (mode === 'backout') return 'requested' as const;
  if (outcome === 'rejected') return 'rejected' as const;
  if (outcome === 'timed-out') return 'approval-timed-out' as const;
  return error ? ('failure' as const) : ('requested' as const);
}

/** `; N cannot be restored (…)`: the changes approved as impossible to undo that a backout left, named. */
function lostText(e: Pick<Evidence, 'backout'>): string {
  const lost = e.backout?.cannotRestore ?? [];
  if (lost.length === 0) return '';
  const named = lost.map(
    (x) =>
      `${x.userName} ${x.accessKeyId ?? x.credential} ${x.action === 'delete-access-key' ? 'deleted' : 'reset'}`,
  );
  return ` (${lost.length} cannot be restored, approved as impossible to undo: ${named.join(', ')})`;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** The first sentence of every rendering: what the run did, in words. */
export function summarize(e: Omit<Evidence, 'summary'>): string {
  const c = e.counts;
  const recheck =
    c.skippedAtRecheck > 0
      ? `; ${plural(c.skippedAtRecheck, 'credential')} skipped, used since the report`
      : '';
  switch (e.outcome) {
    case 'remediated':
      return (
        `${c.disabled} of ${plural(c.proposed, 'proposed credential')} disabled` +
        (c.deleted > 0 ? ` (${c.deleted} access ${c.deleted === 1 ? 'key' : 'keys'} deleted for good)` : '') +
        ` after approval by ${e.approval?.decision?.approver ?? 'an approver'}, ${c.verified} verified${recheck}.`
      );
    case 'nothing-to-do':
      return c.heldForWarning > 0 || c.ownersWarned > 0
        ? `Nothing to propose yet: ${plural(c.heldForWarning, 'credential')} held until the owner's warning is old enough (${c.ownersWarned} warned by this run); nothing was asked or changed.`
        : `No credential unused for ${e.report?.thresholdDays ?? '?'} days or more; nothing was asked or changed.`;
    case 'dry-run':
      return `Dry run: ${plural(c.proposed, 'credential')} would be proposed for approval; nothing was changed.`;
    case 'rejected':
      return `Rejected by ${e.approval?.decision?.approver ?? 'an approver'}${
        e.approval?.decision?.reason ? ` ("${e.approval.decision.reason}")` : ''
      }; nothing was changed.`;
    case 'timed-out':
      return `No approver decided before ${e.approval?.expiresAt ?? 'the window closed'}; nothing was changed.`;
    case 'backed-out':
      return e.execution.mode === 'backout'
        ? `Backout of ${nameOf(e.backout?.sourceExecutionId ?? '?')}: ${plural(c.restored, 'credential')} restored` +
            (e.backout?.skipped.length
              ? `; ${e.backout.skipped.length} left alone, changed since (${e.backout.skipped
                  .map(
                    (k) =>
                      `${k.userName} ${k.accessKeyId ?? k.credential}: ${k.laterRun ? laterChangeText(k.laterRun, k.laterChange) : 'outside credsweep'}`,
                  )
                  .join(', ')})`
              : '') +
            `${lostText(e)}.`
        : `${e.error ? `${e.error.Error}: ` : ''}the run was backed out; ${plural(c.restored, 'credential')} restored, ${c.disabled} still disabled${lostText(e)}.`;
    case 'failed':
      return `Stopped before approval (${e.error?.Error ?? 'error'}: ${e.error?.Cause ?? 'no cause given'}); nobody was asked and nothing was changed.`;
    case 'unreachable':
      return `Account ${e.execution.accountId} could not be reached (${e.error?.Error ?? 'error'}: ${e.error?.Cause ?? 'no cause given'}); nothing was read or changed there.`;
    case 'suspended':
      return `Account ${e.execution.accountId} is suspended; it was not swept.`;
    case 'backout-failed':
      return (
        `Backout could not finish (${e.backout?.error?.Error ?? 'error'}): ${plural(c.restored, 'credential')} restored, ` +
        `${c.disabled} still disabled. Run credsweep backout again.`
      );
  }
}

export async function collectEvidence(ports: Ports, task: ReportTask): Promise<Evidence> {
  const plan = await optional(() => readPlan(ports.blobs, planKeyOf(task.executionId)));
  const record = await ports.store.getApproval(task.approvalId ?? approvalIdFor(task.executionId));
  const approval = record ? approvalEvidence(record) : null;
  const ownLedger = await ports.store.listLedger(task.executionId);
  const verification = await optional(
    async () =>
      JSON.parse(await ports.blobs.get(verificationKey(task.executionId))) as {
        verifiedAt: string;
        checks: VerificationCheck[];
      },
  );
  const mode = task.request?.mode ?? 'remediate';
  // One account of an organization backout restores that account's part of the earlier run.
  const { executionId: runId, accountId } = splitAccountRunId(task.executionId);
  const sourceId =
    mode === 'backout' && task.request?.backoutOf
      ? accountRunId(executionArnOf(task.request.backoutOf, runId), accountId ?? undefined)
      : task.executionId;
  const sourceLedger = sourceId !== task.executionId ? await ports.store.listLedger(sourceId) : ownLedger;
  const restoredHere =
    sourceId !== task.executionId
      ? sourceLedger.filter(
          (e) => e.restoredBy === task.executionId || e.backoutSkip?.by === task.executionId,
        )
      : [];
  const leftAlone = [...(sourceId === task.executionId ? ownLedger : restoredHere)].filter(
    (e) => e.backoutSkip?.by === task.executionId,
  );
  const normalise = (e: ErrorInfo | null | undefined) =>
    e ? { Error: e.Error, Cause: causeMessage(e.Cause) } : null;
  const error = normalise(task.error);
  const backoutError = normalise(task.backoutError);
  const checks = verification?.checks ?? [];
  const credentials = credentialRecords(
    task.outcome,
    plan,
    approval,
    [...ownLedger, ...restoredHere],
    checks,
  );
  const changed = (r: CredentialRecord) => r.after !== null;
  const skipped = plan?.analysis.skipped ?? [];
  const count = (result: CredentialResult) => credentials.filter((c) => c.result === result).length;
  const backoutRan =
    mode === 'backout' || ['rejected', 'timed-out', 'backed-out', 'backout-failed'].includes(task.outcome);
  const evidence: Omit<Evidence, 'summary'> = {
    securityHub: null,
    schemaVersion: 2,
    execution: {
      id: task.executionId,
      name: nameOf(task.executionId),
      accountId: ports.settings.accountId,
      ...arnParts(task.executionId),
      mode,
      startedBy: task.request?.startedBy ?? null,
      request: task.request ?? null,
    },
    outcome: task.outcome,
    writtenAt: ports.now().toISOString(),
    report: plan
      ? {
          generatedAt: plan.reportGeneratedAt,
          asOf: plan.asOf,
          thresholdDays: plan.thresholdDays,
          dryRun: plan.dryRun,
        }
      : null,
    findings: plan?.analysis.findings ?? [],
    skipped,
    exempt: skipped
      .filter((s) => s.reason === 'exempt' || s.reason === 'exempt-tag')
      .map((s) => ({
        userName: s.userName,
        by: s.reason === 'exempt' ? 'exemption-list' : 'tag',
        until: s.until ?? null,
      })),
    lifecycle: plan?.lifecycle ?? null,
    unresolved: plan?.unresolved ?? [],
    approval,
    changes: credentials.filter(changed),
    unchanged: credentials.filter((r) => !changed(r)),
    skippedAtRecheck: ownLedger
      .filter((e) => e.skipReason === 'used-since-report')
      .map((e) => ({
        itemId: e.itemId,
        userName: e.userName,
        credential: e.credential,
        accessKeyId: e.accessKeyId ?? null,
        lastUsedInReport: plan?.items.find((i) => i.id === e.itemId)?.lastUsed ?? null,
        liveLastUsed: e.liveLastUsed ?? null,
        recordedAt: e.recordedAt,
      })),
    verification: verification
      ? {
          verifiedAt: verification.verifiedAt,
          checked: checks.length,
          failed: checks.filter((c) => !c.ok).length,
          checks,
        }
      : null,
    backout: backoutRan
      ? {
          sourceExecutionId: sourceId,
          trigger: backoutTrigger(task.outcome, mode, error),
          users: mode === 'backout' ? (task.request?.users ?? null) : null,
          restored: count('restored'),
          skipped: leftAlone.map((e) => ({
            itemId: e.itemId,
            userName: e.userName,
            credential: e.credential,
            accessKeyId: e.accessKeyId ?? null,
            reason: e.backoutSkip?.reason ?? 'changed-outside-credsweep',
            laterRun: e.backoutSkip?.laterRun ?? null,
            laterChange: e.backoutSkip?.laterChange ?? null,
            found: e.backoutSkip?.found ?? null,
            at: e.backoutSkip?.at ?? '',
          })),
          error: backoutError,
          cannotRestore: sourceLedger
            .filter(
              (r) =>
                r.status === 'changed' &&
                IRREVERSIBLE_ACTIONS.has(r.action) &&
                (mode !== 'backout' || !task.request?.users || task.request.users.includes(r.userName)),
            )
            .map((r) => ({
              userName: r.userName,
              credential: r.credential,
              accessKeyId: r.accessKeyId ?? null,
              action: r.action,
              why:
                r.action === 'delete-access-key'
                  ? 'the access key was deleted; a deleted key cannot be restored (create a new one if needed)'
                  : 'the password was reset; the old password cannot be brought back (the new one is in Secrets Manager)',
            })),
        }
      : null,
    error,
    counts: {
      findings: plan?.analysis.findings.length ?? 0,
      skippedUsers: skipped.filter((s) => s.credential === undefined).length,
      resetRecently: skipped.filter((s) => s.reason === 'reset-recently').length,
      unresolved: plan?.unresolved.length ?? 0,
      proposed: plan?.items.length ?? 0,
      approved: approval?.decision?.decision === 'approved' ? approval.decision.selection.length : 0,
      disabled: count('disabled'),
      restored: count('restored'),
      skippedAtRecheck: ownLedger.filter((e) => e.skipReason === 'used-since-report').length,
      notApproved: count('not-approved'),
      verified: checks.filter((c) => c.ok).length,
      verificationFailed: checks.filter((c) => !c.ok).length,
      ownersWarned: plan?.lifecycle?.warnings.filter((n) => n.mailed).length ?? 0,
      heldForWarning: plan?.lifecycle?.warnings.filter((n) => !n.proposed).length ?? 0,
      deleted: credentials.filter((r) => r.result === 'disabled' && r.action === 'delete-access-key').length,
    },
  };
  return { ...evidence, summary: summarize(evidence) };
}

/** Writes findings.csv and report.html, then evidence.json last: when it exists, all three do. */
export async function writeEvidence(ports: Ports, evidence: Evidence): Promise<string> {
  const id = evidence.execution.id;
  await ports.blobs.put(findingsCsvKey(id), renderFindingsCsv(evidence), 'text/csv; charset=utf-8');
  await ports.blobs.put(reportHtmlKey(id), renderReportHtml(evidence), 'text/html; charset=utf-8');
  const key = evidenceKey(id);
  await ports.blobs.put(key, `${JSON.stringify(evidence, null, 2)}\n`, 'application/json');
  return key;
}
