/**
 * The delete stage (docs/lifecycle.md), off unless `deleteAfterDays` is set: an access key that
 * credsweep deactivated (its ledger names the run) at least that many days ago, still Inactive and
 * unused since, is proposed for deletion in the same approval, marked as impossible to undo. A key
 * deactivated by hand has no such ledger entry and is never deleted; nor is one whose deactivation
 * was backed out, or one used after it.
 */
import type { AccessKeyInfo, UserInfo } from '../../../ports/iam.js';
import type { Ports } from '../../../ports/index.js';
import { splitAccountRunId } from '../../shared/run-ids.js';
import type { KeyDeletion, LedgerEntry, PlanItem, ReportRow } from '../../shared/types.js';
import { itemId } from '../plan.js';
import { exemptionOf, holdsOff, isBreakGlass, tagValue } from './tags.js';

const MS_PER_DAY = 86_400_000;

const daysSince = (iso: string, now: Date) => Math.floor((now.getTime() - Date.parse(iso)) / MS_PER_DAY);

/** When an entry's change was made (or recorded, for an entry that changed nothing). */
const at = (e: LedgerEntry) => Date.parse(e.changedAt ?? e.recordedAt);

/**
 * The order of a key's ledger entries across runs: by the credential's change order each intent
 * recorded (`lastChangeSeq`, change/last-change.ts), which clocks cannot disturb; entries written
 * before that order existed come first, by time.
 */
const order = (a: LedgerEntry, b: LedgerEntry) =>
  (a.lastChangeSeq ?? -1) - (b.lastChangeSeq ?? -1) || at(a) - at(b);

/**
 * The deactivation by credsweep that still stands for this key: the latest ledger entry that changed
 * it is a `deactivate-access-key` still `changed` (not restored by a backout, not followed by another
 * change). null when there is none.
 */
export function standingDeactivation(history: LedgerEntry[]): LedgerEntry | null {
  const changes = history.filter((e) => e.status === 'changed' || e.status === 'restored').sort(order);
  const last = changes.at(-1);
  return last?.action === 'deactivate-access-key' && last.status === 'changed' ? last : null;
}

export type DeletionVerdict = { deletable: true; deletion: KeyDeletion } | { deletable: false; why: string };

/** The rule for one key, given its ledger history across runs and its live last use. */
export function deletionVerdict(
  key: AccessKeyInfo,
  history: LedgerEntry[],
  lastUsed: string | null,
  now: Date,
  deleteAfterDays: number,
): DeletionVerdict {
  if (key.status !== 'Inactive') return { deletable: false, why: 'the key is Active' };
  const deactivation = standingDeactivation(history);
  if (!deactivation) {
    return { deletable: false, why: 'credsweep did not deactivate it (or its deactivation was backed out)' };
  }
  const deactivatedAt = deactivation.changedAt ?? deactivation.recordedAt;
  if (lastUsed !== null && Date.parse(lastUsed) >= Date.parse(deactivatedAt)) {
    return { deletable: false, why: `used since credsweep deactivated it (${lastUsed})` };
  }
  const age = daysSince(deactivatedAt, now);
  if (age < deleteAfterDays) {
    return { deletable: false, why: `deactivated ${age} days ago, fewer than ${deleteAfterDays}` };
  }
  return {
    deletable: true,
    deletion: {
      deactivatedBy: deactivation.executionId,
      deactivatedAt,
      daysInactive: age,
      keyCreatedAt: key.createdAt,
      keyLastUsed: lastUsed,
    },
  };
}

/**
 * The name of the run that deactivated the key, as people know it: in an organization run without
 * the account suffix of its per-account run id (the deletion is in that same account).
 */
export function deactivatingRunName(d: Pick<KeyDeletion, 'deactivatedBy'>): string {
  const { executionId } = splitAccountRunId(d.deactivatedBy);
  return executionId.split(':').pop() ?? executionId;
}

/** The ledger's `before` of a deletion: everything a reviewer needs to know about the key that is gone. */
export function deletionBefore(d: KeyDeletion): string {
  const run = deactivatingRunName(d);
  return (
    `Inactive since ${d.deactivatedAt} (deactivated by ${run}); created ${d.keyCreatedAt}; ` +
    `last used ${d.keyLastUsed ?? 'never'}`
  );
}

/**
 * The plan item id of a deletion: distinct from the deactivation of the same key; in an organization
 * run it starts with the account id, as every item id of that run does.
 */
export const deletionItemId = (userName: string, accessKeyId: string, accountId?: string) =>
  `${accountId ? `${accountId}/` : ''}${itemId(userName, 'access-key', accessKeyId)}/delete`;

/**
 * Analyze's part of the delete stage: among the rows given (users the run may change), users whose
 * report shows an inactive key; each Inactive key is looked up in the ledger across runs, and proposed
 * when the rule holds. Users exempt (now) or break-glass are left alone.
 */
export async function deletionCandidates(
  ports: Ports,
  rows: ReportRow[],
  opts: {
    /** Set in an organization run: the account the rows are of. */
    accountId?: string;
    now: Date;
    deleteAfterDays: number;
    exemptTagKey: string;
    breakGlassTagKey: string;
    getUser: (name: string) => Promise<UserInfo | null>;
    listKeys: (name: string) => Promise<AccessKeyInfo[]>;
  },
): Promise<PlanItem[]> {
  const items: PlanItem[] = [];
  for (const row of rows) {
    if (!row.accessKeys.some((k) => !k.active && k.lastRotated instanceof Date)) continue;
    const user = await opts.getUser(row.user);
    if (!user) continue;
    if (isBreakGlass(tagValue(user.tags, opts.breakGlassTagKey))) continue;
    if (holdsOff(exemptionOf(tagValue(user.tags, opts.exemptTagKey), opts.now))) continue;
    const keys = [...(await opts.listKeys(row.user))].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    for (const [slot, key] of keys.entries()) {
      if (key.status !== 'Inactive') continue;
      const history = await ports.store.listKeyLedger(key.accessKeyId);
      if (!standingDeactivation(history)) continue;
      const lastUsed = await ports.iam.getAccessKeyLastUsed(key.accessKeyId);
      const verdict = deletionVerdict(key, history, lastUsed, opts.now, opts.deleteAfterDays);
      if (!verdict.deletable) continue;
      // Days unused count from the last use (or the key's creation when never used), as for every
      // other credential; the days since the deactivation are the deletion's own (KeyDeletion).
      const daysUnused = daysSince(lastUsed ?? key.createdAt, opts.now);
      items.push({
        id: deletionItemId(row.user, key.accessKeyId, opts.accountId),
        ...(opts.accountId ? { accountId: opts.accountId } : {}),
        userName: row.user,
        credential: slot === 0 ? 'access-key-1' : 'access-key-2',
        accessKeyId: key.accessKeyId,
        lastUsed,
        daysUnused,
        reason: lastUsed === null ? 'never-used' : 'unused',
        action: 'delete-access-key',
        deletion: verdict.deletion,
      });
    }
  }
  return items;
}
