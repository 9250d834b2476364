/**
 * The latest credsweep change of each credential, across runs (see LastChange): written with the
 * ledger entry of every change and every restore, read by a backout before it restores anything.
 */
import type { Ports } from '../ports/index.js';
import type { LastChange, LedgerEntry } from './types.js';

/** `<accountId>/<userName>/<accessKeyId or console-password>`: access key ids are unique, passwords per user. */
export const credentialKeyOf = (accountId: string, entry: Pick<LedgerEntry, 'userName' | 'accessKeyId'>) =>
  `${accountId}/${entry.userName}/${entry.accessKeyId ?? 'console-password'}`;

/** Records that this execution disabled the credential of `entry` (under the account guard). */
export async function recordDisabled(ports: Ports, entry: LedgerEntry, at: string): Promise<void> {
  await ports.store.setLastChange({
    credentialKey: credentialKeyOf(ports.settings.accountId, entry),
    executionId: entry.executionId,
    change: 'disabled',
    at,
  });
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
