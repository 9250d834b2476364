/** Small hand-written sandbox accounts for tests; dates relative to NOW. */
import type { Seed } from '../../cli/local/seed.js';

export const NOW = new Date('2026-11-26T12:00:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();

/** Two stale console passwords, two stale keys, one fresh key, one fresh user. */
export function smallSeed(): Seed {
  return {
    accountId: '111122223333',
    users: [
      {
        userName: 'stale.console',
        createdAt: ago(400),
        loginProfile: { createdAt: ago(400), passwordLastUsed: ago(90), passwordResetRequired: false },
        accessKeys: [],
      },
      {
        userName: 'stale.both',
        createdAt: ago(300),
        loginProfile: { createdAt: ago(300), passwordLastUsed: ago(45), passwordResetRequired: false },
        accessKeys: [
          { accessKeyId: 'AKIATESTSTALEBOTH001', status: 'Active', createdAt: ago(290), lastUsed: ago(60) },
          { accessKeyId: 'AKIATESTFRESHBOTH002', status: 'Active', createdAt: ago(10), lastUsed: ago(1) },
        ],
      },
      {
        userName: 'ci+deploy@svc',
        createdAt: ago(200),
        loginProfile: null,
        accessKeys: [
          { accessKeyId: 'AKIATESTCIDEPLOY0001', status: 'Active', createdAt: ago(120), lastUsed: null },
        ],
      },
      {
        userName: 'fresh.user',
        createdAt: ago(100),
        loginProfile: { createdAt: ago(100), passwordLastUsed: ago(2), passwordResetRequired: false },
        accessKeys: [
          { accessKeyId: 'AKIATESTFRESHUSER001', status: 'Active', createdAt: ago(100), lastUsed: ago(0) },
        ],
      },
    ],
  };
}
