/**
 * An organization run asks one approval: the mail and the page group its credentials by account
 * (name, id, OU, how many) and list the accounts that are not part of the request (unreachable,
 * suspended, analysis failed). A single-account plan is one group without a heading.
 */

import { clean } from '../shared/html.js';
import type { Plan, PlanItem } from '../shared/types.js';
import { plural } from '../shared/words.js';
import { type CredentialRow, credentialRows } from './rows.js';

export interface AccountGroup {
  /** `payments-prod (222222222222), OU ou-…: 2 credentials`; null for a single-account plan. */
  heading: string | null;
  /** The account of the group; null for a single-account plan. */
  accountId: string | null;
  rows: CredentialRow[];
}

/** The plan's items by account, in plan order (one pass: linear in the items at any number of accounts). */
function itemsByAccount(items: readonly PlanItem[]): Map<string, PlanItem[]> {
  const byAccount = new Map<string, PlanItem[]>();
  for (const item of items) {
    const key = item.accountId ?? '';
    const list = byAccount.get(key);
    if (list) list.push(item);
    else byAccount.set(key, [item]);
  }
  return byAccount;
}

export function accountGroups(plan: Plan): AccountGroup[] {
  const org = plan.organization;
  if (!org) return [{ heading: null, accountId: null, rows: credentialRows(plan) }];
  const byAccount = itemsByAccount(plan.items);
  return org.accounts
    .filter((a) => a.state === 'proposed')
    .map((a) => ({
      heading: clean(`${a.name} (${a.accountId}), OU ${a.ou}: ${plural(a.proposed, 'credential')}`),
      accountId: a.accountId,
      rows: credentialRows({ items: byAccount.get(a.accountId) ?? [], thresholdDays: plan.thresholdDays }),
    }));
}

/**
 * The accounts an approver can keep out (those with credentials proposed), each with the ids of its
 * plan items, in plan order; empty for a single-account plan.
 */
export function accountItems(plan: Pick<Plan, 'organization' | 'items'>): Map<string, string[]> {
  const proposed = (plan.organization?.accounts ?? []).filter((a) => a.state === 'proposed');
  const byAccount = itemsByAccount(plan.items);
  return new Map(
    proposed.map((a) => [a.accountId, (byAccount.get(a.accountId) ?? []).map((item) => item.id)]),
  );
}

const STATE_TEXT = {
  unreachable: 'unreachable, not swept',
  suspended: 'suspended, not swept',
  failed: 'analysis stopped, nothing proposed',
} as const;

/** One line per account that is not part of the request and why; empty for a single account. */
export function accountsNotInRequest(plan: Plan): string[] {
  return (plan.organization?.accounts ?? []).flatMap((a) =>
    a.state === 'unreachable' || a.state === 'suspended' || a.state === 'failed'
      ? [
          clean(
            `${a.name} (${a.accountId}), OU ${a.ou}: ${STATE_TEXT[a.state]}${a.error ? ` (${a.error.Error})` : ''}`,
          ),
        ]
      : [],
  );
}

/** `AWS account 123456789012` or `2 AWS accounts of the organization`. */
export function scopeOf(plan: Plan): string {
  const org = plan.organization;
  if (!org) return `AWS account ${clean(plan.accountId)}`;
  return `${plural(org.accounts.filter((a) => a.state === 'proposed').length, 'AWS account')} of the organization`;
}
