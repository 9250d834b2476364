/**
 * The summary an approver of a large organization reads before the rows: per OU and per account, how
 * many console passwords and access keys are proposed, how many keys would be deleted (impossible to
 * undo), how many credentials are held because their owner was warned, and how many tags an admin
 * must fix. Plain values; the page escapes them. Null for a single-account plan.
 */
import { clean } from '../shared/html.js';
import type { Plan } from '../shared/types.js';
import { plural } from '../shared/words.js';

export interface SummaryCounts {
  passwords: number;
  keys: number;
  deletions: number;
  warned: number;
  tagsToFix: number;
}

export interface AccountSummary extends SummaryCounts {
  accountId: string;
  /** `payments-prod (222222222222)`, neutralised. */
  label: string;
  /** Whether the account has credentials proposed (only those can be kept out). */
  proposed: boolean;
}

export interface OuSummary extends SummaryCounts {
  ou: string;
  accounts: AccountSummary[];
}

export interface OrganizationSummary extends SummaryCounts {
  ous: OuSummary[];
  /** Accounts listed (something proposed, held or to fix). */
  accounts: number;
  /** Accounts swept with nothing to list. */
  quiet: number;
}

const ZERO: SummaryCounts = { passwords: 0, keys: 0, deletions: 0, warned: 0, tagsToFix: 0 };

function add(a: SummaryCounts, b: SummaryCounts): SummaryCounts {
  return {
    passwords: a.passwords + b.passwords,
    keys: a.keys + b.keys,
    deletions: a.deletions + b.deletions,
    warned: a.warned + b.warned,
    tagsToFix: a.tagsToFix + b.tagsToFix,
  };
}

const total = (c: SummaryCounts) => c.passwords + c.keys + c.deletions + c.warned + c.tagsToFix;

/** Counts per account id of everything the plan lists with an account. */
function countsByAccount(plan: Plan): Map<string, SummaryCounts> {
  const counts = new Map<string, SummaryCounts>();
  const bump = (accountId: string | undefined, field: keyof SummaryCounts) => {
    if (accountId === undefined) return;
    const current = counts.get(accountId) ?? ZERO;
    counts.set(accountId, { ...current, [field]: current[field] + 1 });
  };
  for (const item of plan.items) {
    bump(
      item.accountId,
      item.action === 'delete-access-key'
        ? 'deletions'
        : item.credential === 'console-password'
          ? 'passwords'
          : 'keys',
    );
  }
  const life = plan.lifecycle;
  for (const w of life?.warnings ?? []) if (!w.proposed) bump(w.accountId, 'warned');
  for (const s of plan.analysis.skipped)
    if (s.reason === 'exempt-tag-invalid') bump(s.accountId, 'tagsToFix');
  for (const t of [...(life?.ownerTagInvalid ?? []), ...(life?.breakGlassTagUnclear ?? [])]) {
    bump(t.accountId, 'tagsToFix');
  }
  return counts;
}

export function organizationSummary(plan: Plan): OrganizationSummary | null {
  const org = plan.organization;
  if (!org) return null;
  const counts = countsByAccount(plan);
  const byOu = new Map<string, AccountSummary[]>();
  let quiet = 0;
  for (const a of org.accounts) {
    const c = counts.get(a.accountId) ?? ZERO;
    if (a.state !== 'proposed' && total(c) === 0) {
      if (a.state === 'nothing-to-do') quiet++;
      continue;
    }
    const row = {
      ...c,
      accountId: a.accountId,
      label: clean(`${a.name} (${a.accountId})`),
      proposed: a.state === 'proposed',
    };
    byOu.set(a.ou, [...(byOu.get(a.ou) ?? []), row]);
  }
  const ous = [...byOu.entries()]
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([ou, accounts]) => ({ ...accounts.reduce<SummaryCounts>(add, ZERO), ou: clean(ou), accounts }));
  return {
    ...ous.reduce<SummaryCounts>(add, ZERO),
    ous,
    accounts: ous.reduce((n, o) => n + o.accounts.length, 0),
    quiet,
  };
}

/** The whole organization in one line, above the page's summary table and in the mail. */
export function summarySentence(s: OrganizationSummary): string {
  const held = [
    ...(s.warned > 0 ? [`${plural(s.warned, 'credential')} held because the owner was warned`] : []),
    ...(s.tagsToFix > 0 ? [`${plural(s.tagsToFix, 'tag')} to fix`] : []),
  ];
  return (
    `${plural(s.accounts, 'account')} in ${plural(s.ous.length, 'OU')}: ` +
    `${plural(s.passwords, 'console password')} and ${plural(s.keys, 'access key')} proposed` +
    (s.deletions > 0 ? `, ${plural(s.deletions, 'access key')} to DELETE (cannot be undone)` : '') +
    (held.length > 0 ? `; ${held.join(', ')}` : '') +
    '.' +
    (s.quiet > 0 ? ` ${plural(s.quiet, 'other account')} had nothing to do.` : '')
  );
}
