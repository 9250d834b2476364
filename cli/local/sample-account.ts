/**
 * The built-in sample account that `npm start` (credsweep demo) runs against. Dates are relative
 * to `now`, so that with the default threshold of 30 days every run has something to show.
 */
import {
  BREAK_GLASS_TAG_KEY,
  DEFAULT_EXEMPT_TAG_KEY,
  DEFAULT_OWNER_TAG_KEY,
} from '../../handlers/core/shared/defaults.js';
import type { Seed } from './seed.js';

export const SAMPLE_ACCOUNT_ID = '123456789012';

/** Users the demo puts in its exemption list. */
export const SAMPLE_EXEMPT_USERS: readonly string[] = ['breakglass-admin'];

/** The tag that exempts a user (users tagged `credsweep:exempt=true` are never touched: docs/lifecycle.md). */
export const EXEMPT_TAG_KEY = DEFAULT_EXEMPT_TAG_KEY;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The sample account for `now`. What each user stands for is noted beside it. */
export function sampleSeed(now: Date): Seed {
  // `ago(95)` is exactly 95 days before now; `ago(95, 3)` three hours earlier still.
  const ago = (days: number, hours = 0): string =>
    new Date(now.getTime() - days * DAY_MS - hours * 60 * 60 * 1000).toISOString();
  const password = (createdDaysAgo: number, usedDaysAgo: number | null, resetRequired = false) => ({
    createdAt: ago(createdDaysAgo),
    passwordLastUsed: usedDaysAgo === null ? null : ago(usedDaysAgo, 2),
    passwordResetRequired: resetRequired,
  });
  const key = (
    accessKeyId: string,
    createdDaysAgo: number,
    usedDaysAgo: number | null,
    status: 'Active' | 'Inactive' = 'Active',
  ) => ({
    accessKeyId,
    status,
    createdAt: ago(createdDaysAgo),
    lastUsed: usedDaysAgo === null ? null : ago(usedDaysAgo, 1),
  });

  return {
    accountId: SAMPLE_ACCOUNT_ID,
    users: [
      // In daily use, password and key: compliant.
      {
        userName: 'alice.chen',
        createdAt: ago(410),
        tags: { team: 'platform', email: 'alice.chen@example.com' },
        loginProfile: password(410, 1),
        accessKeys: [key('AKIASANDBOX00ALICE01', 200, 0)],
      },
      // Console password last used 95 days ago: stale.
      {
        userName: 'bob.martinez',
        createdAt: ago(520),
        tags: { team: 'finance' },
        loginProfile: password(520, 95),
        accessKeys: [],
      },
      // Password created 40 days ago and never used: stale, never used.
      {
        userName: 'carol.nguyen',
        createdAt: ago(40),
        tags: { team: 'data' },
        loginProfile: password(40, null, true),
        accessKeys: [],
      },
      // Joined 3 days ago, has not signed in yet: not stale.
      {
        userName: 'dave.okafor',
        createdAt: ago(3),
        tags: { team: 'platform' },
        loginProfile: password(3, null, true),
        accessKeys: [],
      },
      // Rotated its key: the old key (slot 1) is stale, the new one (slot 2) is in use.
      {
        userName: 'ci-deployer',
        createdAt: ago(700),
        tags: { owner: 'platform', purpose: 'ci' },
        loginProfile: null,
        accessKeys: [key('AKIASANDBOX0CIDEPL01', 300, 120), key('AKIASANDBOX0CIDEPL02', 20, 0)],
      },
      // Key created 60 days ago and never used: stale, never used.
      {
        userName: 'metrics-exporter',
        createdAt: ago(60),
        tags: { owner: 'observability' },
        loginProfile: null,
        accessKeys: [key('AKIASANDBOX0METRIC01', 60, null)],
      },
      // Old key already deactivated: not a finding; password in use.
      {
        userName: 'erin.kowalski',
        createdAt: ago(900),
        tags: { team: 'security' },
        loginProfile: password(900, 4),
        accessKeys: [key('AKIASANDBOX00ERINK01', 800, 380, 'Inactive')],
      },
      // Both password and key stale.
      {
        userName: 'frank.li',
        createdAt: ago(640),
        tags: { team: 'data' },
        loginProfile: password(640, 70),
        accessKeys: [key('AKIASANDBOX0FRANKL01', 365, 45)],
      },
      // Stale, but tagged exempt: never touched.
      {
        userName: 'legacy-reporting',
        createdAt: ago(1500),
        tags: { [EXEMPT_TAG_KEY]: 'true', owner: 'finance' },
        loginProfile: password(1500, 200),
        accessKeys: [key('AKIASANDBOX0LEGACY01', 1400, 150)],
      },
      // A service name using every special character IAM allows (the CSV must quote the comma).
      {
        userName: 'svc+etl=nightly,eu.ops@data_team-1',
        createdAt: ago(500),
        tags: { owner: 'data' },
        loginProfile: null,
        accessKeys: [key('AKIASANDBOX0SVCETL01', 480, 33)],
      },
      // Key 1 (older) in daily use, key 2 (newer) abandoned: only key 2 is stale.
      {
        userName: 'data-pipeline',
        createdAt: ago(450),
        tags: { owner: 'data' },
        loginProfile: null,
        accessKeys: [key('AKIASANDBOX0DATAPL01', 420, 0), key('AKIASANDBOX0DATAPL02', 100, 50)],
      },
      // Emergency access, rarely used by design: the demo lists it as exempt.
      {
        userName: 'breakglass-admin',
        createdAt: ago(1200),
        tags: { purpose: 'break-glass', [BREAK_GLASS_TAG_KEY]: 'true' },
        loginProfile: password(1200, 180),
        accessKeys: [],
      },
      // Last signed in 29 days ago: close to the threshold, not stale; her owner is warned (docs/lifecycle.md).
      {
        userName: 'grace.okoye',
        createdAt: ago(300),
        tags: { team: 'support', [DEFAULT_OWNER_TAG_KEY]: 'support-lead@example.com' },
        loginProfile: password(300, 29),
        accessKeys: [],
      },
    ],
  };
}
