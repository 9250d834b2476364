/**
 * An organization of 50 accounts through the real organization ASL, locally: every state payload
 * stays within the arithmetic of scripts/quota-arithmetic.ts (so far under 256 KiB), no execution's
 * history grows with the accounts, and exactly the stale credentials of the reachable accounts
 * change. `npm run bench` runs 10, 100 and 1,000 accounts (docs/performance.md).
 */
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../cli/local/demo-run.js';
import type { OrganizationSeed } from '../../cli/local/seed.js';
import { PAYLOAD_QUOTA_BYTES } from '../../handlers/core/shared/quotas.js';
import { orgHistoryBudget, orgPayloadWorst } from '../../scripts/quota-arithmetic.js';
import { tempHome } from '../helpers/demo.js';
import { largeOrganizationSeed } from '../helpers/large-organization.js';

const NOW = new Date('2026-11-26T12:00:00Z');
const STALE_BEFORE = NOW.getTime() - 30 * 24 * 60 * 60 * 1000;

/** The stale active credentials of the reachable active accounts, read from the seed itself. */
function staleCredentials(seed: OrganizationSeed): string[] {
  const out: string[] = [];
  for (const account of seed.organization.accounts) {
    if (account.status !== 'ACTIVE' || !account.memberRole) continue;
    for (const user of account.users) {
      const p = user.loginProfile;
      if (p && Date.parse(p.passwordLastUsed ?? p.createdAt) < STALE_BEFORE) {
        out.push(`${account.accountId} ${user.userName} console-password`);
      }
      for (const key of user.accessKeys) {
        if (key.status === 'Active' && Date.parse(key.lastUsed ?? key.createdAt) < STALE_BEFORE) {
          out.push(`${account.accountId} ${user.userName} ${key.accessKeyId}`);
        }
      }
    }
  }
  return out.sort();
}

describe('an organization of 50 accounts, locally', () => {
  it('changes exactly the stale credentials, with payloads and histories that do not grow with the accounts', {
    timeout: 180_000,
  }, async () => {
    // Accounts 0..50: account 50 has no member role (unreachable).
    const seed = largeOrganizationSeed({ accounts: 51, usersPerAccount: 4, staleFraction: 0.2, now: NOW });
    const expected = staleCredentials(seed);
    expect(expected.length).toBeGreaterThan(20);
    const result = await runDemo({
      seed,
      now: NOW,
      home: tempHome(),
      approval: 'auto-approve',
      maxCredentialsTotal: 5000,
    });
    const changed = result.changes.map(
      (c) => `${c.accountId} ${c.userName} ${c.accessKeyId ?? c.credential}`,
    );
    expect(changed.sort()).toEqual(expected);
    const outcomes = new Map((result.accounts ?? []).map((a) => [a.accountId, a.outcome]));
    expect(outcomes.size).toBe(51);
    expect(outcomes.get('100000000050')).toBe('unreachable');
    expect([...outcomes.values()].filter((o) => o === 'failed' || o === 'backed-out')).toEqual([]);

    // Payload: within the 5,000-account arithmetic for 51 accounts, so far below 256 KiB.
    expect(result.maxPayloadBytes).toBeLessThanOrEqual(orgPayloadWorst(51));
    expect(result.maxPayloadBytes).toBeLessThan(PAYLOAD_QUOTA_BYTES / 10);
    // History: the largest execution (the parent, or one account's child) is far below 25,000 and
    // within what the ASL allows any execution at worst.
    const budget = orgHistoryBudget();
    expect(result.maxExecutionEvents).toBeLessThanOrEqual(
      Math.max(budget.parentWorst, ...Object.values(budget.childWorst)),
    );
    expect(result.maxExecutionEvents).toBeLessThan(500);
  });
});
