/**
 * IAM calls by operation for a 5,000-user account with 5 % stale credentials: credsweep (detect,
 * re-check, change, verify) against a per-user scan baseline, both on the same sandbox account.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo } from '../../cli/local/demo-run.js';
import { SandboxAccount } from '../../cli/local/sandbox-account.js';
import type { Seed } from '../../cli/local/seed.js';
import { isStale } from '../../handlers/core/report/staleness.js';
import { largeAccountSeed } from '../helpers/large-account.js';

const NOW = new Date('2026-11-26T12:00:00Z');
const DAYS = 30;

export interface CallCount {
  name: string;
  byOperation: Record<string, number>;
  total: number;
  remediated: number;
  compliantUsers: number;
  /** Calls made about users that had nothing stale. */
  callsOnCompliantUsers: number;
}

const sum = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);

async function credsweep(seed: Seed, warnDays?: number): Promise<CallCount & { staleUsers: Set<string> }> {
  const home = mkdtempSync(join(tmpdir(), 'credsweep-bench-'));
  const result = await runDemo({
    seed,
    now: NOW,
    home,
    approval: 'auto-approve',
    maxCredentials: 5_000, // within the 260-batch quota
    ...(warnDays !== undefined ? { warnDays } : {}),
  });
  const staleUsers = new Set(result.changes.map((c) => c.userName));
  const byOperation = result.sandbox.calls();
  return {
    name: 'credsweep',
    byOperation,
    total: sum(byOperation),
    remediated: result.changes.length,
    compliantUsers: seed.users.length - staleUsers.size,
    // Set by benchIamCalls from the all-compliant account, where every call is on compliant users.
    callsOnCompliantUsers: Number.NaN,
    staleUsers,
  };
}

/** What a per-user scanner does: list users, then ask IAM about every credential of every user. */
async function perUserScan(seed: Seed): Promise<CallCount> {
  const iam = new SandboxAccount(seed, { now: () => NOW });
  let remediated = 0;
  let callsOnCompliantUsers = 0;
  let compliantUsers = 0;
  let marker: string | undefined;
  do {
    const page = await iam.listUsers(marker);
    marker = page.marker;
    for (const userName of page.userNames) {
      const before = sum(iam.calls());
      const user = await iam.getUser(userName);
      let stale = 0;
      const profile = await iam.getLoginProfile(userName);
      if (profile) {
        const since =
          user.passwordLastUsed && user.passwordLastUsed > profile.createdAt
            ? user.passwordLastUsed
            : profile.createdAt;
        if (isStale(new Date(since), NOW, DAYS)) {
          await iam.deleteLoginProfile(userName);
          stale++;
        }
      }
      for (const key of await iam.listAccessKeys(userName)) {
        const lastUsed = await iam.getAccessKeyLastUsed(key.accessKeyId);
        if (key.status === 'Active' && isStale(new Date(lastUsed ?? key.createdAt), NOW, DAYS)) {
          await iam.updateAccessKey(userName, key.accessKeyId, 'Inactive');
          stale++;
        }
      }
      remediated += stale;
      if (stale === 0) {
        compliantUsers++;
        callsOnCompliantUsers += sum(iam.calls()) - before;
      }
    }
  } while (marker);
  const byOperation = iam.calls();
  return {
    name: 'per-user scan',
    byOperation,
    total: sum(byOperation),
    remediated,
    compliantUsers,
    callsOnCompliantUsers,
  };
}

export interface IamCallsResult {
  users: number;
  credsweep: CallCount;
  baseline: CallCount;
  /** Detection calls (report generation and download) at each account size: constant. */
  detection: { users: number; calls: number }[];
  /**
   * An account where nothing is stale: all calls, and those with owner warnings off (warnDays 0).
   * With warnings on, each user whose credential goes stale within warnDays is read once (GetUser,
   * for the owner tag): `ownerLookups`.
   */
  allCompliant: { users: number; calls: number; ownerLookups: number; callsWithoutWarnings: number };
}

export async function benchIamCalls(): Promise<IamCallsResult> {
  const seed = largeAccountSeed({ users: 5000, staleFraction: 0.05, now: NOW });
  const mine = await credsweep(seed);
  const baseline = await perUserScan(seed);
  const detection = [];
  for (const users of [50, 500, 5000]) {
    const run = await credsweep(largeAccountSeed({ users, staleFraction: 0.05, now: NOW }));
    detection.push({
      users,
      calls: (run.byOperation.GenerateCredentialReport ?? 0) + (run.byOperation.GetCredentialReport ?? 0),
    });
  }
  const compliantSeed = largeAccountSeed({ users: 5000, staleFraction: 0, now: NOW });
  const quiet = await credsweep(compliantSeed);
  const unwarned = await credsweep(compliantSeed, 0);
  const detectionCalls = (run: CallCount) =>
    (run.byOperation.GenerateCredentialReport ?? 0) + (run.byOperation.GetCredentialReport ?? 0);
  return {
    users: seed.users.length,
    // Calls per compliant user, measured where every user is compliant (owner warnings off, as the
    // per-user scan has none): what credsweep spends on a user beyond reading the report.
    credsweep: {
      ...mine,
      callsOnCompliantUsers: (unwarned.total - detectionCalls(unwarned)) * (mine.compliantUsers / 5000),
    },
    baseline,
    detection,
    allCompliant: {
      users: 5000,
      calls: quiet.total,
      ownerLookups: quiet.byOperation.GetUser ?? 0,
      callsWithoutWarnings: unwarned.total,
    },
  };
}
