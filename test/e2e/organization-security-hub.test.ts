/**
 * Security Hub in an organization run (issue 14, "In an organization"): each account's findings are
 * read and updated in the account that owns them, through its member findings role, or through the
 * hub as the organization's Security Hub administrator; an account the run could not reach keeps
 * its findings, and the evidence says why. The real organization ASL and handlers, as `credsweep demo` runs them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../cli/local/demo-run.js';
import { SAMPLE_ORG_ACCOUNTS, sampleOrganizationWithFindings } from '../../cli/local/sample-organization.js';
import type { OrganizationSeed, SeedFinding } from '../../cli/local/seed.js';
import type { Evidence } from '../../handlers/core/evidence/schema.js';
import type { OrgEvidence } from '../../handlers/core/organization/org-evidence.js';
import { tempHome } from '../helpers/demo.js';
import { NOW } from '../helpers/seeds.js';

const A = SAMPLE_ORG_ACCOUNTS;

const findingsIn = (seed: OrganizationSeed | undefined, accountId: string): SeedFinding[] =>
  seed?.organization.accounts.find((a) => a.accountId === accountId)?.securityHub?.findings ?? [];

/** `user control status` of each finding of the account, sorted. */
const statuses = (seed: OrganizationSeed | undefined, accountId: string) =>
  findingsIn(seed, accountId)
    .map(
      (f) =>
        `${f.Resources[0]?.Id.split('/').pop()} ${f.Compliance?.SecurityControlId ?? 'CIS'} ${f.Workflow?.Status}`,
    )
    .sort();

const readJson = <T>(home: string, key: string): T => JSON.parse(readFileSync(join(home, key), 'utf8')) as T;

describe('Security Hub in an organization run', () => {
  it('through each member findings role: resolved in the owning account, other controls and unreachable accounts untouched, the org summary per account', async () => {
    const home = tempHome();
    const before = sampleOrganizationWithFindings(NOW);
    const result = await runDemo({ seed: before, now: NOW, home, approval: 'auto-approve' });
    expect(result).toMatchObject({ status: 'SUCCEEDED', outcome: 'remediated' });
    const after = result.organization?.toSeed();
    const run = result.executionName;

    expect(statuses(after, A.payments)).toEqual([
      'carol.ops IAM.5 NEW',
      'carol.ops IAM.8 RESOLVED',
      'deploy-bot CIS RESOLVED',
      'deploy-bot IAM.22 RESOLVED',
    ]);
    expect(statuses(after, A.analytics)).toEqual(['etl-runner IAM.22 RESOLVED']);
    const resolved = findingsIn(after, A.payments).find((f) => f.Workflow?.Status === 'RESOLVED');
    expect(resolved?.Note?.Text).toContain(`credsweep run ${run} (account ${A.payments}) disabled`);
    expect(resolved?.Note?.Text).toContain(`Back out: credsweep backout ${run} --accounts ${A.payments}.`);
    // The other control's finding, the hub's finding on a fresh user, and the findings of the
    // unreachable and suspended accounts are exactly as they were.
    const untouched = (id: string, pick = (_: SeedFinding) => true) =>
      expect(findingsIn(after, id).filter(pick)).toEqual(findingsIn(before, id).filter(pick));
    untouched(A.payments, (f) => f.Compliance?.SecurityControlId === 'IAM.5');
    untouched(A.management);
    untouched(A.legacy);
    untouched(A.suspended);

    // Each account's evidence answers "what about this finding?", and says why it could not.
    const legacy = readJson<Evidence>(home, `runs/${run}/accounts/${A.legacy}/evidence.json`);
    expect(legacy.securityHub).toMatchObject({ status: 'not-updated', findings: [] });
    expect(legacy.securityHub?.reason).toMatch(
      /^account 444444444444 cannot be reached through the credsweep member findings role \(AccessDenied: .*credsweep-member-findings\), so its Security Hub findings were left untouched$/,
    );
    const payments = readJson<Evidence>(home, `runs/${run}/accounts/${A.payments}/evidence.json`);
    expect(payments.securityHub?.notified?.findings.filter((f) => f.action === 'notified')).toHaveLength(3);
    expect(
      payments.securityHub?.findings.map((f) => `${f.userName} ${f.before}->${f.after} ${f.action}`).sort(),
    ).toEqual([
      'carol.ops NOTIFIED->RESOLVED resolved',
      'deploy-bot NOTIFIED->RESOLVED resolved',
      'deploy-bot NOTIFIED->RESOLVED resolved',
    ]);

    const org = readJson<OrgEvidence>(home, `runs/${run}/evidence.json`);
    const lines = Object.fromEntries(org.accounts.map((a) => [a.accountId, a.securityHub]));
    expect(lines[A.payments]).toBe('Security Hub findings: 3 RESOLVED.');
    expect(lines[A.management]).toBe('Security Hub: 1 finding(s), none changed.');
    expect(lines[A.legacy]).toContain('cannot be reached through the credsweep member findings role');
    expect(org.securityHubFindings.map((f) => `${f.accountId} ${f.userName} ${f.after}`).sort()).toEqual(
      [
        `${A.management} org-admin NEW`,
        `${A.payments} carol.ops RESOLVED`,
        `${A.payments} deploy-bot RESOLVED`,
        `${A.payments} deploy-bot RESOLVED`,
        `${A.analytics} etl-runner RESOLVED`,
      ].sort(),
    );
    const html = readFileSync(join(home, `runs/${run}/report.html`), 'utf8');
    expect(html).toContain('<h2 id="security-hub">Security Hub findings</h2>');
    expect(html).toContain('every stale credential of carol.ops disabled and verified');
  });

  it("rejected: each account's NOTIFIED findings go back to NEW, naming the rejection", async () => {
    const result = await runDemo({
      seed: sampleOrganizationWithFindings(NOW),
      now: NOW,
      home: tempHome(),
      approval: 'auto-reject',
    });
    expect(result).toMatchObject({ outcome: 'rejected' });
    const after = result.organization?.toSeed();
    expect(statuses(after, A.payments)).toEqual([
      'carol.ops IAM.5 NEW',
      'carol.ops IAM.8 NEW',
      'deploy-bot CIS NEW',
      'deploy-bot IAM.22 NEW',
    ]);
    const carol = findingsIn(after, A.payments).find((f) => f.Compliance?.SecurityControlId === 'IAM.8');
    expect(carol?.Note?.Text).toMatch(
      new RegExp(`^credsweep run ${result.executionName} \\(account ${A.payments}\\): rejected by `),
    );
  });

  it("as the Security Hub administrator: the hub updates members' findings without any findings role; an unreachable account's findings are listed, left, with why", async () => {
    const home = tempHome();
    const result = await runDemo({
      seed: sampleOrganizationWithFindings(NOW),
      now: NOW,
      home,
      approval: 'auto-approve',
      securityHubAdministrator: true,
    });
    const after = result.organization?.toSeed();
    expect(statuses(after, A.payments)).toContain('carol.ops IAM.8 RESOLVED');
    expect(statuses(after, A.analytics)).toEqual(['etl-runner IAM.22 RESOLVED']);
    expect(statuses(after, A.legacy)).toEqual(['old-admin IAM.22 NEW']);
    expect(findingsIn(after, A.legacy)[0]?.Note).toBeUndefined();
    const legacy = readJson<Evidence>(
      home,
      `runs/${result.executionName}/accounts/${A.legacy}/evidence.json`,
    );
    expect(legacy.securityHub?.findings).toEqual([
      expect.objectContaining({
        action: 'left',
        after: 'NEW',
        why: `account ${A.legacy} was not reachable through the member role: credsweep read and changed nothing there`,
      }),
    ]);
    const suspended = readJson<Evidence>(
      home,
      `runs/${result.executionName}/accounts/${A.suspended}/evidence.json`,
    );
    expect(suspended.securityHub?.findings[0]?.why).toBe(
      `account ${A.suspended} was suspended: credsweep read and changed nothing there`,
    );
  });

  it('a backout of the organization run sets the findings it resolved in each account back to NEW', async () => {
    const home = tempHome();
    const run = await runDemo({
      seed: sampleOrganizationWithFindings(NOW),
      now: NOW,
      home,
      approval: 'auto-approve',
    });
    const backout = await runDemo({
      seed: run.organization?.toSeed() as OrganizationSeed,
      now: new Date(NOW.getTime() + 3_600_000),
      home,
      approval: 'none',
      backoutOf: run.executionName,
    });
    expect(backout).toMatchObject({ status: 'SUCCEEDED', outcome: 'backed-out' });
    const after = backout.organization?.toSeed();
    expect(statuses(after, A.payments)).toEqual([
      'carol.ops IAM.5 NEW',
      'carol.ops IAM.8 NEW',
      'deploy-bot CIS NEW',
      'deploy-bot IAM.22 NEW',
    ]);
    const carol = findingsIn(after, A.payments).find((f) => f.Compliance?.SecurityControlId === 'IAM.8');
    expect(carol?.Note?.Text).toContain(
      `(account ${A.payments}) restored console password that run ${run.executionName} (account ${A.payments}) disabled`,
    );
  });
});
