/**
 * Findings follow the run, end to end: the real ASL and handlers over the sandbox account and its
 * Security Hub, as `credsweep demo --seed <seed with findings>` runs them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../cli/local/demo-run.js';
import type { Seed } from '../../cli/local/seed.js';
import type { Evidence } from '../../handlers/core/evidence/schema.js';
import { tempHome } from '../helpers/demo.js';
import { NOW, securityHubSeed, smallSeed } from '../helpers/seeds.js';

type Finding = NonNullable<Seed['securityHub']>['findings'][number];

function findingsOf(seed: Seed, userName: string, control?: string): Finding[] {
  return (seed.securityHub?.findings ?? []).filter(
    (f) =>
      f.Resources[0]?.Id.endsWith(`:user/${userName}`) &&
      (control === undefined ||
        f.Compliance?.SecurityControlId === control ||
        f.GeneratorId.includes(control)),
  );
}

const statuses = (seed: Seed, userName: string) => findingsOf(seed, userName).map((f) => f.Workflow?.Status);

function evidenceOf(dir: string): Evidence {
  return JSON.parse(readFileSync(join(dir, 'evidence.json'), 'utf8')) as Evidence;
}

describe('Security Hub findings follow the run', () => {
  it('approved: remediated users RESOLVED naming the run, exempt SUPPRESSED, other findings untouched', async () => {
    const seed = securityHubSeed();
    let duringApproval: Seed | null = null;
    const result = await runDemo({
      seed,
      now: NOW,
      home: tempHome(),
      approval: 'auto-approve',
      beforeDecision: (sandbox) => {
        duringApproval = sandbox.toSeed();
      },
    });
    expect(result).toMatchObject({ status: 'SUCCEEDED', outcome: 'remediated' });

    // While the approver decides, the proposed users' findings are NOTIFIED with the proposal.
    const asked = duringApproval as unknown as Seed;
    expect(statuses(asked, 'stale.both')).toEqual(['NOTIFIED', 'NOTIFIED']);
    expect(findingsOf(asked, 'stale.both')[0]?.Note?.Text).toContain(
      `credsweep run ${result.executionName}: approval requested to disable console password, access key AKIATESTSTALEBOTH001`,
    );

    const after = result.sandbox.toSeed();
    for (const user of ['stale.console', 'stale.both', 'ci+deploy@svc']) {
      for (const f of findingsOf(after, user).filter((x) => x.Compliance?.SecurityControlId !== 'IAM.5')) {
        expect(f.Workflow?.Status, `${user} ${f.GeneratorId}`).toBe('RESOLVED');
        expect(f.Note?.Text).toContain(`credsweep run ${result.executionName} disabled`);
        expect(f.Note?.Text).toContain('approved by security-approver@example.com');
        expect(f.Note?.Text).toContain(`Evidence: ${result.evidenceDir}/`);
        expect(f.Note?.UpdatedBy).toBe(`credsweep/${result.executionName}`);
        expect([...(f.Note?.Text ?? '')].length).toBeLessThanOrEqual(512);
      }
    }
    expect(
      findingsOf(after, 'stale.both', 'cis-aws-foundations-benchmark/v/1.4.0/1.12')[0]?.Workflow?.Status,
    ).toBe('RESOLVED');
    const exempt = findingsOf(after, 'exempt.tagged')[0];
    expect(exempt?.Workflow?.Status).toBe('SUPPRESSED');
    expect(exempt?.Note?.Text).toContain('exempt by the tag credsweep:exempt=true');
    // Security Hub says IAM.22 fails for fresh.user; credsweep found nothing stale: left, explained.
    const original = seed.securityHub?.findings ?? [];
    expect(findingsOf(after, 'fresh.user')).toEqual(findingsOf(seed, 'fresh.user'));
    expect(findingsOf(after, 'stale.console', 'IAM.5')).toEqual(
      original.filter((f) => f.Compliance?.SecurityControlId === 'IAM.5'),
    );

    const evidence = evidenceOf(result.evidenceDir);
    expect(evidence.securityHub?.status).toBe('updated');
    expect(evidence.securityHub?.notified?.status).toBe('updated');
    const fresh = evidence.securityHub?.findings.find((f) => f.userName === 'fresh.user');
    expect(fresh).toMatchObject({ action: 'left', before: 'NEW', after: 'NEW', note: null });
    expect(fresh?.why).toContain('credsweep found no credential of fresh.user unused for 30 days or more');
    // Only the unused-credential controls are in the evidence: IAM.5 is none of credsweep's business.
    expect(evidence.securityHub?.findings.map((f) => f.control).sort()).toEqual([
      'CIS 1.4.0 1.12',
      'IAM.22',
      'IAM.22',
      'IAM.22',
      'IAM.22',
      'IAM.8',
    ]);
  });

  it('rejected: the findings go back to NEW with a note naming the rejection', async () => {
    const result = await runDemo({
      seed: securityHubSeed(),
      now: NOW,
      home: tempHome(),
      approval: 'auto-reject',
    });
    expect(result).toMatchObject({ status: 'FAILED', outcome: 'rejected' });
    const after = result.sandbox.toSeed();
    for (const f of findingsOf(after, 'stale.both')) {
      expect(f.Workflow?.Status).toBe('NEW');
      expect(f.Note?.Text).toMatch(
        new RegExp(`^credsweep run ${result.executionName}: rejected by security-approver@example.com`),
      );
      expect(f.Note?.Text).toContain('nothing was changed');
    }
    expect(statuses(after, 'exempt.tagged')).toEqual(['SUPPRESSED']);
  });

  it('a requested backout sets the findings that run resolved back to NEW, naming the backout', async () => {
    const home = tempHome();
    const run = await runDemo({ seed: securityHubSeed(), now: NOW, home, approval: 'auto-approve' });
    const backout = await runDemo({
      seed: run.sandbox.toSeed(),
      now: new Date(NOW.getTime() + 3_600_000),
      home,
      approval: 'none',
      backoutOf: run.executionName,
      users: ['stale.both'],
    });
    expect(backout).toMatchObject({ status: 'SUCCEEDED', outcome: 'backed-out' });
    const after = backout.sandbox.toSeed();
    for (const f of findingsOf(after, 'stale.both')) {
      expect(f.Workflow?.Status).toBe('NEW');
      expect(f.Note?.Text).toContain(
        `credsweep backout ${backout.executionName} restored console password, access key AKIATESTSTALEBOTH001 that run ${run.executionName} disabled`,
      );
    }
    // Users the backout did not restore keep RESOLVED; the exemption stays SUPPRESSED.
    expect(statuses(after, 'stale.console')).toEqual(['RESOLVED', 'NEW']);
    expect(statuses(after, 'exempt.tagged')).toEqual(['SUPPRESSED']);
  });

  it('without Security Hub in the account the run goes on, and its evidence says why nothing was updated', async () => {
    const result = await runDemo({ seed: smallSeed(), now: NOW, home: tempHome(), approval: 'auto-approve' });
    expect(result).toMatchObject({ status: 'SUCCEEDED', outcome: 'remediated' });
    const evidence = evidenceOf(result.evidenceDir);
    // Not enabled is information, said once, not an error (issue 24).
    expect(evidence.securityHub).toMatchObject({ status: 'not-enabled', findings: [] });
    expect(evidence.securityHub?.reason).toBe(
      'Security Hub is not enabled in account 111122223333 in this Region: there are no findings to follow',
    );
    expect(evidence.securityHub?.notified?.status).toBe('not-enabled');
    const html = readFileSync(join(result.evidenceDir, 'report.html'), 'utf8');
    expect(html.match(/Security Hub is not enabled/g)).toHaveLength(1);
    expect(html).toContain('<p class="info">Security Hub is not enabled in account 111122223333');
    expect(result.sandbox.toSeed().securityHub).toBeUndefined();
  });

  it("a credential used during the approval window: its user's findings go back to NEW, saying so", async () => {
    const result = await runDemo({
      seed: securityHubSeed(),
      now: NOW,
      home: tempHome(),
      approval: 'auto-approve',
      beforeDecision: (sandbox) => sandbox.recordUse('stale.console', 'console-password', NOW),
    });
    expect(result).toMatchObject({ status: 'SUCCEEDED', outcome: 'remediated' });
    const f = findingsOf(result.sandbox.toSeed(), 'stale.console', 'IAM.8')[0];
    expect(f?.Workflow?.Status).toBe('NEW');
    expect(f?.Note?.Text).toBe(
      `credsweep run ${result.executionName}: not disabled: console password used since the credential report.`,
    );
  });
});
