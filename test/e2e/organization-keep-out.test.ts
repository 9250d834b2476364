/**
 * Keeping a whole account out of an organization approval (issue 22), end to end: the approver ticks
 * "keep out" for one account on the page served by the local approval server and approves everything
 * else; the real organization workflow then changes nothing in that account, and its evidence says
 * nothing was approved there, while the other accounts are remediated.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actAsApprover } from '../../cli/local/auto-approver.js';
import { runDemo } from '../../cli/local/demo-run.js';
import { FileStore } from '../../cli/local/local-ports.js';
import type { Evidence } from '../../handlers/core/evidence/schema.js';
import { tempHome } from '../helpers/demo.js';
import { largeOrgAccountId, largeOrganizationSeed } from '../helpers/large-organization.js';

const NOW = new Date('2026-11-26T12:00:00Z');

describe('an organization run of 4 accounts with one account kept out', () => {
  it('changes nothing in the kept-out account and its evidence says nothing-approved', {
    timeout: 180_000,
  }, async () => {
    const home = tempHome();
    const seed = largeOrganizationSeed({ accounts: 4, usersPerAccount: 4, staleFraction: 0.5, now: NOW });
    const kept = largeOrgAccountId(2);
    let decided: Promise<unknown> = Promise.resolve();
    let approvalId = '';
    const result = await runDemo({
      seed,
      now: NOW,
      home,
      approval: 'manual',
      maxCredentialsTotal: 1000,
      // One approval is the quorum: the first approver decides.
      onApprovalLink: (url) => {
        if (approvalId) return;
        approvalId = new URL(url).pathname.split('/').pop() ?? '';
        decided = actAsApprover(url, 'approve', [kept]);
      },
    });
    await decided;

    expect(result.status).toBe('SUCCEEDED');
    expect(result.changes.length).toBeGreaterThan(0);
    expect(result.changes.filter((c) => c.accountId === kept)).toEqual([]);
    const outcomes = new Map((result.accounts ?? []).map((a) => [a.accountId, a.outcome]));
    expect(outcomes.get(kept)).toBe('nothing-approved');
    expect([...outcomes.values()]).toContain('remediated');

    const evidence = JSON.parse(
      readFileSync(join(result.evidenceDir, 'accounts', kept, 'evidence.json'), 'utf8'),
    ) as Evidence;
    expect(evidence.outcome).toBe('nothing-approved');
    expect(evidence.counts.approved).toBe(0);
    expect(evidence.counts.proposed).toBeGreaterThan(0);

    const approval = await new FileStore(join(home, 'store')).getApproval(approvalId);
    expect(approval?.decision?.keptOutAccounts).toEqual([kept]);
    // The evidence an auditor reads names the account kept out, in the account's and the summary's.
    expect(evidence.approval?.decision?.keptOutAccounts).toEqual([kept]);
    const summary = readFileSync(join(result.evidenceDir, 'report.html'), 'utf8');
    expect(summary).toMatch(new RegExp(`Accounts kept out</th><td>${kept}</td>`));
  });
});
