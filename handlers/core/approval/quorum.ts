/**
 * The approval quorum: pure rules over the stored ApprovalRecord (docs/approver-guide.md).
 *
 * - A run needs `approvalsRequired` approvals from different people (ApprovalRecord.approvalsRequired,
 *   fixed when the approval is requested; see quorumOf in shared/request.ts).
 * - A person counts once: the approver identity of their link (the address, case-insensitive). The
 *   same link, or another link of the same person, cannot count twice.
 * - Any approver's rejection rejects the run, while it is pending.
 * - What changes is what every counted approver ticked: the intersection of their selections, in
 *   plan order. A later approver is shown what the earlier ones approved and can only narrow it.
 * - The run waits on the same task token and window until the quorum is reached; only the decision
 *   that reaches it (or a rejection) is handed to the workflow.
 *
 * The store writes a counted decision only while the approval is pending and still holds the
 * approvals it was computed from (StorePort.decideApproval): two approvers answering at the same
 * instant are both counted, once each, whatever the order.
 */
import { clean } from '../shared/html.js';
import type { ApprovalProgress, ApprovalRecord, ApprovalUpdate, DecisionRecord } from '../shared/types.js';
import { plural } from '../shared/words.js';
import { formatUtc } from './rows.js';

/** The quorum of an approval; records written before the quorum existed need one approval. */
export function requiredOf(record: Pick<ApprovalRecord, 'approvalsRequired'>): number {
  return Math.max(1, record.approvalsRequired ?? 1);
}

/** The approvals counted so far. */
export function approvalsOf(record: Pick<ApprovalRecord, 'approvals'>): DecisionRecord[] {
  return record.approvals ?? [];
}

/** One person, however their address is written. */
export const samePerson = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** The counted approval of this person, if any. */
export function approvalBy(
  record: Pick<ApprovalRecord, 'approvals'>,
  approver: string,
): DecisionRecord | null {
  return approvalsOf(record).find((a) => samePerson(a.approver, approver)) ?? null;
}

/** Approvals still needed before anything changes (0 once decided). */
export function stillNeeded(
  record: Pick<ApprovalRecord, 'approvals' | 'approvalsRequired' | 'status'>,
): number {
  if (record.status !== 'pending') return 0;
  return Math.max(0, requiredOf(record) - approvalsOf(record).length);
}

/**
 * What every counted approver ticked, in the order of `first`'s selection (plan order); null when
 * nobody approved yet (everything is still open).
 */
export function agreedSelection(approvals: readonly DecisionRecord[]): string[] | null {
  const [first, ...rest] = approvals;
  if (!first) return null;
  const others = rest.map((a) => new Set(a.selection));
  return first.selection.filter((id) => others.every((s) => s.has(id)));
}

/** The accounts any counted approver kept out (none of their credentials is in the agreed selection). */
export function keptOutByAny(approvals: readonly DecisionRecord[]): string[] {
  return [...new Set(approvals.flatMap((a) => a.keptOutAccounts ?? []))];
}

export type CountOutcome =
  /** Write `update` (conditional on the approvals it was computed from); `reached`: hand it to the workflow. */
  | { kind: 'counted'; update: ApprovalUpdate; reached: boolean }
  /** This person's approval is already counted: it cannot count twice. */
  | { kind: 'already-counted'; approval: DecisionRecord }
  /** The run was decided (quorum reached or rejected): nothing more is counted. */
  | { kind: 'already-decided' };

/**
 * Counts one person's decision against the record as stored now. A rejection decides the run; an
 * approval is added to the counted ones, and the one that reaches the quorum decides it with the
 * intersection of every counted selection.
 */
export function countDecision(record: ApprovalRecord, decision: DecisionRecord): CountOutcome {
  if (record.status !== 'pending') return { kind: 'already-decided' };
  const counted = approvalsOf(record);
  const earlier = approvalBy(record, decision.approver);
  if (earlier) return { kind: 'already-counted', approval: earlier };
  if (decision.decision === 'rejected') {
    return { kind: 'counted', update: { status: 'rejected', approvals: counted, decision }, reached: true };
  }
  const approvals = [...counted, decision];
  if (approvals.length < requiredOf(record)) {
    return { kind: 'counted', update: { status: 'pending', approvals }, reached: false };
  }
  const selection = agreedSelection(approvals) ?? [];
  // The decision's own kept-out accounts are among them (absent when nobody kept one out).
  const keptOut = keptOutByAny(approvals);
  return {
    kind: 'counted',
    update: {
      status: 'approved',
      approvals,
      decision: { ...decision, selection, ...(keptOut.length > 0 ? { keptOutAccounts: keptOut } : {}) },
    },
    reached: true,
  };
}

/**
 * The store's condition for StorePort.decideApproval: still pending and still holding exactly the
 * approvals the update was computed from (approvals only grow while pending, so the count is the
 * version). The local and in-memory stores apply it; DynamoDB states it as a ConditionExpression.
 */
export function approvalWritable(record: ApprovalRecord, expectedApprovals: number): boolean {
  return record.status === 'pending' && approvalsOf(record).length === expectedApprovals;
}

/** The record after a written update. */
export function applyUpdate(record: ApprovalRecord, update: ApprovalUpdate): ApprovalRecord {
  return { ...record, ...update };
}

/**
 * Whether `approver` may hand the recorded decision to the workflow again: it was decided by them
 * (their rejection, or their approval that reached the quorum) and never delivered (a failed
 * SendTaskSuccess). The decision itself is never taken again.
 */
export function mayRedeliver(record: ApprovalRecord, approver: string): boolean {
  return (
    record.status !== 'pending' &&
    record.decision !== undefined &&
    record.deliveredAt === undefined &&
    samePerson(record.decision.approver, approver)
  );
}

/** `alma@x approved 5 of 6 at 2025-06-01 10:02 UTC`, one line per counted approval (plain text). */
export function approvalLines(record: Pick<ApprovalRecord, 'approvals'>, planItemCount: number): string[] {
  return approvalsOf(record).map(
    (a) =>
      `${clean(a.approver)} approved ${a.selection.length} of ${planItemCount} at ${formatUtc(a.decidedAt)}` +
      (a.keptOutAccounts?.length ? `, keeping ${plural(a.keptOutAccounts.length, 'account')} out` : ''),
  );
}

/**
 * What a later approver is told before deciding (plain text), or null when nobody approved yet:
 * `alma@x approved 5 of 6 at 10:02 UTC; approving now approves those 5.`
 */
export function progressNote(
  record: Pick<ApprovalRecord, 'approvals' | 'approvalsRequired' | 'status'>,
  planItemCount: number,
): string | null {
  const lines = approvalLines(record, planItemCount);
  const agreed = agreedSelection(approvalsOf(record));
  if (lines.length === 0 || agreed === null) return null;
  const needed = stillNeeded(record);
  return (
    `${lines.join('; ')}; approving now approves ${agreed.length === 1 ? 'that 1' : `those ${agreed.length}`}` +
    (agreed.length < planItemCount
      ? ` (the other ${planItemCount - agreed.length} cannot be approved any more)`
      : '') +
    `. ${needed === 1 ? 'Your approval is the last one needed.' : `${plural(needed, 'more approval')} are needed, yours included.`}`
  );
}

/** `1 more approval is needed before anything changes` / `2 more approvals are needed ...`. */
export function neededSentence(
  record: Pick<ApprovalRecord, 'approvals' | 'approvalsRequired' | 'status'>,
): string {
  const needed = stillNeeded(record);
  return `${plural(needed, 'more approval')} from ${needed === 1 ? 'another approver is' : 'other approvers are'} needed before anything changes (${approvalsOf(record).length} of ${requiredOf(record)} so far)`;
}

/** What `status` shows of an approval (no token, no link hashes). */
export function approvalProgress(record: ApprovalRecord): ApprovalProgress {
  return {
    approvalsRequired: requiredOf(record),
    status: record.status,
    approvals: approvalsOf(record).map((a) => ({
      approver: a.approver,
      decidedAt: a.decidedAt,
      approved: a.selection.length,
    })),
  };
}
