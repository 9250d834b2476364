/** The per-run evidence a compliance reviewer files: what the report said, who approved, what changed. */
import type { Ports } from '../ports/index.js';
import { approvalIdFor } from './approval-links.js';
import { planKey as planKeyOf, readPlan, runPrefix } from './plan.js';
import type { RunRequest } from './request.js';
import type { ApprovalRecord, LedgerEntry, Plan } from './types.js';
import { type VerificationCheck, verificationKey } from './verify.js';

export type Outcome =
  | 'remediated'
  | 'nothing-to-do'
  | 'dry-run'
  | 'rejected'
  | 'timed-out'
  | 'backed-out'
  | 'backout-failed';

export interface ErrorInfo {
  Error: string;
  Cause: string;
}

export interface ReportTask {
  executionId: string;
  outcome: Outcome;
  request?: RunRequest;
  approvalId?: string;
  error?: ErrorInfo | null;
  backoutError?: ErrorInfo | null;
}

export interface Evidence {
  schemaVersion: 1;
  executionId: string;
  accountId: string;
  outcome: Outcome;
  writtenAt: string;
  request: RunRequest | null;
  report: { generatedAt: string | null; asOf: string; thresholdDays: number } | null;
  findings: Plan['analysis']['findings'];
  skipped: Plan['analysis']['skipped'];
  unresolved: Plan['unresolved'];
  approval: (Omit<ApprovalRecord, 'taskToken' | 'approvers'> & { approvers: string[] }) | null;
  changes: LedgerEntry[];
  skippedAtRecheck: LedgerEntry[];
  notApproved: LedgerEntry[];
  verification: { verifiedAt: string; checks: VerificationCheck[] } | null;
  error: ErrorInfo | null;
  backoutError: ErrorInfo | null;
}

export const evidenceKey = (executionId: string) => `${runPrefix(executionId)}/evidence.json`;

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

export async function collectEvidence(ports: Ports, task: ReportTask): Promise<Evidence> {
  const plan = await optional(() => readPlan(ports.blobs, planKeyOf(task.executionId)));
  const approval = await ports.store.getApproval(task.approvalId ?? approvalIdFor(task.executionId));
  const ledger = await ports.store.listLedger(task.executionId);
  const verification = await optional(async () =>
    JSON.parse(await ports.blobs.get(verificationKey(task.executionId))),
  );
  const sourceId = task.request?.mode === 'backout' ? task.request.backoutOf : undefined;
  const restoredHere = sourceId
    ? (await ports.store.listLedger(sourceId)).filter((e) => e.restoredBy === task.executionId)
    : [];
  const normalise = (e: ErrorInfo | null | undefined) =>
    e ? { Error: e.Error, Cause: causeMessage(e.Cause) } : null;
  const approvalView = approval
    ? (({ taskToken: _token, approvers, ...rest }) => ({
        ...rest,
        approvers: approvers.map((a) => a.approver),
      }))(approval)
    : null;
  return {
    schemaVersion: 1,
    executionId: task.executionId,
    accountId: ports.settings.accountId,
    outcome: task.outcome,
    writtenAt: ports.now().toISOString(),
    request: task.request ?? null,
    report: plan
      ? { generatedAt: plan.reportGeneratedAt, asOf: plan.asOf, thresholdDays: plan.thresholdDays }
      : null,
    findings: plan?.analysis.findings ?? [],
    skipped: plan?.analysis.skipped ?? [],
    unresolved: plan?.unresolved ?? [],
    approval: approvalView,
    changes: [...ledger.filter((e) => e.status === 'changed' || e.status === 'restored'), ...restoredHere],
    skippedAtRecheck: ledger.filter((e) => e.skipReason === 'used-since-report'),
    notApproved: ledger.filter((e) => e.skipReason === 'not-approved'),
    verification,
    error: normalise(task.error),
    backoutError: normalise(task.backoutError),
  };
}

export async function writeEvidence(ports: Ports, evidence: Evidence): Promise<string> {
  const key = evidenceKey(evidence.executionId);
  await ports.blobs.put(key, `${JSON.stringify(evidence, null, 2)}\n`, 'application/json');
  return key;
}
