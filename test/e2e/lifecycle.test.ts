/**
 * The lifecycle (docs/lifecycle.md) end to end, in one local home run again days later, as
 * `credsweep demo --seed …` then `credsweep start --local --now …` do it: owner warnings before a
 * disable, exemptions that end, break-glass users, and the approved delete stage.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLocalAccount, runDemo } from '../../cli/local/demo-run.js';
import { listJson } from '../../cli/local/files.js';
import type { Seed } from '../../cli/local/seed.js';
import type { Evidence } from '../../handlers/core/evidence/schema.js';
import type { MailMessage } from '../../handlers/ports/mail.js';
import { runCli } from '../helpers/cli.js';
import { tempHome, userIn } from '../helpers/demo.js';

const DAY = 86_400_000;
const DAY0 = new Date('2026-11-02T09:00:00.000Z');
const at = (days: number) => new Date(DAY0.getTime() + days * DAY);
const ago = (days: number) => at(-days).toISOString();
const dayOf = (days: number) => at(days).toISOString().slice(0, 10);

const password = (usedDaysAgo: number) => ({
  createdAt: ago(400),
  passwordLastUsed: ago(usedDaysAgo),
  passwordResetRequired: false,
});
const key = (accessKeyId: string, usedDaysAgo: number) => ({
  accessKeyId,
  status: 'Active' as const,
  createdAt: ago(400),
  lastUsed: ago(usedDaysAgo),
});

/** Threshold 30 days, warnings 7 days ahead (the defaults). */
const SEED: Seed = {
  accountId: '210987654321',
  users: [
    // 27 days unused, owner tagged: stale within 7 days, so its owner is warned.
    {
      userName: 'olga.soon',
      createdAt: ago(400),
      tags: { 'credsweep:owner': 'owner-a@example.com' },
      loginProfile: password(27),
      accessKeys: [],
    },
    // 40 days unused, owner tagged: stale, but never warned: warned now, disabled later.
    {
      userName: 'otto.stale',
      createdAt: ago(400),
      tags: { 'credsweep:owner': 'owner-b@example.com' },
      loginProfile: null,
      accessKeys: [key('AKIALIFECYCLEOTTO001', 40)],
    },
    // Stale, no owner: disabled on day 0, as without the lifecycle.
    {
      userName: 'nora.noowner',
      createdAt: ago(400),
      loginProfile: null,
      accessKeys: [key('AKIALIFECYCLENORA001', 50)],
    },
    // Exempt until a day that has passed: treated normally, disabled.
    {
      userName: 'pete.pastexempt',
      createdAt: ago(400),
      tags: { 'credsweep:exempt': dayOf(-3) },
      loginProfile: password(60),
      accessKeys: [],
    },
    // Exempt until a day to come: skipped, with that day in the evidence.
    {
      userName: 'fay.futureexempt',
      createdAt: ago(400),
      tags: { 'credsweep:exempt': dayOf(20) },
      loginProfile: password(60),
      accessKeys: [],
    },
    // An exemption nobody can read: never acted on, listed for the admins.
    {
      userName: 'ivan.invalid',
      createdAt: ago(400),
      tags: { 'credsweep:exempt': 'until March' },
      loginProfile: password(60),
      accessKeys: [],
    },
    // Break-glass: untouched, named in the approval mail with its last use.
    {
      userName: 'bg.emergency',
      createdAt: ago(400),
      tags: { 'credsweep:break-glass': 'true' },
      loginProfile: password(90),
      accessKeys: [],
    },
  ],
};

/** One run in `home` at `now`, as `start --local --now` runs it (the home's account, approved through the page). */
async function runAt(home: string, now: Date, extra: { deleteAfterDays?: number; seed?: Seed } = {}) {
  return runDemo({
    seed: extra.seed ?? loadLocalAccount(home),
    now,
    home,
    approval: 'auto-approve',
    ...(extra.deleteAfterDays !== undefined ? { deleteAfterDays: extra.deleteAfterDays } : {}),
  });
}

const evidenceOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'evidence.json'), 'utf8')) as Evidence;
const mails = (home: string) => listJson<MailMessage>(join(home, 'outbox'));
const changed = (r: { changes: { userName: string; action: string; status: string }[] }) =>
  r.changes
    .filter((c) => c.status === 'changed')
    .map((c) => `${c.userName} ${c.action}`)
    .sort();

describe('the lifecycle over weeks in one local home', () => {
  it('warns owners first, disables on day 8, honours exemptions and break-glass, and deletes after 30 days', async () => {
    const home = tempHome();

    // Day 0: owners warned, their credentials left; the rest as before the lifecycle.
    const day0 = await runAt(home, DAY0, { seed: SEED });
    expect(day0).toMatchObject({ status: 'SUCCEEDED', outcome: 'remediated' });
    expect(changed(day0)).toEqual([
      'nora.noowner deactivate-access-key',
      'pete.pastexempt delete-login-profile',
    ]);
    const warnings = mails(home).filter((m) => m.subject.includes('may be disabled soon'));
    expect(warnings.map((m) => m.to).sort()).toEqual([['owner-a@example.com'], ['owner-b@example.com']]);
    const toB = warnings.find((m) => m.to[0] === 'owner-b@example.com');
    expect(toB?.text).toContain('AKIALIFECYCLEOTTO001');
    expect(toB?.text).toContain(`may be disabled from ${dayOf(7)}`);
    expect(toB?.text).toMatch(/To keep a credential: use it/);

    const approval = mails(home).find((m) => m.subject.startsWith('credsweep: approve'));
    expect(approval?.text).toContain('Break-glass users');
    expect(approval?.text).toContain('bg.emergency');
    expect(approval?.text).toContain(`Last used: ${ago(90).slice(0, 10)}`);
    expect(approval?.text).toContain('Owner warned, not proposed yet');

    const ev0 = evidenceOf(day0.evidenceDir);
    expect(ev0.exempt).toContainEqual({ userName: 'fay.futureexempt', by: 'tag', until: dayOf(20) });
    expect(ev0.skipped).toContainEqual({
      userName: 'ivan.invalid',
      reason: 'exempt-tag-invalid',
      value: 'until March',
    });
    expect(ev0.skipped).toContainEqual({ userName: 'bg.emergency', reason: 'break-glass' });
    expect(ev0.lifecycle?.exemptions).toContainEqual({
      userName: 'pete.pastexempt',
      until: dayOf(-3),
      expired: true,
    });
    expect(ev0.lifecycle?.warnings.map((w) => [w.userName, w.owner, w.mailed, w.proposed])).toEqual([
      ['otto.stale', 'owner-b@example.com', true, false],
      ['olga.soon', 'owner-a@example.com', true, false],
    ]);
    expect(ev0.counts).toMatchObject({ ownersWarned: 2, heldForWarning: 2 });
    const after0 = day0.sandbox.toSeed();
    expect(userIn(after0, 'olga.soon').loginProfile).not.toBeNull();
    expect(userIn(after0, 'otto.stale').accessKeys[0]?.status).toBe('Active');
    expect(userIn(after0, 'bg.emergency')).toEqual(userIn(SEED, 'bg.emergency'));
    expect(userIn(after0, 'fay.futureexempt')).toEqual(userIn(SEED, 'fay.futureexempt'));

    // Day 3: warned, too early: nothing proposed, nobody mailed again; the run only lists the warnings.
    const before3 = mails(home).length;
    const day3 = await runAt(home, at(3));
    expect(day3).toMatchObject({ status: 'SUCCEEDED', outcome: 'nothing-to-do', changes: [] });
    expect(mails(home)).toHaveLength(before3);
    const ev3 = evidenceOf(day3.evidenceDir);
    expect(ev3.summary).toMatch(/2 credentials held until the owner's warning is old enough/);
    expect(ev3.lifecycle?.warnings.map((w) => [w.mailed, w.warnedAt.slice(0, 10)])).toEqual([
      [false, dayOf(0)],
      [false, dayOf(0)],
    ]);

    // Day 8: both owners were warned 8 days ago: both credentials disabled.
    const day8 = await runAt(home, at(8));
    expect(day8).toMatchObject({ status: 'SUCCEEDED', outcome: 'remediated' });
    expect(changed(day8)).toEqual(['olga.soon delete-login-profile', 'otto.stale deactivate-access-key']);

    // Day 31 with --delete-after 30: the key credsweep deactivated on day 0 is proposed for deletion,
    // marked as impossible to undo, and gone after approval; otto's (day 8) is too recent.
    const day31 = await runAt(home, at(31), { deleteAfterDays: 30 });
    expect(day31).toMatchObject({ status: 'SUCCEEDED', outcome: 'remediated' });
    // fay's exemption ran through day 20: on day 31 she is treated as any other user.
    expect(changed(day31)).toEqual([
      'fay.futureexempt delete-login-profile',
      'nora.noowner delete-access-key',
    ]);
    const approval31 = mails(home)
      .filter((m) => m.subject.startsWith('credsweep: approve'))
      .at(-1);
    expect(approval31?.subject).toBe(
      'credsweep: approve disabling 1 unused credential and deleting 1 deactivated access key in 210987654321',
    );
    expect(approval31?.text).toContain('DELETE, cannot be undone');
    expect(approval31?.text).toContain(day0.executionName);
    const after31 = day31.sandbox.toSeed();
    expect(userIn(after31, 'nora.noowner').accessKeys).toEqual([]);
    expect(userIn(after31, 'otto.stale').accessKeys[0]?.status).toBe('Inactive');
    const ev31 = evidenceOf(day31.evidenceDir);
    const deletion = ev31.changes.find((c) => c.action === 'delete-access-key');
    expect(deletion).toMatchObject({
      accessKeyId: 'AKIALIFECYCLENORA001',
      result: 'disabled',
      after: 'key deleted',
      verification: { ok: true, expected: 'key not found', actual: 'key not found' },
      deletion: { deactivatedBy: expect.stringContaining(day0.executionName), keyLastUsed: ago(50) },
    });
    expect(ev31.counts.deleted).toBe(1);
    // "Days unused" counts from the key's last use (50 days before day 0), not from its deactivation;
    // the days since the deactivation are said as such (issue 24).
    expect(deletion?.finding?.daysUnused).toBe(81);
    expect(approval31?.text).toMatch(
      /AKIALIFECYCLENORA001\)\s+\S+\s+81\s+DELETE, cannot be undone: .* \(30 days ago\)/,
    );
    // The deletion is counted as deleted, not as disabled: summary, mail subject and status.
    expect(ev31.summary).toMatch(
      /^Of 2 proposed credentials, 1 disabled and 1 access key deleted for good, after/,
    );
    const summary31 = mails(home).find((m) => m.subject.startsWith(`credsweep ${day31.executionName}:`));
    expect(summary31?.subject).toBe(
      `credsweep ${day31.executionName}: remediated (1 disabled, 1 access key deleted for good, 0 restored) in 210987654321`,
    );
    const status31 = await runCli(['status', day31.executionName, '--local', '--home', home]);
    expect(status31.stdout).toMatch(/changes\s+1 disabled, 1 access key deleted for good\n/);
    expect(summary31?.text).toContain('No backout can restore the 1 access key this run deleted.');

    // Backing out that run, as its summary mail says to, says plainly what it cannot restore.
    const suggested = summary31?.text.match(/^Back out with: credsweep (.*)$/m)?.[1];
    expect(suggested).toBe(`backout ${day31.executionName} --local --home ${home}`);
    const backoutCli = await runCli((suggested ?? '').split(' '));
    expect(backoutCli.code).toBe(0);
    const backoutName =
      backoutCli.stdout.match(/^(backout-\S+)\s+SUCCEEDED/m)?.[1] ?? 'no backout run printed';
    const backout = { executionName: backoutName, evidenceDir: join(home, 'runs', backoutName) };
    const evBackout = evidenceOf(backout.evidenceDir);
    expect(evBackout.backout?.cannotRestore).toEqual([
      expect.objectContaining({ userName: 'nora.noowner', accessKeyId: 'AKIALIFECYCLENORA001' }),
    ]);
    expect(userIn(loadLocalAccount(home) as Seed, 'nora.noowner').accessKeys).toEqual([]);
    // And the command line calls the backout partial, naming the deleted key (issue 23).
    const status = await runCli(['status', backout.executionName, '--local', '--home', home]);
    expect(status.stdout).toMatch(/partial\s+1 change\(s\) of that run cannot be restored/);
    expect(status.stdout).toMatch(
      /cannot restore\s+nora\.noowner access-key-\d AKIALIFECYCLENORA001: the key was deleted; a deleted key cannot be restored/,
    );
    // The backout's own mail suggests no backout of itself; what it suggests runs as printed.
    const backoutMail = mails(home).find((m) => m.subject.startsWith(`credsweep ${backout.executionName}:`));
    expect(backoutMail?.text).not.toMatch(/credsweep backout backout-/);
    const commands = [...(backoutMail?.text ?? '').matchAll(/: credsweep (.*)$/gm)].map((m) => m[1] ?? '');
    expect(commands).toEqual([
      `evidence ${backout.executionName} --local --home ${home}`,
      `show ${day31.executionName} --local --home ${home}`,
    ]);
    for (const command of commands) {
      const out = await runCli([
        ...command.split(' '),
        ...(command.startsWith('evidence') ? ['--out', join(home, 'ev-out')] : []),
      ]);
      expect(out.code, `${command}: ${out.stderr}`).toBe(0);
    }
  }, 180_000);
});
