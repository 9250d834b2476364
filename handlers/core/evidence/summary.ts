/** The one-paragraph summary of a run's evidence: what the mail, the page and `status` lead with. */
import { laterChangeText } from '../change/last-change.js';
import { plural } from '../shared/words.js';
import type { Evidence } from './schema.js';

const nameOf = (executionId: string) => executionId.split(':').pop() ?? executionId;

function lostText(e: Pick<Evidence, 'backout'>): string {
  const lost = e.backout?.cannotRestore ?? [];
  if (lost.length === 0) return '';
  const named = lost.map(
    (x) =>
      `${x.userName} ${x.accessKeyId ?? x.credential} ${x.action === 'delete-access-key' ? 'deleted' : 'reset'}`,
  );
  return ` (${lost.length} cannot be restored, approved as impossible to undo: ${named.join(', ')})`;
}

const NOTHING_READ = /nothing was read or changed there\.?$/;

/**
 * What a run changed, with deletions counted as deleted: `disabled` counts every credential the run
 * changed and `deleted` the access keys among them deleted for good (the delete stage), so "2
 * disabled" never stands for one disabled and one deleted. `1 disabled, 1 access key deleted for good`.
 */
export function changedText(c: { disabled: number; deleted?: number }, join = ', '): string {
  const deleted = c.deleted ?? 0;
  const parts = [
    ...(c.disabled - deleted > 0 || deleted === 0 ? [`${c.disabled - deleted} disabled`] : []),
    ...(deleted > 0 ? [`${plural(deleted, 'access key')} deleted for good`] : []),
  ];
  return parts.join(join);
}

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
        (c.deleted > 0
          ? `Of ${plural(c.proposed, 'proposed credential')}, ${changedText(c, ' and ')},`
          : `${c.disabled} of ${plural(c.proposed, 'proposed credential')} disabled`) +
        ` after approval by ${approvedBy(e) ?? 'an approver'}, ${c.verified} verified${recheck}.`
      );
    case 'nothing-to-do':
      return c.heldForWarning > 0 || c.ownersWarned > 0
        ? `Nothing to propose yet: ${plural(c.heldForWarning, 'credential')} held until the owner's warning is old enough (${c.ownersWarned} warned by this run); nothing was asked or changed.`
        : `No credential unused for ${e.report?.thresholdDays ?? '?'} days or more; nothing was asked or changed.`;
    case 'nothing-approved':
      return `None of the ${plural(c.proposed, 'credential')} proposed in this account was approved (${approvedBy(e) ?? 'the approver'} kept them out); nothing was changed here.`;
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
    case 'unreachable': {
      const cause = e.error?.Cause ?? 'no cause given';
      // AccountUnreachable's cause already ends by saying so (handlers/core/organization/account-scope.ts).
      return NOTHING_READ.test(cause)
        ? `Account ${e.execution.accountId} could not be reached (${e.error?.Error ?? 'error'}): ${cause}`
        : `Account ${e.execution.accountId} could not be reached (${e.error?.Error ?? 'error'}: ${cause}); nothing was read or changed there.`;
    }
    case 'suspended':
      return `Account ${e.execution.accountId} is suspended; it was not swept.`;
    case 'backout-failed':
      return (
        `Backout could not finish (${e.backout?.error?.Error ?? 'error'}): ${plural(c.restored, 'credential')} restored, ` +
        `${c.disabled} still disabled; start the backout of ${nameOf(e.backout?.sourceExecutionId ?? e.execution.id)} again.`
      );
  }
}

/** Who approved: every counted approver (a quorum), else the one who decided. */
function approvedBy(e: Pick<Evidence, 'approval'>): string | null {
  const approvals = e.approval?.approvals ?? [];
  if (approvals.length > 1) return approvals.map((a) => a.approver).join(' and ');
  return e.approval?.decision?.approver ?? null;
}
