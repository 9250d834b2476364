/**
 * The latest credsweep change of each credential, across runs (see LastChange): written with the
 * ledger entry of every change and every restore, read by a backout before it restores anything.
 */
import type { Ports } from '../../ports/index.js';
import { splitAccountRunId } from '../shared/run-ids.js';
import type { BackoutSkip, LastChange, LedgerEntry } from '../shared/types.js';

/** `<accountId>/<userName>/<accessKeyId or console-password>`: access key ids are unique, passwords per user. */
export const credentialKeyOf = (accountId: string, entry: Pick<LedgerEntry, 'userName' | 'accessKeyId'>) =>
  `${accountId}/${entry.userName}/${entry.accessKeyId ?? 'console-password'}`;

/** What a ledger action did to the credential, as its last change says it. */
export function changeOf(action: LedgerEntry['action']): Exclude<LastChange['change'], 'restored'> {
  if (action === 'reset-login-profile') return 'reset';
  if (action === 'delete-access-key') return 'deleted';
  return 'disabled';
}

/** The place of a last change in its credential's order; 0 when none is recorded (or it predates `seq`). */
export const seqOf = (last: LastChange | null | undefined): number => last?.seq ?? 0;

/** The credential's last change, read just before an intent is recorded: the intent keeps its `seq`. */
export async function lastChangeOf(ports: Ports, entry: Pick<LedgerEntry, 'userName' | 'accessKeyId'>) {
  return ports.store.getLastChange(credentialKeyOf(ports.settings.accountId, entry));
}

/**
 * Records that this execution changed the credential of `entry`, as the next in the credential's
 * order: a conditional write from the change read just before, tried again if another write came
 * between (under the account guard only a concurrent backout of another run can).
 */
export async function recordChange(ports: Ports, entry: LedgerEntry, at: string): Promise<void> {
  const credentialKey = credentialKeyOf(ports.settings.accountId, entry);
  for (let attempt = 0; ; attempt += 1) {
    const seen = await ports.store.getLastChange(credentialKey);
    const written = await ports.store.setLastChange(
      {
        credentialKey,
        executionId: entry.executionId,
        change: changeOf(entry.action),
        at,
        seq: seqOf(seen) + 1,
      },
      seen,
    );
    if (written) return;
    if (attempt >= 4) {
      throw new Error(`the last change of ${credentialKey} kept changing while this run recorded its own`);
    }
  }
}

/**
 * Whether `last` was recorded after `entry`'s intent: by its order when the entry kept it, else (an
 * entry written before the order existed) by time. The run's own change is never a later one.
 */
export function recordedAfter(entry: LedgerEntry, last: LastChange | null): boolean {
  if (!last) return false;
  if (last.executionId === entry.executionId && last.change !== 'restored') return false;
  if (entry.lastChangeSeq !== undefined) return seqOf(last) > entry.lastChangeSeq;
  return last.at >= (entry.changedAt ?? entry.recordedAt);
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

/** Why a backout left a change in place, in words (`disabled again by later run run-C`). */
export function backoutSkipWhy(skip: Pick<BackoutSkip, 'reason' | 'laterRun' | 'laterChange'>): string {
  return skip.reason === 'changed-by-later-run'
    ? laterChangeText(skip.laterRun, skip.laterChange)
    : 'changed outside credsweep since this run';
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
      seq: seqOf(seen) + 1,
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
    stored.at === expected.at &&
    seqOf(stored) === seqOf(expected)
  );
}
