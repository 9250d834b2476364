/**
 * An organization run, account by account, for `status`, `show`, `history`, `evidence` and `backout`:
 * from its org summary (`runs/<name>/evidence.json`, written when the run ends), or while it runs
 * from what it has stored so far (the accounts it listed, its org plan, each account's own evidence
 * as that account's Report task writes it). The same files in S3 and in a local home, so AWS and
 * `--local` share this code.
 */

import type { Evidence } from '../handlers/core/evidence/schema.js';
import type { OrgEvidence } from '../handlers/core/organization/org-evidence.js';
import { InputError } from '../handlers/core/shared/errors.js';
import type { OrgPlanAccount, Plan } from '../handlers/core/shared/types.js';
import type { OrgAccount } from '../handlers/ports/organizations.js';
import { accountFolder, type RunSource, readOrgEvidence } from './runs.js';
import type { RunView } from './timeline/run-view.js';

export interface AccountRow {
  accountId: string;
  name: string;
  ou: string;
  /** ACTIVE, SUSPENDED, PENDING_CLOSURE: as Organizations listed it. */
  status: string;
  /**
   * How the account ended (remediated, nothing-to-do, unreachable, suspended, backed-out,
   * backout-failed, failed, rejected, timed-out, dry-run), or while the run goes on: `analyzing`,
   * `awaiting-approval` (something proposed), `applying`, or `not reported` (a run that stopped).
   */
  outcome: string;
  counts: { findings: number; proposed: number; disabled: number; restored: number } | null;
  error: { Error: string; Cause: string } | null;
}

export interface OrgRun {
  accounts: AccountRow[];
  /** The org summary's sentence, once written. */
  summary: string | null;
  /** The org summary (evidence.json of the run), once written. */
  evidence: OrgEvidence | null;
}

/** Reads at most `limit` at a time, keeping the order (S3 GETs in AWS, files locally). */
export async function inBatches<T, R>(things: T[], limit: number, read: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < things.length; i += limit) {
    out.push(...(await Promise.all(things.slice(i, i + limit).map(read))));
  }
  return out;
}

const countsOf = (c: Evidence['counts']) => ({
  findings: c.findings,
  proposed: c.proposed,
  disabled: c.disabled,
  restored: c.restored,
});

async function json<T>(source: RunSource, view: RunView, path: string): Promise<T | null> {
  const text = await source.file(view, path);
  return text === null ? null : (JSON.parse(text) as T);
}

/** What an account without evidence (yet) is doing, from the org plan and the run's state. */
function pendingOutcome(account: OrgAccount, planned: OrgPlanAccount | undefined, view: RunView): string {
  if (account.status !== 'ACTIVE') return 'suspended';
  if (planned && planned.state !== 'proposed') return planned.state;
  if (view.execution.status !== 'RUNNING') return 'not reported';
  if (!planned) return view.mode === 'backout' ? 'backing-out' : 'analyzing';
  return view.approval?.decision === 'approved' ? 'applying' : 'awaiting-approval';
}

/** The run's accounts and their outcomes (or progress); empty before ListAccounts has stored them. */
export async function readOrgRun(source: RunSource, view: RunView): Promise<OrgRun> {
  const evidence = await readOrgEvidence(source, view);
  if (evidence) {
    return {
      summary: evidence.summary,
      evidence,
      accounts: evidence.accounts.map((a) => ({
        accountId: a.accountId,
        name: a.name,
        ou: a.ou,
        status: a.status,
        outcome: a.outcome,
        counts: countsOf(a.counts),
        error: a.error,
      })),
    };
  }
  const listed = (await json<{ accounts: OrgAccount[] }>(source, view, 'accounts.json'))?.accounts ?? [];
  const plan = await json<Plan>(source, view, 'plan.json');
  const planned = new Map((plan?.organization?.accounts ?? []).map((a) => [a.accountId, a]));
  const accounts = await inBatches(listed, 16, async (account): Promise<AccountRow> => {
    const own = await json<Evidence>(source, view, `${accountFolder(account.accountId)}evidence.json`);
    const row = planned.get(account.accountId);
    return {
      accountId: account.accountId,
      name: account.name,
      ou: account.ou,
      status: account.status,
      outcome: own?.outcome ?? pendingOutcome(account, row, view),
      counts: own
        ? countsOf(own.counts)
        : row
          ? { findings: row.findings, proposed: row.proposed, disabled: 0, restored: 0 }
          : null,
      error: own?.error ?? row?.error ?? null,
    };
  });
  return { accounts, summary: null, evidence: null };
}

/** `--account` on a run that is not an organization run, or naming an account the run did not cover. */
export function accountOf(view: RunView, org: OrgRun | null, accountId: string): AccountRow {
  const name = view.execution.name;
  if (!view.organization) {
    throw new InputError(
      `--account is for organization runs; ${name} is a run of one account (leave --account out)`,
    );
  }
  const row = org?.accounts.find((a) => a.accountId === accountId);
  if (row) return row;
  const known = org?.accounts ?? [];
  throw new InputError(
    `account ${accountId} is not an account of ${name}` +
      (known.length > 0
        ? ` (its accounts: ${known
            .slice(0, 20)
            .map((a) => `${a.accountId} ${a.name}`)
            .join(', ')}${known.length > 20 ? `, and ${known.length - 20} more` : ''})`
        : view.execution.status === 'RUNNING'
          ? ': it has not listed its accounts yet'
          : ': it listed no account'),
  );
}

const OUTCOME_ORDER = [
  'remediated',
  'nothing-approved',
  'nothing-to-do',
  'dry-run',
  'backed-out',
  'backout-failed',
  'failed',
  'rejected',
  'timed-out',
  'unreachable',
  'suspended',
];

/** `2 remediated, 1 nothing-to-do, 1 unreachable, 1 suspended` (the known outcomes in this order). */
export function outcomeCounts(accounts: AccountRow[]): string {
  const counts = new Map<string, number>();
  for (const a of accounts) counts.set(a.outcome, (counts.get(a.outcome) ?? 0) + 1);
  const rank = (o: string) => (OUTCOME_ORDER.includes(o) ? OUTCOME_ORDER.indexOf(o) : OUTCOME_ORDER.length);
  const parts = [...counts].sort(([a], [b]) => rank(a) - rank(b)).map(([outcome, n]) => `${n} ${outcome}`);
  return parts.join(', ');
}
