/**
 * The lifecycle rules (docs/lifecycle.md) at their edges, through Analyze and the re-check before a
 * change, on the sandbox account with the real local store and outbox: owner warnings (warnDays 0,
 * once per credential and idle period, proposed only once warned warnDays ago), exemptions that end at
 * the end of their day (UTC), and exemption tags credsweep cannot read.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listJson } from '../../cli/local/files.js';
import type { Seed } from '../../cli/local/seed.js';
import { disableConsoleAccess } from '../../handlers/core/change/remediate.js';
import { analyzeRun } from '../../handlers/core/plan/analyze-run.js';
import { deletionVerdict, standingDeactivation } from '../../handlers/core/plan/lifecycle/deletion.js';
import {
  breakGlassUnclear,
  domainsOf,
  exemptionOf,
  isBreakGlass,
  ownerOf,
  tagValue,
} from '../../handlers/core/plan/lifecycle/tags.js';
import { readPlan } from '../../handlers/core/plan/plan.js';
import type { LedgerEntry } from '../../handlers/core/shared/types.js';
import type { MailMessage } from '../../handlers/ports/mail.js';
import { type Harness, harness, storeDecision } from '../helpers/local-harness.js';

const DAY = 86_400_000;
const DAY0 = new Date('2026-11-02T09:00:00.000Z');
const EXEC = 'arn:aws:states:eu-west-1:210987654321:execution:credsweep:run';
const OWNER = 'owner-a@example.com';

const daysBefore = (days: number, from = DAY0) => new Date(from.getTime() - days * DAY).toISOString();

/** One user whose console password was last used `unusedDays` before DAY0. */
function seedWith(tags: Record<string, string>, unusedDays = 40, userName = 'olga'): Seed {
  return {
    accountId: '210987654321',
    users: [
      {
        userName,
        createdAt: daysBefore(400),
        tags,
        loginProfile: {
          createdAt: daysBefore(400),
          passwordLastUsed: daysBefore(unusedDays),
          passwordResetRequired: false,
        },
        accessKeys: [],
      },
    ],
  };
}

let runs = 0;

/** One Analyze run at the harness's clock (a new run name each time, as the workflow gives). */
async function analyze(h: Harness, request: Record<string, unknown> = {}) {
  await h.sandbox.generateCredentialReport();
  const executionId = `${EXEC}-${++runs}`;
  const result = await analyzeRun(h.ports, executionId, { mode: 'remediate', ...request });
  const plan = await readPlan(h.ports.blobs, result.planKey);
  return { executionId, result, plan };
}

const ownerMails = (h: Harness) =>
  listJson<MailMessage>(join(h.home, 'outbox')).filter((m) => m.to.includes(OWNER));

describe('owner warnings', () => {
  it('warnDays 0 turns warnings off: a stale owned credential is proposed at once and nobody is mailed', async () => {
    // Prepare: warnings on for the deployment, off for this run; and off for a deployment.
    const byRun = harness(seedWith({ 'credsweep:owner': OWNER }), DAY0);
    const byDeployment = harness(seedWith({ 'credsweep:owner': OWNER }), DAY0, { settings: { warnDays: 0 } });

    // Act
    const run = await analyze(byRun, { warnDays: 0 });
    const deployed = await analyze(byDeployment);

    // Assess
    for (const [h, { plan }] of [
      [byRun, run],
      [byDeployment, deployed],
    ] as const) {
      expect(plan.items.map((i) => i.id)).toEqual(['olga/console-password']);
      expect(plan.lifecycle?.warnDays).toBe(0);
      expect(plan.lifecycle?.warnings).toEqual([]);
      expect(ownerMails(h)).toEqual([]);
      expect(await h.ports.store.getWarning('210987654321', 'password/olga')).toBeNull();
    }
  });

  it('mails an owner once per credential and idle period, not every run', async () => {
    // Prepare
    const h = harness(seedWith({ 'credsweep:owner': OWNER }), DAY0);

    // Act: day 0, day 1, day 2.
    const day0 = await analyze(h);
    h.advance(DAY);
    const day1 = await analyze(h);
    h.advance(DAY);
    const day2 = await analyze(h);

    // Assess: one mail, on day 0; later runs list the same warning, not mailed again.
    const mails = ownerMails(h);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toContain('may be disabled soon');
    expect(mails[0]?.text).toContain('IAM user olga: console password');
    expect(day0.plan.lifecycle?.warnings).toEqual([
      expect.objectContaining({ mailed: true, proposed: false, warnedAt: DAY0.toISOString() }),
    ]);
    for (const later of [day1, day2]) {
      expect(later.plan.items).toEqual([]);
      expect(later.plan.lifecycle?.warnings).toEqual([
        expect.objectContaining({
          mailed: false,
          proposed: false,
          warnedAt: DAY0.toISOString(),
          warnedBy: day0.executionId,
        }),
      ]);
    }
  });

  it('mails again when the credential is used and goes idle again (a new idle period)', async () => {
    // Prepare: warned on day 0, then the owner signs in on day 2.
    const h = harness(seedWith({ 'credsweep:owner': OWNER }), DAY0);
    await analyze(h);
    h.advance(2 * DAY);
    h.sandbox.recordUse('olga', 'console-password', new Date(DAY0.getTime() + 2 * DAY));

    // Act: on day 10 (used 8 days ago: nothing to say), then on day 27 (25 days idle: stale within 7).
    h.advance(8 * DAY);
    const day10 = await analyze(h);
    h.advance(17 * DAY);
    const day27 = await analyze(h);

    // Assess
    expect(day10.plan.lifecycle?.warnings).toEqual([]);
    expect(ownerMails(h)).toHaveLength(2);
    expect(day27.plan.lifecycle?.warnings).toEqual([
      expect.objectContaining({
        mailed: true,
        stale: false,
        warnedBy: day27.executionId,
        // Stale on day 32; warned on day 27, so not before day 34.
        disableFrom: new Date(DAY0.getTime() + 34 * DAY).toISOString(),
      }),
    ]);
  });

  it('proposes a stale owned credential only once its owner was warned warnDays ago, to the millisecond', async () => {
    // Prepare
    const h = harness(seedWith({ 'credsweep:owner': OWNER }), DAY0);
    await analyze(h);

    // Act: one millisecond before 7 days after the warning, then at exactly 7 days.
    h.advance(7 * DAY - 1);
    const early = await analyze(h);
    h.advance(1);
    const due = await analyze(h);

    // Assess
    expect(early.plan.items).toEqual([]);
    expect(early.result).toMatchObject({ total: 0, warned: 1 });
    expect(early.plan.lifecycle?.warnings[0]).toMatchObject({
      proposed: false,
      disableFrom: new Date(DAY0.getTime() + 7 * DAY).toISOString(),
    });
    expect(due.plan.items.map((i) => i.id)).toEqual(['olga/console-password']);
    expect(due.plan.lifecycle?.warnings[0]).toMatchObject({ proposed: true, mailed: false });
    expect(ownerMails(h)).toHaveLength(1);
  });

  it('handles a user whose owner tag is not an address as one without owner, and lists the tag', async () => {
    const h = harness(seedWith({ 'credsweep:owner': 'Olga <olga@example.com>' }), DAY0);
    const { plan } = await analyze(h);
    expect(plan.items.map((i) => i.id)).toEqual(['olga/console-password']);
    expect(plan.lifecycle?.ownerTagInvalid).toEqual([
      { userName: 'olga', value: 'Olga <olga@example.com>', why: 'not-an-address' },
    ]);
    expect(listJson<MailMessage>(join(h.home, 'outbox'))).toEqual([]);
  });
});

describe('exemptions that end (credsweep:exempt=YYYY-MM-DD)', () => {
  it.each([
    ['true', '2026-11-30T12:00:00.000Z', { kind: 'exempt', until: null }],
    [' TRUE ', '2026-11-30T12:00:00.000Z', { kind: 'exempt', until: null }],
    ['2026-11-30', '2026-11-30T23:59:59.999Z', { kind: 'exempt', until: '2026-11-30' }],
    ['2026-11-30', '2026-12-01T00:00:00.000Z', { kind: 'expired', until: '2026-11-30' }],
    ['2028-02-29', '2028-02-29T23:00:00.000Z', { kind: 'exempt', until: '2028-02-29' }],
  ])('reads %j at %s as %j', (value, now, expected) => {
    expect(exemptionOf(value, new Date(now))).toEqual(expected);
  });

  it.each([
    'false',
    'yes',
    '',
    'until March',
    '2026-02-29',
    '2026-13-01',
    '2026-1-05',
    '30/11/2026',
    '2026-11-30T12:00:00Z',
  ])('reads %j as invalid: never acted on', (value) => {
    expect(exemptionOf(value, new Date('2026-11-01T00:00:00.000Z'))).toEqual({ kind: 'invalid', value });
  });

  it('skips a user through the last millisecond of the day (UTC) with the day in the plan, and proposes it from midnight', async () => {
    // Prepare: exempt through 2026-11-02, in an account whose runs happen at 23:59:59.999 and 00:00 UTC.
    const seed = seedWith({ 'credsweep:exempt': '2026-11-02' });
    const lastMoment = harness(seed, new Date('2026-11-02T23:59:59.999Z'));
    const midnight = harness(seed, new Date('2026-11-03T00:00:00.000Z'));

    // Act
    const inside = await analyze(lastMoment);
    const after = await analyze(midnight);

    // Assess
    expect(inside.plan.items).toEqual([]);
    expect(inside.plan.analysis.skipped).toContainEqual({
      userName: 'olga',
      reason: 'exempt-tag',
      until: '2026-11-02',
    });
    expect(inside.plan.lifecycle?.exemptions).toEqual([
      { userName: 'olga', until: '2026-11-02', expired: false },
    ]);
    expect(after.plan.items.map((i) => i.id)).toEqual(['olga/console-password']);
    expect(after.plan.lifecycle?.exemptions).toEqual([
      { userName: 'olga', until: '2026-11-02', expired: true },
    ]);
  });

  it('skips users whose exemption tag credsweep cannot read, naming the value, and proposes none of them', async () => {
    // Prepare
    const values = ['false', 'until March', '2026-02-30', '31-12-2026'];
    const seed: Seed = {
      accountId: '210987654321',
      users: values.flatMap((value, i) => seedWith({ 'credsweep:exempt': value }, 60, `user${i}`).users),
    };
    const h = harness(seed, DAY0);

    // Act
    const { plan, result } = await analyze(h);

    // Assess
    expect(plan.items).toEqual([]);
    expect(result.total).toBe(0);
    expect(plan.analysis.skipped.filter((s) => s.reason !== 'root')).toEqual(
      values.map((value, i) => ({ userName: `user${i}`, reason: 'exempt-tag-invalid', value })),
    );
  });

  it('does not change a user tagged with an unreadable exemption after approval (re-check before the change)', async () => {
    // Prepare: proposed and approved, then someone tags the user with a value credsweep cannot read.
    const h = harness(seedWith({}), DAY0);
    const { executionId, plan, result } = await analyze(h);
    const approvalId = await storeDecision(
      h.ports,
      executionId,
      'approved',
      plan.items.map((i) => i.id),
    );
    h.sandbox.tagUser('olga', 'credsweep:exempt', 'next year');

    // Act
    const outcome = await disableConsoleAccess(h.ports, {
      executionId,
      approvalId,
      thresholdDays: 30,
      batch: result.batches[0] as (typeof result.batches)[number],
    });

    // Assess
    expect(outcome).toEqual({ changed: 0, skipped: 1 });
    expect(h.sandbox.toSeed().users[0]?.loginProfile).not.toBeNull();
    const [entry] = await h.ports.store.listLedger(executionId);
    expect(entry).toMatchObject({ status: 'skipped', skipReason: 'exempt-tag' });
  });
});

describe('the delete stage rule', () => {
  const key = { accessKeyId: 'AKIAOLD', status: 'Inactive' as const, createdAt: daysBefore(400) };
  const deactivation = (overrides: Partial<LedgerEntry> = {}): LedgerEntry => ({
    executionId: `${EXEC}-earlier`,
    itemId: 'olga/AKIAOLD',
    userName: 'olga',
    credential: 'access-key-1',
    accessKeyId: 'AKIAOLD',
    action: 'deactivate-access-key',
    status: 'changed',
    before: 'Active',
    after: 'Inactive',
    recordedAt: daysBefore(31),
    changedAt: daysBefore(31),
    ...overrides,
  });

  it('deletes a key credsweep deactivated deleteAfterDays ago and that stayed unused', () => {
    expect(deletionVerdict(key, [deactivation()], daysBefore(90), DAY0, 30)).toMatchObject({
      deletable: true,
      deletion: {
        deactivatedBy: `${EXEC}-earlier`,
        deactivatedAt: daysBefore(31),
        keyLastUsed: daysBefore(90),
      },
    });
  });

  it.each([
    ['deactivated by hand (no ledger entry)', [], daysBefore(90), 30, /did not deactivate it/],
    [
      'its deactivation backed out',
      [
        deactivation(),
        deactivation({ status: 'restored', recordedAt: daysBefore(20), changedAt: daysBefore(20) }),
      ],
      daysBefore(90),
      30,
      /backed out/,
    ],
    [
      'used after credsweep deactivated it',
      [deactivation()],
      daysBefore(10),
      30,
      /used since credsweep deactivated it/,
    ],
    [
      'deactivated 31 days ago, deleteAfterDays 32',
      [deactivation()],
      daysBefore(90),
      32,
      /31 days ago, fewer than 32/,
    ],
  ])('never deletes a key %s', (_label, history, lastUsed, days, why) => {
    const verdict = deletionVerdict(key, history as LedgerEntry[], lastUsed as string, DAY0, days as number);
    expect(verdict.deletable).toBe(false);
    expect(verdict.deletable ? '' : verdict.why).toMatch(why as RegExp);
  });

  it("orders a key's changes by the change order the runs recorded, not by their clocks", () => {
    // Run A deactivated the key (order 0 → 1) and its backout restored it (order 2); run B then
    // deactivated it again (order 2 → 3), on a machine whose clock ran 10 days behind.
    const history = [
      deactivation({ lastChangeSeq: 0 }),
      deactivation({
        status: 'restored',
        lastChangeSeq: 1,
        recordedAt: daysBefore(32),
        changedAt: daysBefore(32),
      }),
      deactivation({
        executionId: `${EXEC}-later`,
        lastChangeSeq: 2,
        recordedAt: daysBefore(41),
        changedAt: daysBefore(41),
      }),
    ];
    expect(standingDeactivation(history)?.executionId).toBe(`${EXEC}-later`);
    // By time alone the restore looks last, and the key would never be proposed.
    expect(deletionVerdict(key, history, daysBefore(90), DAY0, 30)).toMatchObject({ deletable: true });
  });

  it('never deletes a key that is Active again', () => {
    expect(deletionVerdict({ ...key, status: 'Active' }, [deactivation()], daysBefore(90), DAY0, 30)).toEqual(
      {
        deletable: false,
        why: 'the key is Active',
      },
    );
  });
});

describe('tags as IAM reads them (issue 23)', () => {
  it('matches tag keys in any case', () => {
    expect(tagValue({ 'Credsweep:Exempt': 'true' }, 'credsweep:exempt')).toBe('true');
    expect(tagValue({ 'CREDSWEEP:BREAK-GLASS': 'yes' }, 'credsweep:break-glass')).toBe('yes');
    expect(tagValue({ team: 'x' }, 'credsweep:exempt')).toBeUndefined();
  });

  it('keeps a break-glass user for any value but empty or false, and lists values other than true', () => {
    for (const v of ['true', 'TRUE', 'yes', '1', 'on', ' y ']) expect(isBreakGlass(v), v).toBe(true);
    for (const v of [undefined, '', '  ', 'false', 'False']) expect(isBreakGlass(v), String(v)).toBe(false);
    expect(breakGlassUnclear('yes')).toBe(true);
    expect(breakGlassUnclear(' True ')).toBe(false);
    expect(breakGlassUnclear('false')).toBe(false);
  });

  it('mails an owner only inside ownerDomains (subdomains included)', () => {
    const domains = ['example.com'];
    expect(ownerOf('lead@example.com', domains)).toEqual({ kind: 'owner', email: 'lead@example.com' });
    expect(ownerOf('ops@eu.Example.com', domains)).toMatchObject({ kind: 'owner' });
    expect(ownerOf('mallory@attacker.example', domains)).toMatchObject({
      kind: 'invalid',
      why: 'outside-domains',
    });
    expect(ownerOf('mallory@notexample.com', domains)).toMatchObject({
      kind: 'invalid',
      why: 'outside-domains',
    });
    expect(ownerOf('Olga <olga@example.com>', domains)).toMatchObject({
      kind: 'invalid',
      why: 'not-an-address',
    });
    expect(domainsOf(['a@Example.com', 'b@example.com', 'c@corp.example.org'])).toEqual([
      'example.com',
      'corp.example.org',
    ]);
  });
});
