/** Verify: every change the ledger records is read back from live IAM state. */
import type { AccessKeyInfo } from '../../ports/iam.js';
import type { Ports } from '../../ports/index.js';
import { perUser } from '../shared/calls.js';
import { VerificationFailed } from '../shared/errors.js';
import { runPrefix } from '../shared/run-keys.js';
import type { LedgerEntry } from '../shared/types.js';

export interface VerificationCheck {
  itemId: string;
  userName: string;
  credential: LedgerEntry['credential'];
  accessKeyId?: string;
  expected: string;
  actual: string;
  ok: boolean;
}

export interface VerificationResult {
  checked: number;
  failed: number;
  key: string;
}

export const verificationKey = (executionId: string) => `${runPrefix(executionId)}/verification.json`;

type ListKeys = (userName: string) => Promise<AccessKeyInfo[]>;

/** Reads live state (GetLoginProfile, ListAccessKeys), never the report or PasswordLastUsed. */
export async function checkEntry(
  ports: Ports,
  entry: LedgerEntry,
  listKeys: ListKeys = (name) => ports.iam.listAccessKeys(name),
): Promise<VerificationCheck> {
  const base = {
    itemId: entry.itemId,
    userName: entry.userName,
    credential: entry.credential,
    ...(entry.accessKeyId ? { accessKeyId: entry.accessKeyId } : {}),
  };
  if (entry.action === 'delete-login-profile') {
    const profile = await ports.iam.getLoginProfile(entry.userName);
    const actual = profile ? 'login profile present' : 'no login profile';
    return { ...base, expected: 'no login profile', actual, ok: profile === null };
  }
  if (entry.action === 'reset-login-profile') {
    const profile = await ports.iam.getLoginProfile(entry.userName);
    const actual = profile
      ? `login profile present, reset required ${profile.passwordResetRequired}`
      : 'no login profile';
    return {
      ...base,
      expected: 'login profile present, reset required true',
      actual,
      ok: profile?.passwordResetRequired === true,
    };
  }
  const keys = await listKeys(entry.userName);
  const key = keys.find((k) => k.accessKeyId === entry.accessKeyId);
  const actual = key ? key.status : 'key not found';
  if (entry.action === 'delete-access-key') {
    return { ...base, expected: 'key not found', actual, ok: key === undefined };
  }
  return { ...base, expected: 'Inactive', actual, ok: key?.status === 'Inactive' };
}

export async function verifyRun(ports: Ports, executionId: string): Promise<VerificationResult> {
  const entries = (await ports.store.listLedger(executionId)).filter((e) => e.status === 'changed');
  const checks: VerificationCheck[] = [];
  const listKeys = perUser((name) => ports.iam.listAccessKeys(name));
  for (const entry of entries) checks.push(await checkEntry(ports, entry, listKeys));
  const key = verificationKey(executionId);
  await ports.blobs.put(
    key,
    JSON.stringify({ verifiedAt: ports.now().toISOString(), checks }),
    'application/json',
  );
  const failed = checks.filter((c) => !c.ok);
  if (failed.length > 0) {
    const list = failed.map(
      (c) => `${c.userName} ${c.credential}: expected ${c.expected}, found ${c.actual}`,
    );
    throw new VerificationFailed(
      `${failed.length} of ${checks.length} changes did not verify: ${list.join('; ')}`,
    );
  }
  return { checked: checks.length, failed: 0, key };
}
