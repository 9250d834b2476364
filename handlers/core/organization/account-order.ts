/**
 * How an organization run's accounts are read, problems first: the summary report and the mail of a
 * 1,000-account run lead with the few accounts someone must look at, then the accounts changed, and
 * fold the many with nothing to do. One order for both renderings.
 */
import type { Outcome } from '../shared/outcomes.js';

export type AccountGroup = 'attention' | 'changed' | 'unchanged' | 'nothing-to-do';

/** Outcomes someone must look at, most urgent first: a change left half-done comes before a skip. */
const ATTENTION: readonly Outcome[] = ['backout-failed', 'failed', 'unreachable', 'backed-out', 'suspended'];

interface Ranked {
  accountId: string;
  outcome: Outcome;
  counts: { disabled: number; restored: number };
}

export function groupOf(a: Ranked): AccountGroup {
  if (ATTENTION.includes(a.outcome)) return 'attention';
  if (a.outcome === 'nothing-to-do') return 'nothing-to-do';
  return a.counts.disabled > 0 || a.counts.restored > 0 ? 'changed' : 'unchanged';
}

/** The accounts of each group, each group in its order (attention by urgency, then by account id). */
export function groupAccounts<T extends Ranked>(accounts: T[]): Record<AccountGroup, T[]> {
  const rank = (a: T) => ATTENTION.indexOf(a.outcome);
  const sorted = [...accounts].sort((a, b) => rank(a) - rank(b) || a.accountId.localeCompare(b.accountId));
  const groups: Record<AccountGroup, T[]> = {
    attention: [],
    changed: [],
    unchanged: [],
    'nothing-to-do': [],
  };
  for (const a of sorted) groups[groupOf(a)].push(a);
  return groups;
}
