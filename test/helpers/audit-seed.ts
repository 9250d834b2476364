/**
 * The account of the audit period's end-to-end test (test/e2e/audit.test.ts), its AWS-side test and
 * the report's screenshot: run weekly from 2026-10-05, each run finds something new to decide.
 */
import type { Seed } from '../../cli/local/seed.js';

export const AUDIT_ACCOUNT = '111122223333';
const password = (lastUsed: string) => ({
  createdAt: '2025-01-01T00:00:00Z',
  passwordLastUsed: lastUsed,
  passwordResetRequired: false,
});
const key = (accessKeyId: string, lastUsed: string) => ({
  accessKeyId,
  status: 'Active' as const,
  createdAt: '2025-01-01T00:00:00Z',
  lastUsed,
});
const user = (userName: string, rest: Partial<Seed['users'][number]>) => ({
  userName,
  createdAt: '2025-01-01T00:00:00Z',
  loginProfile: null,
  accessKeys: [],
  ...rest,
});

/** Each run finds something new to decide: credentials that go stale week after week (threshold 30). */
export const AUDIT_SEED: Seed = {
  accountId: AUDIT_ACCOUNT,
  users: [
    // Stale at the first run (10-05).
    user('alice.old', { accessKeys: [key('AKIAAUDITALICE000001', '2026-08-01T10:00:00Z')] }),
    // Stale from 10-10: found on 10-12 (rejected), disabled on 10-19.
    user('bob.sept', { loginProfile: password('2026-09-10T10:00:00Z') }),
    // Stale from 10-31: found on 11-09, after the weeks without a run.
    user('carol.oct', { accessKeys: [key('AKIAAUDITCAROL000001', '2026-10-01T10:00:00Z')] }),
    // Stale from 11-13: found on 11-16.
    user('erin.midoct', { accessKeys: [key('AKIAAUDITERIN0000001', '2026-10-14T10:00:00Z')] }),
    // Exempt until 10-30, then treated as any other user: disabled on 11-09.
    user('pete.pastexempt', {
      tags: { 'credsweep:exempt': '2026-10-30' },
      loginProfile: password('2026-08-15T10:00:00Z'),
    }),
    // Exempt through the year's end: still open at the end, as exempt.
    user('fay.exempt', {
      tags: { 'credsweep:exempt': '2026-12-31' },
      loginProfile: password('2026-08-15T10:00:00Z'),
    }),
    // Break-glass: never changed; open at the end, with its last use.
    user('bg.emergency', {
      tags: { 'credsweep:break-glass': 'true' },
      loginProfile: password('2026-06-01T10:00:00Z'),
    }),
    user('dan.active', { loginProfile: password('2026-11-15T10:00:00Z') }),
  ],
};
