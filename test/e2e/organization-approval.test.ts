/**
 * The organization approval is the account approval, grouped (issue 22): the same lifecycle sections
 * (break-glass users, owners warned) with the account of each user, and the console action that will
 * really be taken.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OrganizationSeed, Seed } from '../../cli/local/seed.js';
import { renderFormPage } from '../../handlers/core/approval/page.js';
import type { ApprovalRecord, Plan } from '../../handlers/core/shared/types.js';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/demo.js';

const NOW = new Date('2026-11-20T09:00:00.000Z');
const ago = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();

const user = (userName: string, tags: Record<string, string>, key: string): Seed['users'][number] => ({
  userName,
  createdAt: ago(400),
  tags,
  loginProfile: { createdAt: ago(400), passwordLastUsed: ago(90), passwordResetRequired: false },
  accessKeys: [{ accessKeyId: key, status: 'Active', createdAt: ago(300), lastUsed: ago(120) }],
});

const seed: OrganizationSeed = {
  organization: {
    managementAccountId: '111111111111',
    accounts: [
      {
        accountId: '111111111111',
        name: 'management',
        ou: 'r-a1b2',
        status: 'ACTIVE',
        memberRole: true,
        users: [user('plain.mgmt', {}, 'AKIAORGAPPROVAL00001')],
      },
      {
        accountId: '222222222222',
        name: 'payments-prod',
        ou: 'r-a1b2',
        status: 'ACTIVE',
        memberRole: true,
        users: [
          user('emergency', { 'credsweep:break-glass': 'true' }, 'AKIAORGAPPROVAL00002'),
          user('owned', { 'credsweep:owner': 'lead@example.com' }, 'AKIAORGAPPROVAL00003'),
          user('plain.pay', {}, 'AKIAORGAPPROVAL00004'),
        ],
      },
    ],
  },
};

describe('the organization approval of a run with a break-glass user, an owner warned and reset', () => {
  it('names both users with their account and says console passwords are reset, not removed', async () => {
    const home = tempHome();
    const file = join(home, 'seed.json');
    writeFileSync(file, JSON.stringify(seed));
    const run = await runCli([
      ...['demo', '--seed', file, '--home', home, '--now', NOW.toISOString(), '--json'],
      ...['--console-action', 'reset', '--auto-reject'],
    ]);
    expect(JSON.parse(run.stdout).outcome).toBe('rejected');

    const outbox = join(home, 'outbox');
    const mails = readdirSync(outbox)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(outbox, f), 'utf8')) as { to: string[]; text: string });
    const approval = mails.find((m) => m.to.includes('security-approver@example.com'));
    expect(approval?.text).toContain('emergency (account 222222222222)');
    expect(approval?.text).toContain('owned (account 222222222222)');
    expect(approval?.text).toMatch(/console passwords are RESET/);
    expect(approval?.text).not.toContain('login profile deleted');

    const name = JSON.parse(run.stdout).executionName as string;
    const plan = JSON.parse(readFileSync(join(home, 'runs', name, 'plan.json'), 'utf8')) as Plan;
    const record = {
      approvalId: 'a',
      executionId: plan.executionId,
      expiresAt: NOW.toISOString(),
    } as ApprovalRecord;
    const page = renderFormPage({
      plan,
      record,
      approver: { approver: 'security-approver@example.com', secretHash: 'x' },
      csrfToken: 't',
    });
    expect(page).toContain('Break-glass users');
    expect(page).toContain('emergency (account 222222222222)');
    expect(page).toContain('owned (account 222222222222)');
    expect(page).toMatch(/console passwords are RESET/);
    expect(page).not.toMatch(/in \d+ AWS in \d+ AWS/);
    expect(page).not.toContain('Credential report</dt><dd>unknown');
  }, 120_000);
});
