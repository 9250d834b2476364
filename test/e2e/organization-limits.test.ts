/**
 * The local engine holds the organization workflow to AWS's 256 KiB limit on a Map's combined result
 * (issue 22): a Distributed Map without a ResultWriter returns every child's output inline. The
 * definition as it was before (each child ending with its whole state) fails at 600 accounts with
 * States.DataLimitExceeded, as it would on AWS, before anything is changed; today's, whose children
 * end with an empty output, passes. `npm run bench` runs 5,000 accounts.
 */
import { describe, expect, it } from 'vitest';
import { readAslTemplate } from '../../cli/local/asl.js';
import { PAYLOAD_LIMIT_BYTES } from '../../cli/local/aws-limits.js';
import { runDemo } from '../../cli/local/demo-run.js';
import { tempHome } from '../helpers/demo.js';
import { largeOrganizationSeed } from '../helpers/large-organization.js';

const NOW = new Date('2026-11-26T12:00:00Z');
const seed = () => largeOrganizationSeed({ accounts: 600, usersPerAccount: 1, staleFraction: 0.5, now: NOW });

/** The organization definition with every child ending on its whole state again, as before the fix. */
function childrenReturnTheirState(): string {
  const template = readAslTemplate('organization');
  const before = template.replace(/,\n\s*"OutputPath": null/g, '').replace(/\n\s*"OutputPath": null,/g, '');
  expect(before).not.toContain('"OutputPath"');
  return before;
}

describe('600 accounts on the organization workflow, locally, within AWS limits', () => {
  it('fails as AWS would when each child returns its state inline: the Map result passes 256 KiB', {
    timeout: 300_000,
  }, async () => {
    const result = await runDemo({
      seed: seed(),
      now: NOW,
      home: tempHome(),
      approval: 'auto-approve',
      maxCredentialsTotal: 100_000,
      aslTemplate: childrenReturnTheirState(),
    });
    expect(result.status).toBe('FAILED');
    expect(result.error?.Error).toBe('States.DataLimitExceeded');
    expect(result.error?.Cause).toMatch(
      /'AnalyzeAccounts'.*combined result of its \d+ iterations is \d+ bytes/,
    );
    expect(result.changes).toEqual([]);
  });

  it('passes with children that end with an empty output, every Map result far below the limit', {
    timeout: 300_000,
  }, async () => {
    const s = seed();
    const result = await runDemo({
      seed: s,
      now: NOW,
      home: tempHome(),
      approval: 'auto-approve',
      maxCredentialsTotal: 100_000,
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.outcome).toBe('remediated');
    expect(result.changes.length).toBeGreaterThan(200);
    // 600 children of `{}` each: about 3 bytes per account.
    expect(result.maxMapResultBytes).toBeLessThan(600 * 4);
    expect(result.maxPayloadBytes).toBeLessThan(PAYLOAD_LIMIT_BYTES / 4);
  });
});
