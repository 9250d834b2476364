/**
 * Backout: restores exactly what the ledger says an execution changed, nothing else.
 * Access key -> Active. Console -> CreateLoginProfile with a generated password and
 * PasswordResetRequired=true; the password goes to the secrets port first, never to a log or mail.
 * The password meets the account's password policy, read once per run (only if a console password
 * is to be restored).
 *
 * A credential is restored only while the run being backed out is the last thing that changed it
 * and it is still as that run left it. Otherwise it is left alone and the ledger entry says why:
 * `changed-by-later-run` (naming the run: a later remediation, or another backout) or
 * `changed-outside-credsweep` (a key found Active again, a login profile found present). The restore
 * is claimed with a conditional write on the credential's last change, so of two backouts of one
 * run exactly one restores; and a backout holds the account guard like any run that changes it.
 */
import type { PasswordPolicy, Ports } from '../../ports/index.js';
import { CredsweepError } from '../shared/errors.js';
import type { BackoutSkip, LastChange, LedgerEntry } from '../shared/types.js';
import { holdAccount } from './account-guard.js';
import { claimRestore, credentialKeyOf, recordedAfter } from './last-change.js';
import { generatePassword } from './password.js';

export interface BackoutTask {
  /** The execution running the backout. */
  executionId: string;
  /** The execution whose changes are restored (itself, or an earlier one in backout mode). */
  sourceExecutionId: string;
  users?: string[];
  passwordSecretPrefix: string;
}

export interface BackoutResult {
  sourceExecutionId: string;
  restored: number;
  notChanged: number;
  /** Left alone: changed since by a later run, or outside credsweep (`skips` says which). */
  skipped: number;
  failed: number;
  /** Changes approved as impossible to undo (a deleted key, a reset password): named in the evidence. */
  cannotRestore: number;
  /** The first SKIPS_LISTED changes no backout can undo, named for the execution history and the command line. */
  irreversible: {
    userName: string;
    credential: LedgerEntry['credential'];
    accessKeyId: string | null;
    action: LedgerEntry['action'];
  }[];
  /** The first SKIPS_LISTED of them, for the execution history and the command line. */
  skips: {
    userName: string;
    credential: LedgerEntry['credential'];
    accessKeyId: string | null;
    reason: BackoutSkip['reason'];
    laterRun: string | null;
    /** What the later run did to it (`deleted`, `reset`, `disabled`, `restored`). */
    laterChange: BackoutSkip['laterChange'] | null;
  }[];
}

/** How many skips the task output names (the state payload stays small; the evidence has them all). */
const SKIPS_LISTED = 20;

/** Renew the account guard every this many credentials, so a long backout keeps it. */
const RENEW_EVERY = 50;

/** Ledger actions no backout can undo; they were approved as such (docs/lifecycle.md). */
export const IRREVERSIBLE_ACTIONS: ReadonlySet<LedgerEntry['action']> = new Set([
  'delete-access-key',
  'reset-login-profile',
]);

const nameOf = (executionId: string) => executionId.split(':').pop() ?? executionId;

export const passwordSecretName = (prefix: string, sourceExecutionId: string, userName: string) =>
  `${prefix}${nameOf(sourceExecutionId)}/${userName}`;

const DEFAULT_REREAD_DELAYS_MS = [1000, 2000, 4000];

/**
 * Whether a credential still looks as it was before the change. IAM is eventually consistent: a
 * read just after a change may still show the old state, so an "unchanged" answer is read again
 * after each delay; a "changed" answer cannot be stale and is final.
 */
async function looksUnchanged(ports: Ports, entry: LedgerEntry): Promise<boolean> {
  const read = async () => {
    if (entry.action === 'delete-login-profile')
      return (await ports.iam.getLoginProfile(entry.userName)) !== null;
    const keys = await ports.iam.listAccessKeys(entry.userName);
    return keys.find((k) => k.accessKeyId === entry.accessKeyId)?.status === 'Active';
  };
  for (const delay of [0, ...(ports.settings.rereadDelaysMs ?? DEFAULT_REREAD_DELAYS_MS)]) {
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (!(await read())) return false;
  }
  return true;
}

/** The account password policy, read at most once per run, when the first console password is restored. */
type PolicyReader = () => Promise<PasswordPolicy | null>;

function policyReader(ports: Ports): PolicyReader {
  let read: Promise<PasswordPolicy | null> | undefined;
  return () => {
    read ??= ports.iam.getAccountPasswordPolicy().catch((err: Error) => {
      // A throttled read is retried by the task's Retry; anything else is said once per console password.
      if (err.name === 'Throttling') throw err;
      throw new CredsweepError(
        err.name,
        `cannot read the account password policy (iam:GetAccountPasswordPolicy): ${err.message}`,
      );
    });
    return read;
  };
}

async function restore(
  ports: Ports,
  task: BackoutTask,
  entry: LedgerEntry,
  passwordPolicy: PolicyReader,
  present: boolean,
): Promise<LedgerEntry> {
  const restoredAt = ports.now().toISOString();
  const done = { ...entry, status: 'restored' as const, restoredAt, restoredBy: task.executionId };
  if (entry.action === 'deactivate-access-key') {
    // Setting Active is what the ledger recorded as the prior state, and is idempotent: no read needed.
    await ports.iam.updateAccessKey(entry.userName, entry.accessKeyId ?? '', 'Active');
    return { ...done, after: 'Active' };
  }
  const secretName = passwordSecretName(task.passwordSecretPrefix, task.sourceExecutionId, entry.userName);
  if (present) {
    // Present after this backout claimed it: an earlier attempt of this backout restored it (its
    // password is in the secret of this name).
    return { ...done, after: 'login profile present', secretRef: entry.secretRef ?? secretName };
  }
  const password = generatePassword(await passwordPolicy());
  const secretRef = await ports.secrets.putSecret(
    secretName,
    password,
    `credsweep restored console password of ${entry.userName} (backout of ${nameOf(task.sourceExecutionId)}); reset required at first sign-in`,
  );
  await ports.iam.createLoginProfile(entry.userName, password, true).catch((err: Error) => {
    if (err.name !== 'EntityAlreadyExists') throw err;
  });
  return { ...done, after: 'login profile restored, reset required', secretRef };
}

type Verdict =
  | { kind: 'restore'; present: boolean }
  | { kind: 'not-changed' }
  | { kind: 'skip'; skip: BackoutSkip };

/** What to do with one entry: restore it, record that it was never changed, or leave it and say why. */
async function judge(ports: Ports, task: BackoutTask, entry: LedgerEntry): Promise<Verdict> {
  const key = credentialKeyOf(ports.settings.accountId, entry);
  const at = ports.now().toISOString();
  const later = (last: LastChange): Verdict => ({
    kind: 'skip',
    skip: {
      reason: 'changed-by-later-run',
      laterRun: last.executionId,
      laterChange: last.change,
      by: task.executionId,
      at,
    },
  });
  const last = await ports.store.getLastChange(key);
  const mine =
    last?.executionId === task.executionId &&
    last.change === 'restored' &&
    last.backoutOf === entry.executionId;
  // A retry of this backout after it claimed the credential: finish the restore.
  if (mine) return { kind: 'restore', present: await looksUnchanged(ports, entry) };
  if (last && recordedAfter(entry, last)) return later(last);
  if (await looksUnchanged(ports, entry)) {
    if (entry.status === 'intended') return { kind: 'not-changed' };
    const found = entry.action === 'delete-login-profile' ? 'login profile present' : 'Active';
    return {
      kind: 'skip',
      skip: { reason: 'changed-outside-credsweep', found, by: task.executionId, at },
    };
  }
  if (await claimRestore(ports, entry, task.executionId, last)) return { kind: 'restore', present: false };
  const winner = await ports.store.getLastChange(key);
  return winner ? later(winner) : { kind: 'restore', present: false };
}

export async function backoutRun(ports: Ports, task: BackoutTask): Promise<BackoutResult> {
  const entries = await ports.store.listLedger(task.sourceExecutionId);
  const inScope = entries.filter(
    (e) =>
      (e.status === 'changed' || e.status === 'intended') && (!task.users || task.users.includes(e.userName)),
  );
  const wanted = inScope.filter((e) => !IRREVERSIBLE_ACTIONS.has(e.action));
  const result: BackoutResult = {
    sourceExecutionId: task.sourceExecutionId,
    restored: 0,
    notChanged: 0,
    skipped: 0,
    failed: 0,
    skips: [],
    cannotRestore: inScope.length - wanted.length,
    irreversible: inScope
      .filter((e) => IRREVERSIBLE_ACTIONS.has(e.action))
      .slice(0, SKIPS_LISTED)
      .map((e) => ({
        userName: e.userName,
        credential: e.credential,
        accessKeyId: e.accessKeyId ?? null,
        action: e.action,
      })),
  };
  const failures: string[] = [];
  const passwordPolicy = policyReader(ports);
  for (const [i, entry] of wanted.entries()) {
    // Nothing to restore needs no guard: a run stopped by AccountBusy backs out without waiting.
    if (i % RENEW_EVERY === 0) await holdAccount(ports, task.executionId);
    try {
      const verdict = await judge(ports, task, entry);
      if (verdict.kind === 'not-changed') {
        await ports.store.updateLedger({
          ...entry,
          status: 'skipped',
          skipReason: 'not-changed',
          after: entry.before,
        });
        result.notChanged += 1;
      } else if (verdict.kind === 'skip') {
        await ports.store.updateLedger({ ...entry, backoutSkip: verdict.skip });
        result.skipped += 1;
        if (result.skips.length < SKIPS_LISTED) {
          result.skips.push({
            userName: entry.userName,
            credential: entry.credential,
            accessKeyId: entry.accessKeyId ?? null,
            reason: verdict.skip.reason,
            laterRun: verdict.skip.laterRun ?? null,
            laterChange: verdict.skip.laterChange ?? null,
          });
        }
      } else {
        await ports.store.updateLedger(await restore(ports, task, entry, passwordPolicy, verdict.present));
        result.restored += 1;
      }
    } catch (err) {
      if ((err as Error).name === 'Throttling') throw err;
      result.failed += 1;
      failures.push(
        `${entry.userName} ${entry.credential}: ${(err as Error).name}: ${(err as Error).message}`,
      );
    }
  }
  if (failures.length > 0) {
    throw new CredsweepError(
      'BackoutIncomplete',
      `${failures.length} of ${wanted.length} changes could not be restored (the rest were): ${failures.join('; ')}`,
    );
  }
  return result;
}
