/**
 * The organization workflow end to end: the real organization ASL in the local engine, the real
 * handlers reaching each sandbox account through its member role, as `credsweep demo --org` runs it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../cli/local/demo-run.js';
import { SAMPLE_ORG_ACCOUNTS, sampleOrganization } from '../../cli/local/sample-organization.js';
import type { OrganizationSeed } from '../../cli/local/seed.js';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/demo.js';
import { NOW } from '../helpers/seeds.js';

const A = SAMPLE_ORG_ACCOUNTS;

const orgDemo = (overrides: Partial<Parameters<typeof runDemo>[0]> = {}) =>
  runDemo({
    seed: sampleOrganization(NOW),
    now: NOW,
    home: tempHome(),
    approval: 'auto-approve',
    ...overrides,
  });

const accountIn = (seed: OrganizationSeed, id: string) => {
  const found = seed.organization.accounts.find((a) => a.accountId === id);
  if (!found) throw new Error(`no account ${id}`);
  return found;
};

describe('credsweep demo --org', () => {
  it('disables exactly the stale credentials of the reachable active accounts and leaves the others untouched', async () => {
    const before = sampleOrganization(NOW);
    const result = await orgDemo();
    expect(result).toMatchObject({ status: 'SUCCEEDED', outcome: 'remediated', error: null });
    const changed = result.changes.map(
      (c) => `${c.accountId} ${c.userName} ${c.accessKeyId ?? c.credential}`,
    );
    expect(changed.sort()).toEqual([
      `${A.payments} carol.ops console-password`,
      `${A.payments} deploy-bot AKIASAMPLEPAY0000001`,
      `${A.analytics} etl-runner AKIASAMPLEANA0000001`,
      `${A.analytics} etl-runner AKIASAMPLEANA0000002`,
      `${A.analytics} frank.bi console-password`,
    ]);
    const outcomes = Object.fromEntries((result.accounts ?? []).map((a) => [a.accountId, a.outcome]));
    expect(outcomes).toEqual({
      [A.management]: 'nothing-to-do',
      [A.payments]: 'remediated',
      [A.analytics]: 'remediated',
      [A.legacy]: 'unreachable',
      [A.suspended]: 'suspended',
    });
    const unreachable = result.accounts?.find((a) => a.accountId === A.legacy);
    expect(unreachable?.error?.Cause).toContain('is not authorized to perform: sts:AssumeRole');
    const after = result.organization?.toSeed();
    if (!after) throw new Error('no organization state');
    for (const id of [A.management, A.legacy, A.suspended]) {
      expect(accountIn(after, id)).toEqual(accountIn(before, id));
    }
    // Users whose credentials are in use were not touched in the accounts that were changed.
    expect(accountIn(after, A.payments).users.find((u) => u.userName === 'dave.dev')).toEqual(
      accountIn(before, A.payments).users.find((u) => u.userName === 'dave.dev'),
    );
    expect(result.maxPayloadBytes).toBeLessThan(262_144);
    expect(result.maxExecutionEvents).toBeGreaterThan(0);
  });

  it('asks one approval for the whole organization, grouped by account, listing the unreachable ones', async () => {
    const home = tempHome();
    await orgDemo({ home });
    const outbox = join(home, 'outbox');
    const mails = readdir(outbox)
      .filter((f) => f.endsWith('.json'))
      .map((f) => readFileSync(join(outbox, f), 'utf8'));
    const approvals = mails.filter((m) => m.includes('/approvals/'));
    // One approval for the organization: one mail per approver of the built-in configuration (two),
    // each with that approver's own link to the same approval.
    expect(approvals).toHaveLength(2);
    const ids = approvals.map((m) => /\/approvals\/([^/?"\\]+)/.exec(m)?.[1]);
    expect(new Set(ids).size).toBe(1);
    const mail = approvals[0] ?? '';
    for (const name of ['payments-prod', 'analytics', A.payments, A.analytics, 'ou-a1b2-workload1']) {
      expect(mail).toContain(name);
    }
    expect(mail).toContain(A.legacy);
    expect(mail).toMatch(/unreachable/i);
  });

  it('--fail-at deactivate-keys@<account> restores that account completely and keeps the others’ changes', async () => {
    const before = sampleOrganization(NOW);
    const result = await orgDemo({ failAt: 'deactivate-keys', faultAccount: A.payments });
    expect(result.status).toBe('FAILED');
    expect(result.error?.Error).toBe('AccountsFailed');
    const byId = Object.fromEntries((result.accounts ?? []).map((a) => [a.accountId, a]));
    expect(byId[A.payments]?.outcome).toBe('backed-out');
    expect(byId[A.analytics]?.outcome).toBe('remediated');
    const after = result.organization?.toSeed();
    if (!after) throw new Error('no organization state');
    const payments = accountIn(after, A.payments);
    const original = accountIn(before, A.payments);
    for (const user of original.users) {
      const now = payments.users.find((u) => u.userName === user.userName);
      expect(now?.accessKeys, user.userName).toEqual(user.accessKeys);
      expect(now?.loginProfile === null, user.userName).toBe(user.loginProfile === null);
    }
    // A restored console password is a new one: reset required at the next sign-in.
    expect(payments.users.find((u) => u.userName === 'carol.ops')?.loginProfile?.passwordResetRequired).toBe(
      true,
    );
    const analytics = accountIn(after, A.analytics);
    expect(analytics.users.find((u) => u.userName === 'etl-runner')?.accessKeys.map((k) => k.status)).toEqual(
      ['Inactive', 'Inactive'],
    );
    expect(analytics.users.find((u) => u.userName === 'frank.bi')?.loginProfile).toBeNull();
  });

  it('writes one evidence folder per account and an org summary with an account column', async () => {
    const result = await orgDemo();
    const dir = result.evidenceDir;
    const summary = JSON.parse(readFileSync(join(dir, 'evidence.json'), 'utf8'));
    expect(summary.kind).toBe('organization');
    expect(summary.accounts.map((a: { accountId: string }) => a.accountId).sort()).toEqual(
      Object.values(A).sort(),
    );
    for (const id of Object.values(A)) {
      for (const file of ['evidence.json', 'findings.csv', 'report.html']) {
        expect(existsSync(join(dir, 'accounts', id, file)), `${id}/${file}`).toBe(true);
      }
    }
    const csv = readFileSync(join(dir, 'findings.csv'), 'utf8').trim().split('\r\n');
    expect(csv[0]).toContain('account_id');
    expect(csv.filter((l) => l.includes(A.analytics))).toHaveLength(3);
    expect(csv.filter((l) => l.includes(A.payments))).toHaveLength(2);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('legacy-sandbox');
    expect(html).toContain('Account unreachable');
  });

  it('stops before approval when the run would exceed maxCredentialsTotal, and changes nothing', async () => {
    const before = sampleOrganization(NOW);
    const result = await orgDemo({ maxCredentialsTotal: 4 });
    expect(result).toMatchObject({ status: 'FAILED', outcome: 'failed', changes: [] });
    expect(result.error?.Error).toBe('BlastRadiusExceeded');
    expect(result.error?.Cause).toContain('5 credentials in 2 accounts');
    expect(result.organization?.toSeed()).toEqual(before);
  });

  it('refuses, once and before any account is read, a per-account maxCredentials no account could hold within its quotas', async () => {
    const before = sampleOrganization(NOW);
    const result = await orgDemo({ maxCredentials: 15_000 });
    expect(result).toMatchObject({ status: 'FAILED', outcome: 'failed', changes: [] });
    expect(result.error?.Error).toBe('InputError');
    expect(result.error?.Cause).toMatch(
      /maxCredentials 15000 with batchSize 25 allows up to 653 batches, more than the 260 .* lower maxCredentials to at most 5980, or raise batchSize to at least 60/,
    );
    // Stopped at the listing: no account was analyzed.
    expect((result.accounts ?? []).map((a) => a.outcome)).toEqual([]);
    expect(result.organization?.toSeed()).toEqual(before);
  });
});

describe('credsweep demo --org (command line)', () => {
  it('--json reports every account with its outcome and every change with its account', async () => {
    const home = tempHome();
    const stateOut = join(home, 'org-after.json');
    const run = await runCli([
      'demo',
      '--org',
      '--auto-approve',
      '--json',
      '--home',
      home,
      '--state-out',
      stateOut,
    ]);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({ status: 'SUCCEEDED', outcome: 'remediated' });
    expect(out.changes).toHaveLength(5);
    for (const change of out.changes) expect([A.payments, A.analytics]).toContain(change.accountId);
    expect(
      out.accounts.map((a: { accountId: string; outcome: string }) => `${a.accountId} ${a.outcome}`),
    ).toEqual([
      `${A.management} nothing-to-do`,
      `${A.payments} remediated`,
      `${A.analytics} remediated`,
      `${A.legacy} unreachable`,
      `${A.suspended} suspended`,
    ]);
    for (const a of out.accounts)
      expect(Object.keys(a)).toEqual(expect.arrayContaining(['accountId', 'outcome', 'changes', 'error']));
    expect(out.maxExecutionEvents).toBeGreaterThan(0);
    expect(out.maxExecutionEvents).toBeLessThan(25_000);
    // --state-out writes the organization form back.
    const state = JSON.parse(readFileSync(stateOut, 'utf8'));
    expect(state.organization.managementAccountId).toBe(A.management);
    expect(state.organization.accounts).toHaveLength(5);
  });

  it('--fail-at STEP@ACCOUNT names a bad account id, and org options need an organization', async () => {
    const bad = await runCli(['demo', '--org', '--fail-at', 'deactivate-keys@123', '--json']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('STEP@ACCOUNT');
    const notOrg = await runCli([
      'demo',
      '--fail-at',
      `verify@${A.payments}`,
      '--json',
      '--home',
      tempHome(),
    ]);
    expect(notOrg.code).not.toBe(0);
    expect(notOrg.stderr).toContain('organization');
  });
});

const readdir = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);
