/**
 * The delete stage in an organization run, as a user runs it: `credsweep demo` on an organization
 * seed (samples/lifecycle-organization.json) on day 0, then `credsweep start --local --all-accounts
 * --now <day 31> --delete-after 30` in the same home. The key credsweep deactivated on day 0 is
 * proposed in the one approval under its account, marked as impossible to undo, deleted in that
 * account only, and a failure there restores what can be restored and names the deletion it cannot.
 * Every local record of the run follows the sandbox clock (`--now`): its name, its dates, the mail files.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLocalAccount } from '../../cli/local/home-sandbox.js';
import type { OrganizationSeed } from '../../cli/local/seed.js';
import { packageFile } from '../../cli/package-files.js';
import type { Evidence } from '../../handlers/core/evidence/schema.js';
import type { OrgEvidence } from '../../handlers/core/organization/org-evidence.js';
import type { MailMessage } from '../../handlers/ports/mail.js';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/demo.js';

const SEED = packageFile('samples', 'lifecycle-organization.json');
const DAY0 = '2026-11-02T09:00:00Z';
const DAY31 = '2026-12-03T09:00:00Z';
const PAYMENTS = '222222222222';
const ANALYTICS = '333333333333';
const NORA_KEY = 'AKIAORGPAYNORA000001';

const json = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;
const evidenceOf = (home: string, run: string, accountId?: string) =>
  json<Evidence>(join(home, 'runs', run, ...(accountId ? ['accounts', accountId] : []), 'evidence.json'));
const keysIn = (home: string, accountId: string) =>
  Object.fromEntries(
    (
      (loadLocalAccount(home) as OrganizationSeed).organization.accounts.find(
        (a) => a.accountId === accountId,
      )?.users ?? []
    ).flatMap((u) => u.accessKeys.map((k) => [k.accessKeyId, k.status])),
  );
const mails = (home: string) =>
  readdirSync(join(home, 'outbox'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ file: f, ...json<MailMessage>(join(home, 'outbox', f)) }));

/** Day 0: credsweep deactivates nora's key in payments (unused 50 days). */
async function day0(home: string): Promise<string> {
  const run = await runCli([
    'demo',
    '--home',
    home,
    '--seed',
    SEED,
    '--now',
    DAY0,
    '--auto-approve',
    '--json',
  ]);
  expect(run.code, run.stderr).toBe(0);
  const out = JSON.parse(run.stdout) as { executionName: string; changes: { accessKeyId: string }[] };
  expect(out.changes.map((c) => c.accessKeyId)).toEqual([NORA_KEY]);
  return out.executionName;
}

describe('the delete stage in an organization run', () => {
  it('deletes the key credsweep deactivated 31 days earlier, in that account only, with evidence and mail dated by --now', async () => {
    const home = tempHome();
    const first = await day0(home);

    const run = await runCli([
      'start',
      '--local',
      '--home',
      home,
      '--all-accounts',
      '--now',
      DAY31,
      '--delete-after',
      '30',
      '--auto-approve',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const started = JSON.parse(run.stdout) as { name: string; startDate: string; run: { stopDate: string } };
    // Named and dated by the sandbox clock, not the machine's.
    expect(started.name).toMatch(/^run-20261203T0900Z-[a-z0-9]{4}$/);
    expect(started.startDate.slice(0, 16)).toBe('2026-12-03T09:00');
    expect(started.run.stopDate.slice(0, 10)).toBe('2026-12-03');

    // One approval, the deletion under its account, marked as impossible to undo.
    const approval = mails(home)
      .filter((m) => m.subject.startsWith('credsweep: approve'))
      .at(-1);
    expect(approval?.file).toMatch(/^2026-12-03T09-00-/);
    expect(approval?.subject).toBe(
      'credsweep: approve disabling 2 unused credentials and deleting 1 deactivated access key in 2 AWS accounts',
    );
    const payments = approval?.text.slice(
      approval.text.indexOf(`(${PAYMENTS})`),
      approval.text.indexOf(`(${ANALYTICS})`),
    );
    expect(payments).toContain(NORA_KEY);
    expect(payments).toContain(
      `DELETE, cannot be undone: deactivated by credsweep run ${first} on 2026-11-02`,
    );

    // Deleted in payments only; analytics' key deactivated by hand (no ledger) is left as it is.
    expect(keysIn(home, PAYMENTS)).toEqual({ AKIAORGPAYSAM0000001: 'Inactive' });
    expect(keysIn(home, ANALYTICS)).toEqual({
      AKIAORGANAHANK000001: 'Inactive',
      AKIAORGANAED00000001: 'Inactive',
    });

    const account = evidenceOf(home, started.name, PAYMENTS);
    expect(account.summary).toMatch(
      /^Of 2 proposed credentials, 1 disabled and 1 access key deleted for good, after/,
    );
    expect(account.changes.find((c) => c.accessKeyId === NORA_KEY)).toMatchObject({
      action: 'delete-access-key',
      after: 'key deleted',
      verification: { ok: true, expected: 'key not found', actual: 'key not found' },
      deletion: {
        deactivatedBy: expect.stringContaining(`${first}/accounts/${PAYMENTS}`),
        deactivatedAt: expect.stringMatching(/^2026-11-02T09:00/),
        keyCreatedAt: '2025-09-28T09:00:00.000Z',
        keyLastUsed: '2026-09-13T09:00:00.000Z',
      },
    });
    expect(evidenceOf(home, started.name, ANALYTICS).changes.map((c) => c.action)).toEqual([
      'deactivate-access-key',
    ]);
    const org = json<OrgEvidence>(join(home, 'runs', started.name, 'evidence.json'));
    expect(org.counts).toMatchObject({ disabled: 3, deleted: 1, cannotRestore: 0 });
    expect(org.summary).toContain(
      'Of 3 proposed credentials, 2 disabled and 1 access key deleted for good, 0 restored.',
    );
    expect(org.writtenAt.slice(0, 10)).toBe('2026-12-03');
  }, 180_000);

  it('--fail-at verify@<account>: restores what that account can restore, names the deletion it cannot, keeps the others', async () => {
    const home = tempHome();
    await day0(home);
    const day0State = join(home, 'day0-state.json');
    writeFileSync(day0State, JSON.stringify(loadLocalAccount(home)));

    const run = await runCli([
      'demo',
      '--home',
      home,
      '--seed',
      day0State,
      '--now',
      DAY31,
      '--delete-after',
      '30',
      '--auto-approve',
      '--fail-at',
      `verify@${PAYMENTS}`,
      '--json',
    ]);
    expect(run.code).toBe(3);
    const out = JSON.parse(run.stdout) as {
      executionName: string;
      accounts: { accountId: string; outcome: string }[];
    };
    expect(Object.fromEntries(out.accounts.map((a) => [a.accountId, a.outcome]))).toMatchObject({
      [PAYMENTS]: 'backed-out',
      [ANALYTICS]: 'remediated',
    });
    // sam's key, deactivated by this run, is Active again; nora's key is gone for good.
    expect(keysIn(home, PAYMENTS)).toEqual({ AKIAORGPAYSAM0000001: 'Active' });
    expect(keysIn(home, ANALYTICS)).toMatchObject({ AKIAORGANAED00000001: 'Inactive' });

    const account = evidenceOf(home, out.executionName, PAYMENTS);
    expect(account.backout?.cannotRestore).toEqual([
      expect.objectContaining({
        userName: 'nora.noowner',
        accessKeyId: NORA_KEY,
        action: 'delete-access-key',
      }),
    ]);
    expect(account.summary).toContain(
      `1 cannot be restored, approved as impossible to undo: nora.noowner ${NORA_KEY} deleted`,
    );
    const org = json<OrgEvidence>(join(home, 'runs', out.executionName, 'evidence.json'));
    expect(org.counts).toMatchObject({ restored: 1, deleted: 1, cannotRestore: 1 });
    expect(org.summary).toContain(`could not be restored: nora.noowner ${NORA_KEY} in ${PAYMENTS}`);
    const summaryMail = mails(home).at(-1);
    expect(summaryMail?.text).toContain(
      `${PAYMENTS}, ou-a1b2-workload1): backed-out; 1 access key deleted for good, 1 restored, 1 cannot be restored`,
    );
  }, 180_000);
});
