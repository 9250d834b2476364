/**
 * ListAccounts of an organization run: which member accounts the run covers, stored once as
 * `runs/<name>/accounts.json`; the workflow carries only the ids of the ACTIVE ones (12 digits each,
 * so 5,000 accounts are about 75 KB of state, under the 256 KiB limit).
 */
import type { BlobPort } from '../../ports/blobs.js';
import type { Ports } from '../../ports/index.js';
import type { OrgAccount } from '../../ports/organizations.js';
import { readPlan } from '../plan/plan.js';
import { refuseReusedName } from '../plan/run-identity.js';
import { InputError } from '../shared/errors.js';
import { executionArnOf, maxCredentialsOf, type RunRequest } from '../shared/request.js';
import { accountsKey, planKey } from '../shared/run-keys.js';

export interface ListAccountsResult {
  key: string;
  /** Ids of the accounts to fan out over (ACTIVE ones; in backout mode, those the run changed). */
  items: string[];
  total: number;
  /** Accounts listed but not swept (suspended or closing). */
  notActive: number;
}

export async function readAccounts(blobs: BlobPort, executionId: string): Promise<OrgAccount[]> {
  return (JSON.parse(await blobs.get(accountsKey(executionId))) as { accounts: OrgAccount[] }).accounts;
}

const nameOf = (id: string) => id.split(':').pop() ?? id;

/** The accounts an earlier organization run proposed changes in (what a backout of it covers). */
async function accountsOfRun(ports: Ports, source: string): Promise<OrgAccount[]> {
  const plan = await readPlan(ports.blobs, planKey(source)).catch((err: Error) => {
    if (err.name === 'NoSuchKey') {
      throw new InputError(
        `${nameOf(source)} has no organization plan: it is not an organization run of this hub`,
      );
    }
    throw err;
  });
  if (!plan.organization) throw new InputError(`${nameOf(source)} is not an organization run`);
  return plan.organization.accounts
    .filter((a) => a.proposed > 0)
    .map(({ accountId, name, ou, status }) => ({ accountId, name, ou, status }));
}

export async function listRunAccounts(
  ports: Ports,
  executionId: string,
  request: RunRequest,
): Promise<ListAccountsResult> {
  // A run's name is its identity across both state machines, for good: refused before anything is
  // read or written when an earlier run (account or organization) left records under it.
  await refuseReusedName(ports, executionId);
  // The per-account limit is the same in every account: a maxCredentials no account's workflow could
  // hold within its quotas (docs/deploy.md, "Quotas") stops the run here, once, before any account.
  if (request.mode !== 'backout') maxCredentialsOf(request, ports.settings);
  let accounts =
    request.mode === 'backout' && request.backoutOf
      ? await accountsOfRun(ports, executionArnOf(request.backoutOf, executionId))
      : await ports.organizations.listAccounts(request.ous);
  if (request.accounts) {
    const known = new Set(accounts.map((a) => a.accountId));
    const unknown = request.accounts.filter((id) => !known.has(id));
    if (unknown.length > 0 && request.mode !== 'backout') {
      throw new InputError(
        `not in the organization${request.ous ? ` (OUs ${request.ous.join(', ')})` : ''}: ${unknown.join(', ')}`,
      );
    }
    const wanted = new Set(request.accounts);
    accounts = accounts.filter((a) => wanted.has(a.accountId));
  }
  const key = accountsKey(executionId);
  await ports.blobs.put(key, JSON.stringify({ accounts }), 'application/json');
  const items = accounts.filter((a) => a.status === 'ACTIVE').map((a) => a.accountId);
  return { key, items, total: accounts.length, notActive: accounts.length - items.length };
}
