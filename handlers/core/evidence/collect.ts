/**
 * The per-run evidence a compliance reviewer files: what the credential report said, who approved
 * what and when, what each credential was before and after, what was verified and what was restored.
 * Written by the Report task as `runs/<execution name>/evidence.json` (schema: docs/compliance.md),
 * with `findings.csv` and `report.html` rendered from the same object next to it.
 */
import type { Ports } from '../../ports/index.js';
import { approvalIdFor } from '../approval/links.js';
import { IRREVERSIBLE_ACTIONS } from '../change/backout.js';
import { type VerificationCheck, verificationKey } from '../change/verify.js';
import { readPlan } from '../plan/plan.js';
import type { Outcome } from '../shared/outcomes.js';
import { executionArnOf } from '../shared/request.js';
import { accountRunId, splitAccountRunId } from '../shared/run-ids.js';
import { evidenceKey, findingsCsvKey, planKey as planKeyOf, reportHtmlKey } from '../shared/run-keys.js';
import { approvalEvidence, credentialRecords } from './credential-records.js';
import { renderFindingsCsv } from './csv.js';
import { renderReportHtml } from './html.js';
import type { CredentialRecord, CredentialResult, ErrorInfo, Evidence, ReportTask } from './schema.js';
import { summarize } from './summary.js';

/** What each ledger action leaves behind when it has been made. */
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
function backoutTrigger(outcome: Outcome, mode: 'remediate' | 'backout', error: ErrorInfo | null) {
  if (mode === 'backout') return 'requested' as const;
  if (outcome === 'rejected') return 'rejected' as const;
  if (outcome === 'timed-out') return 'approval-timed-out' as const;
  return error ? ('failure' as const) : ('requested' as const);
}

/** `; N cannot be restored (…)`: the changes approved as impossible to undo that a backout left, named. */
export async function collectEvidence(ports: Ports, task: ReportTask): Promise<Evidence> {
  const plan = await optional(() => readPlan(ports.blobs, planKeyOf(task.executionId)));
  const record = await ports.store.getApproval(task.approvalId ?? approvalIdFor(task.executionId));
  const { executionId: runId, accountId } = splitAccountRunId(task.executionId);
  const approval = record ? approvalEvidence(record, accountId ?? undefined) : null;
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
  const selection = new Set(approval?.decision?.decision === 'approved' ? approval.decision.selection : []);
  const approvedHere = plan?.items.filter((i) => selection.has(i.id)).length ?? 0;
  const outcome: Outcome =
    task.outcome === 'remediated' && accountId && (plan?.items.length ?? 0) > 0 && approvedHere === 0
      ? 'nothing-approved'
      : task.outcome;
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
    outcome,
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
      // The approval of an organization run covers every account: count this plan's items only.
      approved: approvedHere,
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
