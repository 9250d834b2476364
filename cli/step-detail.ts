/** What a step of a run produced, in a few words, read from its output: for `show` and live progress. */
import { z } from 'zod';
import { plural } from '../handlers/core/shared/words.js';
import type { Step } from './timeline/steps.js';

const n = z.number();
const stepOutput = z.looseObject({
  report: z.looseObject({ state: z.string() }).optional().catch(undefined),
  plan: z
    .looseObject({
      findings: n,
      total: n,
      skipped: n,
      thresholdDays: n,
      warned: n,
      deletions: n,
      batches: z.array(z.unknown()),
    })
    .partial()
    .optional()
    .catch(undefined),
  approval: z
    .looseObject({ decision: z.string(), approver: z.string(), approvedCount: n, notApprovedCount: n })
    .partial()
    .optional()
    .catch(undefined),
  console: z.looseObject({ changed: n, skipped: n }).optional().catch(undefined),
  keys: z.looseObject({ changed: n, skipped: n }).optional().catch(undefined),
  deleted: z.looseObject({ changed: n, skipped: n }).optional().catch(undefined),
  verification: z.looseObject({ checked: n, failed: n }).optional().catch(undefined),
  backout: z
    .looseObject({ restored: n, notChanged: n, skipped: n, failed: n })
    .partial()
    .optional()
    .catch(undefined),
  evidence: z
    .looseObject({ outcome: z.string(), changed: n, restored: n })
    .partial()
    .optional()
    .catch(undefined),
});

/**
 * Which Map iteration a step belongs to: `[account 222222222222]` in an organization run (each
 * iteration's input names its account), else `[batch 2]`.
 */
export function iterationLabel(index: number, input: unknown): string {
  const accountId = (input as { accountId?: unknown } | null | undefined)?.accountId;
  return typeof accountId === 'string' ? `[account ${accountId}]` : `[batch ${index}]`;
}

/** What a step produced, in a few words, read from its output. */
export function stepDetail(step: Step): string {
  if (step.status === 'failed' && step.error) {
    return `FAILED ${step.error.error}${step.error.cause ? `: ${step.error.cause}` : ''}`;
  }
  if (step.status === 'stopped') return 'stopped with the execution';
  const out = stepOutput.safeParse(step.output);
  if (!out.success) return '';
  const o = out.data;
  const retries = step.retries === 0 ? '' : ` (${step.retries} ${step.retries === 1 ? 'retry' : 'retries'})`;
  const text = (() => {
    switch (step.state) {
      case 'GenerateReport':
        return o.report ? `credential report ${o.report.state}` : '';
      case 'Analyze':
        return o.plan
          ? `${plural(o.plan.findings ?? 0, 'finding')}, ${o.plan.total ?? 0} proposed` +
              (o.plan.deletions ? ` (${o.plan.deletions} for deletion)` : '') +
              (o.plan.warned ? `, ${o.plan.warned} held for owner warnings` : '') +
              `, ${plural(o.plan.skipped ?? 0, 'user')} skipped, threshold ${o.plan.thresholdDays ?? '?'} days`
          : '';
      case 'RequestApproval':
        return o.approval
          ? `${o.approval.decision} by ${o.approval.approver ?? '?'}` +
              (o.approval.decision === 'approved'
                ? ` (${o.approval.approvedCount ?? '?'} approved, ${o.approval.notApprovedCount ?? 0} not approved)`
                : '')
          : '';
      case 'DisableConsoleAccess':
        return o.console
          ? `${plural(o.console.changed, 'console password')} removed, ${o.console.skipped} skipped`
          : '';
      case 'DeactivateAccessKeys':
        return o.keys ? `${plural(o.keys.changed, 'access key')} deactivated, ${o.keys.skipped} skipped` : '';
      case 'DeleteAccessKeys':
        return o.deleted
          ? `${plural(o.deleted.changed, 'access key')} deleted (delete stage), ${o.deleted.skipped} skipped`
          : '';
      case 'ApplyBatches':
        return o.plan?.batches
          ? `${o.plan.batches.length} ${o.plan.batches.length === 1 ? 'batch' : 'batches'}`
          : '';
      case 'Verify':
        return o.verification
          ? `${o.verification.checked - o.verification.failed} of ${o.verification.checked} verified`
          : '';
      case 'Backout':
        return o.backout
          ? `${o.backout.restored ?? 0} restored, ${o.backout.notChanged ?? 0} found unchanged, ` +
              (o.backout.skipped ? `${o.backout.skipped} left alone (changed since), ` : '') +
              `${o.backout.failed ?? 0} failed`
          : '';
      case 'Report':
      case 'ReportUnchanged':
      case 'ReportBackout':
      case 'ReportStopped':
        return o.evidence ? `evidence written: ${o.evidence.outcome}` : '';
      default:
        return '';
    }
  })();
  return `${text}${retries}`;
}
