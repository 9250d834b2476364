/**
 * Each account's evidence of an organization run counts that account (issue 22): the one approval
 * covers every account, but "approved" in an account's evidence is the number of its own credentials
 * that were approved, never the whole organization's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../cli/local/demo-run.js';
import type { Evidence } from '../../handlers/core/evidence/schema.js';
import { tempHome } from '../helpers/demo.js';
import { largeOrganizationSeed } from '../helpers/large-organization.js';

const NOW = new Date('2026-11-26T12:00:00Z');

describe('an organization run of 4 accounts, everything approved', () => {
  it("says approved = proposed in each account's evidence, and remediated where something changed", {
    timeout: 120_000,
  }, async () => {
    const home = tempHome();
    const seed = largeOrganizationSeed({ accounts: 4, usersPerAccount: 4, staleFraction: 0.5, now: NOW });
    const result = await runDemo({
      seed,
      now: NOW,
      home,
      approval: 'auto-approve',
      maxCredentialsTotal: 1000,
    });
    expect(result.status).toBe('SUCCEEDED');
    const total = result.changes.length;
    expect(total).toBeGreaterThan(4);
    let proposedSum = 0;
    for (const account of result.accounts ?? []) {
      if (account.outcome !== 'remediated') continue;
      const evidence = JSON.parse(
        readFileSync(join(result.evidenceDir, 'accounts', account.accountId, 'evidence.json'), 'utf8'),
      ) as Evidence;
      expect(evidence.counts.approved, account.accountId).toBe(evidence.counts.proposed);
      expect(evidence.counts.approved, account.accountId).toBeLessThan(total);
      expect(evidence.summary).not.toMatch(/approved \d+ of 0/);
      // What the approver ticked, as this account's evidence shows it, is this account's part only.
      const ticked = evidence.approval?.decision?.selection ?? [];
      expect(ticked).toHaveLength(evidence.counts.proposed);
      expect(ticked.every((id) => id.startsWith(`${account.accountId}/`))).toBe(true);
      proposedSum += evidence.counts.proposed;
    }
    expect(proposedSum).toBe(total);
  });
});
