/**
 * The period rules of `credsweep audit` on plain values: gaps in the cadence and the runs named among
 * them, exceptions in force over the period, what was open at the end, the trend, the cadence of a
 * schedule, and what one run's evidence says stood at its end (handlers/core/evidence/standing.ts).
 */
import { describe, expect, it } from 'vitest';
import { exceptionsInPeriod, openAtEnd } from '../../cli/audit/at-end.js';
import { cadenceDays } from '../../cli/audit/cadence.js';
import { type AccountFacts, daysToChange, kindOf, type RunFacts } from '../../cli/audit/facts.js';
import { gapsOf, type Period } from '../../cli/audit/gaps.js';
import { changeTimesOf, trendOf } from '../../cli/audit/trend.js';
import type { CredentialRecord, Evidence } from '../../handlers/core/evidence/schema.js';
import {
  type ExceptionEntry,
  exceptionsOf,
  type OpenEntry,
  openOf,
} from '../../handlers/core/evidence/standing.js';

const PERIOD: Period = { from: '2026-10-01', to: '2026-11-30', every: 7 };
const COUNTS = { findings: 1, proposed: 1, approved: 1, changed: 1, restored: 0, deleted: 0 };

function account(overrides: Partial<AccountFacts> = {}): AccountFacts {
  return {
    accountId: '111122223333',
    name: null,
    ou: null,
    outcome: 'remediated',
    asOf: '2026-10-05T09:00:00.000Z',
    counts: COUNTS,
    daysToChange: [],
    exceptions: [],
    open: [],
    ...overrides,
  };
}

function run(day: string, overrides: Partial<RunFacts> = {}): RunFacts {
  const startedAt = `${day}T09:00:00.000Z`;
  return {
    name: `run-${day}`,
    executionArn: `arn:aws:states:eu-west-1:111122223333:execution:credsweep:run-${day}`,
    workflow: 'account',
    status: 'SUCCEEDED',
    startedAt,
    stoppedAt: `${day}T09:05:00.000Z`,
    kind: 'scheduled',
    startedBy: null,
    mode: 'remediate',
    outcome: 'remediated',
    decision: 'approved',
    approvers: ['alice@example.com'],
    decidedAt: `${day}T09:03:00.000Z`,
    reason: null,
    counts: COUNTS,
    evidence: null,
    evidenceProblem: null,
    error: null,
    accounts: [account({ asOf: startedAt })],
    ...overrides,
  };
}

const rejected = (day: string) =>
  run(day, {
    status: 'FAILED',
    outcome: 'rejected',
    decision: 'rejected',
    reason: 'SEC-1: not this week',
    counts: { ...COUNTS, approved: 0, changed: 0 },
  });

describe('gaps', () => {
  it('reports the weeks without a decided run between runs and after the last one, and names the rejection', () => {
    const runs = [
      run('2026-10-05'),
      rejected('2026-10-12'),
      run('2026-10-19'),
      run('2026-11-09'),
      run('2026-11-16'),
    ];
    expect(gapsOf(PERIOD, runs)).toEqual([
      {
        from: '2026-10-19',
        to: '2026-11-09',
        days: 21,
        run: null,
        why: 'no run reached a decision for 21 days (expected every 7 days): after run-2026-10-19 on 2026-10-19 until run-2026-11-09 on 2026-11-09',
      },
      {
        from: '2026-11-16',
        to: '2026-11-30',
        days: 14,
        run: null,
        why: 'no run reached a decision for 14 days (expected every 7 days): after run-2026-11-16 on 2026-11-16 until the end of the period',
      },
      {
        from: '2026-10-12',
        to: '2026-10-12',
        days: null,
        run: 'run-2026-10-12',
        why: 'run-2026-10-12 was rejected by alice@example.com on 2026-10-12: "SEC-1: not this week"',
      },
    ]);
  });

  it('counts exactly the cadence as no gap, and one day more as one', () => {
    const weekly = { ...PERIOD, from: '2026-10-05', to: '2026-10-19' };
    expect(gapsOf(weekly, [run('2026-10-05'), run('2026-10-12'), run('2026-10-19')])).toEqual([]);
    expect(
      gapsOf(weekly, [run('2026-10-05'), run('2026-10-13'), run('2026-10-19')]).map((g) => g.days),
    ).toEqual([8]);
  });

  it('does not count a failed or timed-out run as a decision, and lists it between', () => {
    const failed = run('2026-10-12', {
      status: 'FAILED',
      outcome: 'failed',
      decision: null,
      approvers: [],
      error: 'BlastRadiusExceeded: 80 credentials, limit 50',
    });
    const timedOut = run('2026-10-19', {
      status: 'FAILED',
      outcome: 'timed-out',
      decision: null,
      approvers: [],
    });
    const gaps = gapsOf({ ...PERIOD, to: '2026-10-26' }, [
      run('2026-10-05'),
      failed,
      timedOut,
      run('2026-10-26'),
    ]);
    expect(gaps.map((g) => [g.from, g.to, g.run])).toEqual([
      ['2026-10-05', '2026-10-26', null],
      ['2026-10-12', '2026-10-12', 'run-2026-10-12'],
      ['2026-10-19', '2026-10-19', 'run-2026-10-19'],
    ]);
    expect(gaps[0]?.why).toContain(
      'in between, without a decision: run-2026-10-12 (failed), run-2026-10-19 (timed-out)',
    );
    expect(gaps[1]?.why).toBe(
      'run-2026-10-12 stopped before approval: BlastRadiusExceeded: 80 credentials, limit 50',
    );
    expect(gaps[2]?.why).toBe(
      'run-2026-10-19: nobody decided within the approval window, nothing was changed',
    );
  });

  it('counts nothing to do as a decision, and a whole period without a run as one gap', () => {
    const quiet = run('2026-10-05', { outcome: 'nothing-to-do', decision: null, approvers: [] });
    expect(gapsOf({ ...PERIOD, to: '2026-10-12' }, [quiet])).toEqual([]);
    expect(gapsOf(PERIOD, [])).toEqual([
      expect.objectContaining({
        from: '2026-10-01',
        to: '2026-11-30',
        days: 60,
        why: 'no run reached a decision in the period (60 days; expected every 7 days)',
      }),
    ]);
  });

  it('names a run whose evidence cannot be read, and the accounts an organization run could not reach', () => {
    const unreadable = run('2026-10-05', { evidenceProblem: 'no evidence.json in s3://b/runs/x/' });
    const org = run('2026-10-12', {
      workflow: 'organization',
      accounts: [
        account({ accountId: '222222222222' }),
        account({ accountId: '333333333333', outcome: 'unreachable', asOf: null }),
      ],
    });
    expect(gapsOf({ ...PERIOD, to: '2026-10-12' }, [unreadable, org]).map((g) => g.why)).toEqual([
      'run-2026-10-05 (remediated): no evidence.json in s3://b/runs/x/',
      'run-2026-10-12 (organization run): 1 account unreachable (333333333333) of 2',
    ]);
  });
});

const exception = (overrides: Partial<ExceptionEntry>): ExceptionEntry => ({
  kind: 'exempt-tag',
  userName: 'fay',
  credential: null,
  accessKeyId: null,
  until: null,
  lastUsed: null,
  owner: null,
  expired: false,
  value: null,
  ...overrides,
});

describe('exceptions in force', () => {
  it('merges each exception over the runs that found it, with its latest last use, and says whether it held at the end', () => {
    const glass = (lastUsed: string) =>
      exception({ kind: 'break-glass', userName: 'bg', credential: 'console-password', lastUsed });
    const first = run('2026-10-05', {
      accounts: [
        account({
          exceptions: [
            glass('2026-06-01T00:00:00Z'),
            exception({ until: '2026-12-31' }),
            exception({ userName: 'pete', until: '2026-10-30' }),
          ],
        }),
      ],
    });
    const last = run('2026-11-16', {
      accounts: [
        account({
          asOf: '2026-11-16T09:00:00Z',
          exceptions: [
            glass('2026-11-02T00:00:00Z'),
            exception({ until: '2026-11-20' }),
            exception({ userName: 'pete', until: '2026-10-30', expired: true }),
          ],
        }),
      ],
    });
    const rows = exceptionsInPeriod(PERIOD, [first, last]);
    expect(
      rows.map((x) => [x.kind, x.userName, x.until, x.lastUsed, x.firstSeen, x.lastSeen, x.inForceAtEnd]),
    ).toEqual([
      ['break-glass', 'bg', null, '2026-11-02T00:00:00Z', '2026-10-05', '2026-11-16', true],
      // Through 11-20: it ended before the period did.
      ['exempt-tag', 'fay', '2026-11-20', null, '2026-10-05', '2026-11-16', false],
      ['exempt-tag', 'pete', '2026-10-30', null, '2026-10-05', '2026-11-16', false],
    ]);
  });
});

const open = (overrides: Partial<OpenEntry>): OpenEntry => ({
  userName: 'nora',
  credential: 'access-key-1',
  accessKeyId: 'AKIA1',
  lastUsed: null,
  daysUnused: 40,
  why: 'not-approved',
  until: null,
  ...overrides,
});

describe('open at the end', () => {
  it("takes each account's last run that read its report, then what later backouts restored and an account later unreachable", () => {
    const early = run('2026-10-05', { accounts: [account({ open: [open({ userName: 'old' })] })] });
    const last = run('2026-11-09', { accounts: [account({ open: [open({})] })] });
    const backout = run('2026-11-10', {
      mode: 'backout',
      kind: 'backout',
      accounts: [
        account({ asOf: null, open: [open({ userName: 'rita', why: 'restored', until: '2026-11-10' })] }),
      ],
    });
    const unreachable = run('2026-11-16', {
      accounts: [
        account({
          asOf: null,
          outcome: 'unreachable',
          open: [open({ userName: null, credential: null, accessKeyId: null, why: 'account-unreachable' })],
        }),
      ],
    });
    expect(openAtEnd([early, last, backout, unreachable]).map((o) => [o.userName, o.why, o.run])).toEqual([
      ['nora', 'not-approved', 'run-2026-11-09'],
      ['rita', 'restored', 'run-2026-11-10'],
      [null, 'account-unreachable', 'run-2026-11-16'],
    ]);
  });

  it('says an account no run could read was not analysed', () => {
    const failed = run('2026-10-05', { accounts: [account({ asOf: null, outcome: 'failed', open: [] })] });
    expect(openAtEnd([failed]).map((o) => [o.accountId, o.why])).toEqual([['111122223333', 'not-analyzed']]);
  });
});

describe('trend', () => {
  it('sums per OU in an organization and per account otherwise; times to change per run', () => {
    const org = run('2026-10-05', {
      workflow: 'organization',
      accounts: [
        account({ accountId: '222222222222', ou: 'ou-ab12-prod0001', daysToChange: [2, 4, 30] }),
        account({ accountId: '333333333333', ou: 'ou-ab12-prod0001', counts: { ...COUNTS, findings: 3 } }),
      ],
    });
    const [group] = trendOf([org], 'ou');
    expect(group).toMatchObject({ label: 'OU ou-ab12-prod0001', accounts: 2 });
    expect(group?.points).toEqual([
      {
        run: 'run-2026-10-05',
        at: '2026-10-05T09:00:00.000Z',
        found: 4,
        approved: 2,
        disabled: 2,
        restored: 0,
      },
    ]);
    expect(trendOf([org], 'account').map((g) => g.label)).toEqual([
      'account 222222222222',
      'account 333333333333',
    ]);
    expect(changeTimesOf([org])).toEqual([
      { run: 'run-2026-10-05', at: '2026-10-05T09:00:00.000Z', count: 3, medianDays: 4, maxDays: 30 },
    ]);
  });

  it('measures a change from the day the credential went stale: its last use (or creation) plus the threshold', () => {
    const record = {
      finding: {
        lastUsed: '2026-09-10T00:00:00Z',
        createdAt: '2025-01-01T00:00:00Z',
        daysUnused: 32,
        reason: 'unused',
      },
      changedAt: '2026-10-19T00:00:00Z',
      action: 'delete-login-profile',
    } as CredentialRecord;
    expect(daysToChange(record, 30)).toBe(9);
    expect(daysToChange({ ...record, action: 'delete-access-key' }, 30)).toBeNull();
  });

  it('tells how a run was started', () => {
    expect(kindOf('remediate', null, 'a1b2c3')).toBe('scheduled');
    expect(kindOf('remediate', 'arn:aws:sts::1:assumed-role/Admin/alice', 'run-x')).toBe('ad-hoc');
    expect(kindOf('remediate', 'Security Hub custom action "x" on 2 finding(s)', 'securityhub-x')).toBe(
      'security-hub',
    );
    expect(kindOf('backout', 'alice', 'backout-x')).toBe('backout');
  });
});

describe('cadence of a schedule', () => {
  it.each([
    ['rate(7 days)', 7],
    ['rate(1 day)', 1],
    ['rate(12 hours)', 1],
    ['cron(0 6 ? * MON *)', 7],
    ['cron(0 6 ? * MON,THU *)', 4],
    ['cron(0 6 ? * MON-FRI *)', 3],
    ['cron(0 6 * * ? *)', 1],
    ['cron(0 6 1 * ? *)', 31],
    ['cron(0 6 ? 1 MON *)', null],
    ['at(2026-10-01T00:00:00)', null],
    [null, null],
  ])('%s: %s days', (schedule, days) => {
    expect(cadenceDays(schedule)).toBe(days);
  });
});

describe("what a run's evidence says stood at its end", () => {
  const record = (overrides: Partial<CredentialRecord>): CredentialRecord =>
    ({
      itemId: 'i',
      userName: 'u',
      credential: 'access-key-1',
      accessKeyId: 'AKIA1',
      finding: { lastUsed: null, createdAt: null, daysUnused: 40, reason: 'never-used' },
      approved: null,
      action: null,
      result: 'not-approved',
      skipReason: null,
      restored: null,
      deletion: null,
      ...overrides,
    }) as CredentialRecord;
  const evidence = (overrides: Partial<Evidence>): Evidence =>
    ({
      outcome: 'remediated',
      execution: { mode: 'remediate', accountId: '111122223333' },
      report: { asOf: '2026-11-16T09:00:00.000Z', thresholdDays: 30, generatedAt: null, dryRun: false },
      skipped: [],
      lifecycle: null,
      changes: [],
      unchanged: [],
      ...overrides,
    }) as Evidence;

  it('lists what stayed enabled and why, and leaves out what was disabled, used since or already inactive', () => {
    const ev = evidence({
      changes: [
        record({ userName: 'done', result: 'disabled' }),
        record({
          userName: 'back',
          result: 'restored',
          restored: { at: '2026-11-17T00:00:00Z', by: 'x', state: 'Active', secretRef: null },
        }),
      ],
      unchanged: [
        record({ userName: 'no', result: 'not-approved' }),
        record({ userName: 'used', result: 'skipped', skipReason: 'used-since-report' }),
        record({ userName: 'old', result: 'not-approved', action: 'delete-access-key' }),
      ],
      skipped: [
        { userName: 'fay', reason: 'exempt-tag', until: '2026-12-31' },
        { userName: 'eve', reason: 'exempt' },
      ],
      lifecycle: {
        warnDays: 7,
        deleteAfterDays: null,
        consoleAction: 'disable',
        ownerTagKey: 'credsweep:owner',
        warnings: [
          {
            userName: 'olga',
            credential: 'console-password',
            accessKeyId: null,
            owner: 'o@example.com',
            lastUsed: '2026-10-01T00:00:00Z',
            daysUnused: 46,
            stale: true,
            warnedAt: '2026-11-16T09:00:00Z',
            warnedBy: 'run',
            disableFrom: '2026-11-23T09:00:00Z',
            mailed: true,
            proposed: false,
          },
        ],
        breakGlass: [
          {
            userName: 'bg',
            credentials: [
              { credential: 'console-password', enabled: true, lastUsed: '2026-06-01T00:00:00Z' },
              { credential: 'access-key-1', enabled: true, lastUsed: '2026-11-10T00:00:00Z' },
            ],
          },
        ],
        ownerTagInvalid: [],
        exemptions: [{ userName: 'fay', until: '2026-12-31', expired: false }],
      },
    });
    expect(openOf(ev).map((o) => [o.userName, o.credential, o.why, o.until])).toEqual([
      ['back', 'access-key-1', 'restored', '2026-11-17'],
      ['no', 'access-key-1', 'not-approved', null],
      ['olga', 'console-password', 'held-for-owner', '2026-11-23'],
      ['bg', 'console-password', 'break-glass', null],
      ['fay', null, 'exempt', '2026-12-31'],
    ]);
    expect(exceptionsOf(ev).map((x) => [x.kind, x.userName, x.credential, x.until])).toEqual([
      ['exempt-tag', 'fay', null, '2026-12-31'],
      ['exempt-list', 'eve', null, null],
      ['break-glass', 'bg', 'console-password', null],
      ['break-glass', 'bg', 'access-key-1', null],
      ['owner-grace', 'olga', 'console-password', '2026-11-23'],
    ]);
  });

  it('says an unreachable account is open as a whole', () => {
    expect(
      openOf(evidence({ outcome: 'unreachable', report: null })).map((o) => [o.userName, o.why]),
    ).toEqual([[null, 'account-unreachable']]);
  });
});
