/**
 * One account of an organization run. The per-account steps are the account workflow's handlers:
 * given an `accountId` they work on that account's IAM (through the member role) and keep their
 * plan, ledger and evidence under the account's own run id, so every rule of handlers/core applies
 * unchanged. Without an `accountId` (a single-account run) nothing changes: the hub's own account.
 */
import type { Ports } from '../../ports/index.js';
import { CredsweepError } from '../shared/errors.js';
import { accountRunId } from '../shared/run-ids.js';

/** The member role could not be assumed: the account is reported as unreachable, never changed. */
export class AccountUnreachable extends CredsweepError {
  constructor(accountId: string, cause: Error) {
    super(
      'AccountUnreachable',
      `account ${accountId} cannot be reached through the credsweep member role (${cause.name}: ${cause.message}); nothing was read or changed there.`,
    );
  }
}

/** The ports and the run id of a task of one account (or of the hub's own run, without `accountId`). */
export async function inAccount(ports: Ports, executionId: string, accountId?: string) {
  return { ports: await accountPorts(ports, accountId), runId: accountRunId(executionId, accountId) };
}

/** The ports of `accountId`: its IAM through the member role; store, blobs, mail and secrets stay the hub's. */
export async function accountPorts(ports: Ports, accountId?: string): Promise<Ports> {
  if (!accountId) return ports;
  let iam: Ports['iam'];
  try {
    iam = await ports.accounts.iamFor(accountId);
  } catch (err) {
    if (err instanceof Error && (err.name === 'Throttling' || err.name.startsWith('Lambda.'))) throw err;
    throw new AccountUnreachable(accountId, err instanceof Error ? err : new Error(String(err)));
  }
  return { ...ports, iam, settings: { ...ports.settings, accountId } };
}
