/**
 * The two mutating tasks. For each credential of the batch: re-check live use, record the prior
 * state in the ledger (write-ahead), change it, record the outcome. Re-running a task changes
 * nothing twice: the ledger entry for (execution, credential) is created once and a change is only
 * made while that entry says `intended`.
 */

import type { AccessKeyInfo, UserInfo } from '../../ports/iam.js';
import type { Ports } from '../../ports/index.js';
import { exemptionOf, holdsOff, isBreakGlass, tagValue } from '../plan/lifecycle/tags.js';
import { readBatch } from '../plan/plan.js';
import { isStale } from '../report/staleness.js';
import { ignore, nullIfMissing, perUser } from '../shared/calls.js';
import { BREAK_GLASS_TAG_KEY } from '../shared/defaults.js';
import { InputError } from '../shared/errors.js';
import type { BatchRef, LedgerEntry, PlanItem } from '../shared/types.js';
import { holdAccount } from './account-guard.js';
import { passwordSecretName } from './backout.js';
import { lastChangeOf, recordChange, seqOf } from './last-change.js';
import { generatePassword } from './password.js';

export interface BatchTask {
  executionId: string;
  approvalId: string;
  thresholdDays: number;
  batch: BatchRef;
}

export interface BatchResult {
  changed: number;
  skipped: number;
}

export type Candidate = Omit<
  LedgerEntry,
  'executionId' | 'itemId' | 'userName' | 'credential' | 'recordedAt' | 'action'
>;

/**
 * Why a user's credentials must not be changed now, read live just before a change: exempt (`true`,
 * or a day not yet past, or an unclear value) or break-glass. null when it may be changed.
 */
export function liveHold(
  user: UserInfo,
  exemptTagKey: string,
  now: Date,
): 'exempt-tag' | 'break-glass' | null {
  if (isBreakGlass(tagValue(user.tags, BREAK_GLASS_TAG_KEY))) return 'break-glass';
  return holdsOff(exemptionOf(tagValue(user.tags, exemptTagKey), now)) ? 'exempt-tag' : null;
}

export async function approvedSelection(ports: Ports, approvalId: string): Promise<Set<string>> {
  const approval = await ports.store.getApproval(approvalId);
  if (approval?.status !== 'approved' || !approval.decision) {
    throw new InputError(`Approval ${approvalId} is not approved; refusing to change anything.`);
  }
  return new Set(approval.decision.selection);
}

/**
 * Records the candidate (or finds the entry an earlier attempt recorded) and runs `change` only while
 * the stored entry is `intended`. So a retry after a crash between the change and its outcome
 * completes the change (which tolerates being already done) instead of skipping it.
 */
export async function applyItem(
  ports: Ports,
  task: BatchTask,
  item: PlanItem,
  action: LedgerEntry['action'],
  candidate: Candidate,
  change: () => Promise<string>,
): Promise<'changed' | 'skipped'> {
  // Write-ahead: the intent keeps the order of the credential's last change, so a backout can tell
  // a change recorded after it (a later run) from one recorded before (an earlier run).
  const last = candidate.status === 'intended' ? await lastChangeOf(ports, item) : null;
  const entry = await ports.store.recordIntent({
    executionId: task.executionId,
    itemId: item.id,
    userName: item.userName,
    credential: item.credential,
    ...(item.accessKeyId ? { accessKeyId: item.accessKeyId } : {}),
    action,
    recordedAt: ports.now().toISOString(),
    ...(candidate.status === 'intended' ? { lastChangeSeq: seqOf(last) } : {}),
    ...candidate,
  });
  if (entry.status !== 'intended') return entry.status === 'skipped' ? 'skipped' : 'changed';
  const after = await change();
  const changedAt = ports.now().toISOString();
  await ports.store.updateLedger({ ...entry, status: 'changed', after, changedAt });
  await recordChange(ports, entry, changedAt);
  return 'changed';
}

const usedSince = (lastUsed: string | null, now: Date, days: number) =>
  lastUsed !== null && !isStale(new Date(lastUsed), now, days);

export async function runBatch(
  ports: Ports,
  task: BatchTask,
  filter: (item: PlanItem) => boolean,
  handle: (item: PlanItem) => Promise<'changed' | 'skipped'>,
): Promise<BatchResult> {
  const items = (await readBatch(ports.blobs, task.batch.key)).filter(filter);
  // One run changes an account at a time: take (or renew) the guard before the first change.
  if (items.length > 0) await holdAccount(ports, task.executionId);
  const result: BatchResult = { changed: 0, skipped: 0 };
  for (const item of items) result[await handle(item)] += 1;
  return result;
}

export async function disableConsoleAccess(ports: Ports, task: BatchTask): Promise<BatchResult> {
  const selection = await approvedSelection(ports, task.approvalId);
  const { iam, settings } = ports;
  return runBatch(
    ports,
    task,
    (item) => item.credential === 'console-password',
    async (item) => {
      const candidate = await (async (): Promise<Candidate> => {
        if (!selection.has(item.id)) return skipped('not-approved');
        const user = await iam.getUser(item.userName).catch(nullIfMissing);
        if (!user) return skipped('gone');
        const hold = liveHold(user, settings.exemptTagKey, ports.now());
        if (hold) return skipped(hold);
        if (usedSince(user.passwordLastUsed, ports.now(), task.thresholdDays)) {
          return { ...skipped('used-since-report'), liveLastUsed: user.passwordLastUsed };
        }
        const profile = await iam.getLoginProfile(item.userName);
        if (!profile) return { ...skipped('already-disabled'), before: 'no login profile' };
        return {
          status: 'intended',
          before: `login profile created ${profile.createdAt}, reset required ${profile.passwordResetRequired}`,
        };
      })();
      if (item.action === 'reset-login-profile') {
        return applyItem(ports, task, item, 'reset-login-profile', candidate, () =>
          resetPassword(ports, task, item),
        );
      }
      return applyItem(ports, task, item, 'delete-login-profile', candidate, async () => {
        await iam.deleteLoginProfile(item.userName).catch(ignore('NoSuchEntity'));
        return 'no login profile';
      });
    },
  );
}

/** A key of the batch as found live, or why it must be left as it is. */
export type LiveKey = { key: AccessKeyInfo; lastUsed: string | null } | { skip: Candidate };

/**
 * The live re-check every access key change starts with (deactivate and delete alike): approved,
 * the user still there and neither exempt nor break-glass now, the key still there; then its last
 * use. A batch keeps a user's credentials together, so the user and its keys are read once per user.
 */
export async function liveKeys(ports: Ports, task: BatchTask): Promise<(item: PlanItem) => Promise<LiveKey>> {
  const selection = await approvedSelection(ports, task.approvalId);
  const { iam, settings } = ports;
  const getUser = perUser((name) => iam.getUser(name).catch(nullIfMissing));
  const listKeys = perUser((name) => iam.listAccessKeys(name));
  return async (item) => {
    if (!selection.has(item.id)) return { skip: skipped('not-approved') };
    const user = await getUser(item.userName);
    if (!user) return { skip: skipped('gone') };
    const hold = liveHold(user, settings.exemptTagKey, ports.now());
    if (hold) return { skip: skipped(hold) };
    const key = (await listKeys(item.userName)).find((k) => k.accessKeyId === item.accessKeyId);
    if (!key) return { skip: { ...skipped('gone'), before: 'key not found' } };
    return { key, lastUsed: await iam.getAccessKeyLastUsed(key.accessKeyId) };
  };
}

export async function deactivateAccessKeys(ports: Ports, task: BatchTask): Promise<BatchResult> {
  const { iam } = ports;
  const live = await liveKeys(ports, task);
  return runBatch(
    ports,
    task,
    (item) => item.accessKeyId !== undefined && item.action !== 'delete-access-key',
    async (item) => {
      const keyId = item.accessKeyId ?? '';
      const candidate = await (async (): Promise<Candidate> => {
        const found = await live(item);
        if ('skip' in found) return found.skip;
        const { key, lastUsed } = found;
        if (usedSince(lastUsed, ports.now(), task.thresholdDays)) {
          return { ...skipped('used-since-report'), before: key.status, liveLastUsed: lastUsed };
        }
        if (key.status !== 'Active') return { ...skipped('already-disabled'), before: key.status };
        return { status: 'intended', before: 'Active' };
      })();
      return applyItem(ports, task, item, 'deactivate-access-key', candidate, async () => {
        await iam.updateAccessKey(item.userName, keyId, 'Inactive');
        return 'Inactive';
      });
    },
  );
}

/**
 * consoleAction `reset`: a generated password, stored first (secrets port, never mailed or logged),
 * then set with PasswordResetRequired. A retry sets a new one and overwrites the secret, so the
 * secret always holds the password IAM has. The old password cannot be brought back.
 */
async function resetPassword(ports: Ports, task: BatchTask, item: PlanItem): Promise<string> {
  const password = generatePassword(await ports.iam.getAccountPasswordPolicy());
  const secretRef = await ports.secrets.putSecret(
    passwordSecretName(ports.settings.passwordSecretPrefix, task.executionId, item.userName),
    password,
    `credsweep reset console password of ${item.userName} (run ${task.executionId.split(':').pop()}); reset required at first sign-in`,
  );
  await ports.iam.updateLoginProfile(item.userName, password, true);
  return `password reset, reset required at first sign-in; new password in ${secretRef}`;
}

export const skipped = (skipReason: LedgerEntry['skipReason']): Candidate => ({
  status: 'skipped',
  before: 'unchanged',
  skipReason,
});
