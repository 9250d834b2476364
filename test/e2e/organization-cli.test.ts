/**
 * An organization run followed and backed out per account with the run commands, as an admin types
 * them: `credsweep demo --org` keeps the organization, the run and its evidence in a home; status,
 * show, history and evidence describe it account by account; `backout --accounts` restores one
 * account through the organization workflow's backout mode and leaves the others as the run left them.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadLocalAccount, seedHome } from '../../cli/local/home-sandbox.js';
import { SAMPLE_ORG_ACCOUNTS, sampleOrganization } from '../../cli/local/sample-organization.js';
import type { OrganizationSeed } from '../../cli/local/seed.js';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/demo.js';

const A = SAMPLE_ORG_ACCOUNTS;

const sandbox = (home: string) => loadLocalAccount(home) as OrganizationSeed;

/** `account/user`: whether its console password exists and each key's status. */
function credentials(seed: OrganizationSeed): Record<string, string> {
  const out: Record<string, string> = {};
  for (const account of seed.organization.accounts) {
    for (const user of account.users) {
      out[`${account.accountId}/${user.userName}`] = [
        user.loginProfile ? 'password' : 'no password',
        ...user.accessKeys.map((k) => `${k.accessKeyId} ${k.status}`),
      ].join(', ');
    }
  }
  return out;
}

const cli = runCli;

/** A fresh home with one approved organization run; returns the home and the run's name. */
async function orgRun(): Promise<{ home: string; name: string; before: Record<string, string> }> {
  const home = tempHome();
  const run = await cli(['demo', '--org', '--auto-approve', '--json', '--home', home]);
  expect(run.code, run.stderr).toBe(0);
  return { home, name: JSON.parse(run.stdout).executionName, before: credentials(sandbox(home)) };
}

describe('after `credsweep demo --org --auto-approve`', () => {
  let home: string;
  let name: string;
  let local: string[];
  beforeAll(async () => {
    ({ home, name } = await orgRun());
    local = ['--local', '--home', home];
  });

  it('status lists every account with its outcome and counts', async () => {
    const run = await cli(['status', name, ...local]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('accounts   5 accounts (organization run)');
    expect(run.stdout).toContain('Accounts (5): 2 remediated, 1 nothing-to-do, 1 unreachable, 1 suspended');
    expect(run.stdout).toMatch(/222222222222 +payments-prod +ou-a1b2-workload1 +remediated +2 +2 +0\n/);
    expect(run.stdout).toMatch(/333333333333 +analytics +ou-a1b2-workload1 +remediated +3 +3 +0\n/);
    expect(run.stdout).toMatch(/444444444444 {2}legacy-sandbox .* unreachable .*AccountUnreachable/);
    expect(run.stdout).toMatch(/555555555555 {2}closed-project .* suspended/);
    expect(run.stdout).toMatch(/111111111111 {2}management .* nothing-to-do/);

    const json = JSON.parse((await cli(['status', name, ...local, '--json'])).stdout);
    expect(json).toMatchObject({ organization: true, accountCount: 5, outcome: 'remediated' });
    expect(
      Object.fromEntries(
        json.accounts.map((a: { accountId: string; outcome: string }) => [a.accountId, a.outcome]),
      ),
    ).toEqual({
      [A.management]: 'nothing-to-do',
      [A.payments]: 'remediated',
      [A.analytics]: 'remediated',
      [A.legacy]: 'unreachable',
      [A.suspended]: 'suspended',
    });
    expect(json.accounts.find((a: { accountId: string }) => a.accountId === A.payments)).toEqual({
      accountId: A.payments,
      name: 'payments-prod',
      ou: 'ou-a1b2-workload1',
      status: 'ACTIVE',
      outcome: 'remediated',
      counts: { findings: 2, proposed: 2, disabled: 2, restored: 0 },
      error: null,
    });
  });

  it('status --account narrows to one account, and names an id that is not one of the run', async () => {
    const one = await cli(['status', name, ...local, '--account', A.legacy]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain('account   444444444444 legacy-sandbox (OU ou-a1b2-sandbox01, ACTIVE)');
    expect(one.stdout).toContain('outcome   unreachable');
    expect(one.stdout).toContain('sts:AssumeRole');
    expect(one.stdout).not.toContain('payments-prod');

    const stranger = await cli(['status', name, ...local, '--account', '999999999999']);
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toContain(`account 999999999999 is not an account of ${name}`);
    expect(stranger.stderr).toContain('222222222222 payments-prod');
    const short = await cli(['status', name, ...local, '--account', '2222']);
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('expected a 12-digit AWS account id, not "2222"');
  });

  it("show labels each account's steps, and --account shows only that account's steps and evidence", async () => {
    const all = await cli(['show', name, ...local]);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/\[account 222222222222\] DisableConsoleAccess .* 1 console password removed/);
    expect(all.stdout).toMatch(/\[account 333333333333\] DeactivateAccessKeys .* 2 access keys deactivated/);
    expect(all.stdout).toContain('Changes in all accounts (5)');
    expect(all.stdout).toMatch(/333333333333 {2}etl-runner {2}access-key-2 AKIASAMPLEANA0000002 {2}Active/);

    const one = await cli(['show', name, ...local, '--account', A.analytics]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/\[account 333333333333\] Verify .* 3 of 3 verified/);
    expect(one.stdout).not.toContain('[account 222222222222]');
    expect(one.stdout).toContain('approved   3 of 3');
    expect(one.stdout).toContain('Changes (3)');
    expect(one.stdout).toContain('frank.bi');
    expect(one.stdout).not.toContain('carol.ops');

    const json = JSON.parse((await cli(['show', name, ...local, '--account', A.analytics, '--json'])).stdout);
    expect(json.account).toMatchObject({ accountId: A.analytics, outcome: 'remediated' });
    expect(json.accountEvidence.changes).toHaveLength(3);
    expect(json.accounts).toHaveLength(5);
  });

  it('history marks the organization run with its number of accounts and overall outcome', async () => {
    const run = await cli(['history', ...local]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^STARTED\s+NAME\s+KIND\s+ACCOUNTS\s+STATUS\s+OUTCOME/m);
    expect(run.stdout).toMatch(
      new RegExp(`${name}\\s+org\\s+5\\s+SUCCEEDED\\s+remediated\\s.*\\s5\\s+0$`, 'm'),
    );
    const json = JSON.parse((await cli(['history', ...local, '--json'])).stdout);
    expect(json.runs[0]).toMatchObject({ name, kind: 'organization', organization: true, accountCount: 5 });
  });

  it("evidence copies the org summary with every account's folder, or one account's with --account", async () => {
    const out = join(tempHome(), 'all');
    const run = await cli(['evidence', name, ...local, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('the org summary and 5 account folders');
    const summary = JSON.parse(readFileSync(join(out, 'evidence.json'), 'utf8'));
    expect(summary.kind).toBe('organization');
    // The summary's report.html links to accounts/<id>/report.html: the links work in the copy.
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain(
      'href="accounts/222222222222/report.html"',
    );
    for (const id of Object.values(A))
      expect(existsSync(join(out, 'accounts', id, 'report.html')), id).toBe(true);

    const one = join(tempHome(), 'one');
    const narrowed = await cli(['evidence', name, ...local, '--account', A.payments, '--out', one, '--json']);
    expect(narrowed.code, narrowed.stderr).toBe(0);
    const printed = JSON.parse(narrowed.stdout);
    expect(printed.account.accountId).toBe(A.payments);
    expect(printed.files.map((f: { name: string }) => f.name)).toEqual([
      'evidence.json',
      'findings.csv',
      'report.html',
    ]);
    const own = JSON.parse(readFileSync(join(one, 'evidence.json'), 'utf8'));
    expect(own.changes.map((c: { userName: string }) => c.userName).sort()).toEqual([
      'carol.ops',
      'deploy-bot',
    ]);
    expect(existsSync(join(one, 'accounts'))).toBe(false);
  });
});

describe('credsweep backout <org run> --accounts / --users', () => {
  it('restores the named account only; the other keeps its changes; status and history say so', async () => {
    const { home, name } = await orgRun();
    const local = ['--local', '--home', home];
    const seeded = credentials({ organization: sampleOrganization(new Date()).organization });
    const afterRun = credentials(sandbox(home));
    expect(afterRun[`${A.payments}/deploy-bot`]).toBe('no password, AKIASAMPLEPAY0000001 Inactive');

    const run = await cli(['backout', name, ...local, '--accounts', A.payments]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Backing out ${name} (accounts 222222222222) locally`);
    expect(run.stdout).toContain('[account 222222222222] BackoutAccount');
    expect(run.stdout).not.toContain('[account 333333333333]');
    expect(run.stdout).toMatch(/SUCCEEDED \(backed-out\)/);
    expect(run.stdout).toContain('changes     2 restored');

    const now = credentials(sandbox(home));
    // payments-prod is as it was before the run (the console password is created again)...
    expect(now[`${A.payments}/deploy-bot`]).toBe(seeded[`${A.payments}/deploy-bot`]);
    expect(now[`${A.payments}/carol.ops`]).toBe(seeded[`${A.payments}/carol.ops`]);
    // ...analytics keeps the run's changes, and nothing else moved.
    expect(now[`${A.analytics}/etl-runner`]).toBe(afterRun[`${A.analytics}/etl-runner`]);
    expect(now[`${A.analytics}/frank.bi`]).toBe('no password');
    for (const key of Object.keys(now).filter((k) => !k.startsWith(A.payments))) {
      expect(now[key], key).toBe(afterRun[key]);
    }

    const history = JSON.parse((await cli(['history', ...local, '--json'])).stdout);
    const backout = history.runs[0];
    expect(backout).toMatchObject({
      kind: 'organization',
      mode: 'backout',
      outcome: 'backed-out',
      accountCount: 1,
    });
    const status = await cli(['status', backout.name, ...local]);
    expect(status.stdout).toContain('Accounts (1): 1 backed-out');
    expect(status.stdout).toMatch(/222222222222 +payments-prod .* backed-out +0 +0 +2/);
  });

  it('--users restores only those users in the named account', async () => {
    const { home, name } = await orgRun();
    const local = ['--local', '--home', home];
    const afterRun = credentials(sandbox(home));
    const run = await cli([
      'backout',
      name,
      ...local,
      '--accounts',
      A.analytics,
      '--users',
      'frank.bi',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).run).toMatchObject({ outcome: 'backed-out', counts: { restored: 1 } });
    const now = credentials(sandbox(home));
    expect(now[`${A.analytics}/frank.bi`]).toBe('password');
    expect(now[`${A.analytics}/etl-runner`]).toBe(afterRun[`${A.analytics}/etl-runner`]);
    expect(now[`${A.payments}/deploy-bot`]).toBe(afterRun[`${A.payments}/deploy-bot`]);
  });

  it('refuses ids that are not accounts the run changed, and users it did not change there, changing nothing', async () => {
    const { home, name } = await orgRun();
    const local = ['--local', '--home', home];
    const afterRun = loadLocalAccount(home);

    const stranger = await cli(['backout', name, ...local, '--accounts', `${A.payments},999999999999`]);
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toContain(`account 999999999999 is not an account of ${name}`);
    expect(stranger.stderr).toContain('nothing was backed out');

    const untouched = await cli(['backout', name, ...local, '--accounts', A.management]);
    expect(untouched.code).toBe(1);
    expect(untouched.stderr).toContain(
      `${name} changed nothing in account 111111111111 (management: nothing-to-do); nothing was backed out. It changed accounts 222222222222, 333333333333.`,
    );

    const bad = await cli(['backout', name, ...local, '--accounts', '22222222222x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected comma-separated 12-digit account ids, not "22222222222x"');

    const elsewhere = await cli(['backout', name, ...local, '--accounts', A.payments, '--users', 'frank.bi']);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toContain(
      `${name} changed nothing of frank.bi in accounts 222222222222 (it changed carol.ops, deploy-bot there)`,
    );

    expect(loadLocalAccount(home)).toEqual(afterRun);
    expect(JSON.parse((await cli(['history', ...local, '--json'])).stdout).runs).toHaveLength(1);
  });

  it('leaves alone a credential changed outside credsweep since the run (only-if-last-change), per account', async () => {
    const { home, name } = await orgRun();
    const local = ['--local', '--home', home];
    // Someone re-activates deploy-bot's key by hand: the run's change is no longer the last one.
    const seed = sandbox(home);
    const payments = seed.organization.accounts.find((a) => a.accountId === A.payments);
    const key = payments?.users.find((u) => u.userName === 'deploy-bot')?.accessKeys[0];
    if (!key) throw new Error('no deploy-bot key');
    key.status = 'Active';
    seedHome(home, seed);

    const run = await cli(['backout', name, ...local, '--accounts', A.payments, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.run).toMatchObject({ outcome: 'backed-out', counts: { restored: 1 } });
    const shown = await cli(['show', out.name, ...local, '--account', A.payments]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/Backout \(requested\) of .*: 1 credential restored/);
    expect(shown.stdout).toContain(
      'left alone  deploy-bot access-key-1 AKIASAMPLEPAY0000001: changed outside credsweep since this run; not restored',
    );
    const json = JSON.parse(
      (await cli(['show', out.name, ...local, '--account', A.payments, '--json'])).stdout,
    );
    expect(json.accountEvidence.backout.skipped).toEqual([
      expect.objectContaining({ userName: 'deploy-bot', reason: 'changed-outside-credsweep' }),
    ]);
    // The key stays as the person left it; carol.ops's password is back.
    const payments2 = sandbox(home).organization.accounts.find((a) => a.accountId === A.payments);
    expect(payments2?.users.find((u) => u.userName === 'deploy-bot')?.accessKeys[0]?.status).toBe('Active');
    expect(payments2?.users.find((u) => u.userName === 'carol.ops')?.loginProfile).not.toBeNull();
  });
});

describe('backout of an organization run after a later run changed the same credential', () => {
  it('leaves that credential to the later run (only-if-last-change) and restores the rest of the account', async () => {
    const { home, name } = await orgRun();
    const local = ['--local', '--home', home];
    // deploy-bot's key is re-activated by hand, then a later organization run disables it again.
    const seed = sandbox(home);
    const key = seed.organization.accounts
      .find((a) => a.accountId === A.payments)
      ?.users.find((u) => u.userName === 'deploy-bot')?.accessKeys[0];
    if (!key) throw new Error('no deploy-bot key');
    key.status = 'Active';
    seedHome(home, seed);
    const later = await cli([
      'start',
      ...local,
      '--accounts',
      A.payments,
      '--auto-approve',
      '--name',
      'run-later',
    ]);
    expect(later.code, later.stderr).toBe(0);
    expect(credentials(sandbox(home))[`${A.payments}/deploy-bot`]).toBe(
      'no password, AKIASAMPLEPAY0000001 Inactive',
    );

    const run = await cli(['backout', name, ...local, '--accounts', A.payments]);
    expect(run.code, run.stderr).toBe(0);
    const backout = JSON.parse((await cli(['history', ...local, '--json'])).stdout).runs[0].name;
    const shown = await cli(['show', backout, ...local, '--account', A.payments]);
    expect(shown.stdout).toContain(
      'left alone  deploy-bot access-key-1 AKIASAMPLEPAY0000001: disabled again by later run run-later; not restored',
    );
    const now = credentials(sandbox(home));
    expect(now[`${A.payments}/deploy-bot`]).toBe('no password, AKIASAMPLEPAY0000001 Inactive');
    expect(now[`${A.payments}/carol.ops`]).toMatch(/^password/);
  });
});

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const ACTING = /[\u001b\u0007\u202e]/;

describe('text from the organization is neutralised', () => {
  it('an account name with terminal escapes and a bidi override is shown as visible escapes', async () => {
    const home = tempHome();
    const seed = sampleOrganization(new Date());
    const payments = seed.organization.accounts.find((a) => a.accountId === A.payments);
    if (!payments) throw new Error('no payments account');
    payments.name = 'pay\u001b]0;owned\u0007ments\u202Eyxc';
    const file = join(home, 'org.json');
    writeFileSync(file, JSON.stringify(seed));
    const demo = await cli(['demo', '--seed', file, '--auto-approve', '--json', '--home', home]);
    expect(demo.code, demo.stderr).toBe(0);
    const name = JSON.parse(demo.stdout).executionName;
    for (const args of [
      ['status', name],
      ['show', name],
      ['status', name, '--account', A.payments],
    ]) {
      const run = await cli([...args, '--local', '--home', home]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout, args.join(' ')).toContain('pay\\u{1B}]0;owned\\u{7}ments\\u{202E}yxc');
      expect(run.stdout).not.toMatch(ACTING);
    }
    const json = await cli(['status', name, '--local', '--home', home, '--json']);
    expect(json.stdout).not.toMatch(ACTING);
    expect(JSON.parse(json.stdout).accounts[1].name).toBe(payments.name);
  });
});
