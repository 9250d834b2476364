/**
 * Findings follow an organization run: at its one approval request, each account's findings of the
 * users proposed in that account go to NOTIFIED, in the account that owns them
 * (core/security-hub/account-hub.ts). Each account's step is stored under the account's own run,
 * where that account's Report finds it, exactly as an account run's is; the run's end is each
 * account's own Report (or the org report for the accounts no task reported).
 */
import type { Ports } from '../../ports/index.js';
import type { SecurityHubStep } from '../evidence/schema.js';
import { findingsPorts } from '../security-hub/account-hub.js';
import { notifiedKey, notifyFindings } from '../security-hub/follow-run.js';
import { accountRunId } from '../shared/run-ids.js';
import { runPrefix } from '../shared/run-keys.js';
import type { Plan } from '../shared/types.js';
import { inBatches } from './org-plan.js';

/** Accounts whose findings are read and updated at once. */
const ACCOUNTS_AT_ONCE = 8;

/** The run's status from its accounts' steps: updated only when every account's was. */
function overall(steps: SecurityHubStep[]): SecurityHubStep['status'] {
  const statuses = new Set(steps.map((s) => s.status));
  if (statuses.size === 0) return 'unchanged';
  if (statuses.size === 1) return steps[0]?.status ?? 'unchanged';
  if ([...statuses].every((s) => s === 'updated' || s === 'unchanged')) return 'updated';
  return 'partly-updated';
}

/**
 * NOTIFIED per account of an organization plan (`plan.organization`); each account's step is put
 * under its run (`put`) before the next batch. Never throws for Security Hub's sake.
 */
export async function notifyOrganizationFindings(
  ports: Ports,
  executionId: string,
  plan: Plan,
  expiresAt: string,
  put: (key: string, step: SecurityHubStep) => Promise<void>,
): Promise<SecurityHubStep['status']> {
  const byAccount = new Map<string, Plan['items']>();
  for (const item of plan.items) {
    if (!item.accountId) continue;
    byAccount.set(item.accountId, [...(byAccount.get(item.accountId) ?? []), item]);
  }
  const steps = await inBatches([...byAccount], ACCOUNTS_AT_ONCE, async ([accountId, items]) => {
    const prefix = runPrefix(accountRunId(executionId, accountId));
    const step = await notifyFindings(
      findingsPorts(ports, accountId),
      prefix.slice('runs/'.length),
      { ...plan, accountId, items },
      expiresAt,
    );
    await put(notifiedKey(prefix), step);
    return step;
  });
  return overall(steps);
}
