/**
 * The latest credsweep change of each credential, across runs (see LastChange): written with the
 * ledger entry of every change and every restore, read by a backout before it restores anything.
 */
import type { Ports } from '../../ports/index.js';
import { splitAccountRunId } from '../shared/run-ids.js';
import type { LastChange, LedgerEntry } from '../shared/types.js';

/** `<accountId>/<userName>/<accessKeyId or console-password>`: access key ids are unique, passwords per user. */
export const credentialKeyOf = (accountId: string, entry: Pick<LedgerEntry, 'userName' | 'accessKeyId'>) =>
  `${accountId}/${entry.userName}/${entry.accessKeyId ?? 'console-password'}`;

/** What a ledger action did to the credential, as its last change says it. */
export function changeOf(action: LedgerEntry['action']): Exclude<LastChange['change'], 'restored'> {
  if (action === 'reset-login-profile') return 'reset';
  if (action === 'delete-access-key') return 'deleted';
  return 'disabled';
}

/** Records that this execution changed the credential of `entry` (under the account guard). */
export async function recordChange(ports: Ports, entry: LedgerEntry, at: string): Promise<void> {
  await ports.store.setLastChange({
    credentialKey: credentialKeyOf(ports.settings.accountId, entry),
    executionId: entry.executionId,
    change: changeOf(entry.action),
    at,
  });
}

/**
 * A later change of a credential, in words, for a backout that left it alone: `key deleted by
 * later run run-B` (`changed later by run …` for an item that does not say what it did).
 */
export function laterChangeText(
  laterRun: string | null | undefined,
  change?: LastChange['change'] | null,
): string {
  // A run's name; an organization run's per-account run id names the organization run.
  const run = splitAccountRunId(laterRun ?? '?')
    .executionId.split(':')
    .pop();
  switch (change) {
    case 'deleted':
      return `key deleted by later run ${run} (a deletion cannot be restored)`;
    case 'reset':
      return `password reset by later run ${run} (the old password cannot be brought back)`;
    case 'disabled':
      return `disabled again by later run ${run}`;
    case 'restored':
      return `already restored by backout ${run}`;
    default:
      return `changed later by run ${run}`;
  }
}

/**
 * Claims the restore of `entry` for the backout `executionId`: a conditional write from `seen` (the
 * last change read just before) to a restore by this backout. Exactly one of two concurrent
 * backouts wins; the other reads the winner.
 */
export async function claimRestore(
  ports: Ports,
  entry: LedgerEntry,
  executionId: string,
  seen: LastChange | null,
): Promise<boolean> {
  return ports.store.setLastChange(
    {
      credentialKey: credentialKeyOf(ports.settings.accountId, entry),
      executionId,
      change: 'restored',
      backoutOf: entry.executionId,
      at: ports.now().toISOString(),
    },
    seen,
  );
}

/** The condition of `setLastChange` every store applies atomically. */
export function lastChangeIs(stored: LastChange | null, expected: LastChange | null | undefined): boolean {
  if (expected === undefined) return true;
  if (expected === null || stored === null) return expected === stored;
  return (
    stored.executionId === expected.executionId &&
    stored.change === expected.change &&
    stored.at === expected.at
  );
}
