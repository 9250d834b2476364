/**
 * One run changes an account at a time. A remediation takes the account's guard before its first
 * change, a backout before its first restore; every later task of the run renews it, and the Report
 * task releases it on every ending. A run that finds another holding it stops before changing
 * anything, naming it (AccountBusy).
 *
 * A stopped or timed-out execution never reaches its Report task, so the guard is a lease: it
 * expires LEASE_MS after the holder last renewed it, and another run may then take it. The guard
 * cannot stay stuck longer than the lease (docs/architecture.md, "One run at a time").
 */
import type { Ports } from '../../ports/index.js';
import { CredsweepError } from '../shared/errors.js';
import type { AccountLock } from '../shared/types.js';

/** How long the guard lasts after the holder last renewed it: longer than any task with its retries. */
export const LEASE_MS = 60 * 60 * 1000;

const nameOf = (executionId: string) => executionId.split(':').pop() ?? executionId;

export class AccountBusy extends CredsweepError {
  constructor(lock: AccountLock, executionId: string) {
    super(
      'AccountBusy',
      `run ${nameOf(lock.holder)} is changing account ${lock.accountId} (since ${lock.since}); ` +
        `${nameOf(executionId)} stopped before changing anything. One run changes an account at a time: ` +
        `start it again when ${nameOf(lock.holder)} has ended (its guard lapses at ${lock.expiresAt} at the latest).`,
    );
  }
}

/** Takes or renews the account's guard for this execution; throws AccountBusy when another run holds it. */
export async function holdAccount(ports: Ports, executionId: string): Promise<void> {
  const now = ports.now();
  const stored = await ports.store.holdLock({
    accountId: ports.settings.accountId,
    holder: executionId,
    since: now.toISOString(),
    expiresAt: new Date(now.getTime() + LEASE_MS).toISOString(),
  });
  if (stored.holder !== executionId) throw new AccountBusy(stored, executionId);
}

/** Lets the account go, if this execution holds it. */
export async function releaseAccount(ports: Ports, executionId: string): Promise<void> {
  await ports.store.releaseLock(ports.settings.accountId, executionId);
}

/** The guard rule every store applies atomically: free, the holder's own, or its lease is over. */
export function lockTakeable(current: AccountLock | null, lock: AccountLock): boolean {
  return current === null || current.holder === lock.holder || current.expiresAt <= lock.since;
}
