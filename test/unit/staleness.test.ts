import { describe, expect, it } from 'vitest';
import {
  analyzeReport,
  assessCredential,
  daysBetween,
  isStale,
  rowCredentials,
  usersNotInReport,
} from '../../handlers/core/report/staleness.js';
import type { CredentialReport, ReportAccessKey, ReportRow } from '../../handlers/core/shared/types.js';

const NOW = new Date('2026-11-26T00:00:00Z');
const DAYS = 30;

const NO_KEY: ReportAccessKey = { active: false, lastRotated: 'N/A', lastUsedDate: 'N/A' };

/** A user created long ago with no password and no keys; each test adds what it checks. */
function user(name: string, fields: Partial<ReportRow> = {}): ReportRow {
  return {
    line: 2,
    user: name,
    arn: `arn:aws:iam::123456789012:user/${name}`,
    isRoot: false,
    userCreationTime: new Date('2024-01-01T00:00:00Z'),
    passwordEnabled: false,
    passwordLastUsed: 'N/A',
    passwordLastChanged: 'N/A',
    accessKeys: [NO_KEY, NO_KEY],
    ...fields,
  };
}

function reportOf(...rows: ReportRow[]): CredentialReport {
  return { generatedAt: null, rows };
}

function analyze(rows: ReportRow[], opts: { exemptUsers?: string[]; users?: string[] } = {}) {
  return analyzeReport(reportOf(...rows), { now: NOW, days: DAYS, ...opts });
}

describe('daysBetween and isStale', () => {
  it('counts whole days, rounding down', () => {
    // Act
    const days = daysBetween(new Date('2026-10-26T00:00:01Z'), NOW);

    // Assess
    expect(days).toBe(30);
  });

  it('is stale at exactly N days', () => {
    // Act
    const stale = isStale(new Date('2026-10-27T00:00:00Z'), NOW, 30);

    // Assess
    expect(stale).toBe(true);
  });

  it('is not stale one second short of N days', () => {
    // Act
    const stale = isStale(new Date('2026-10-27T00:00:01Z'), NOW, 30);

    // Assess
    expect(stale).toBe(false);
  });

  it('is not stale when the last use is after now (clock skew)', () => {
    // Act
    const stale = isStale(new Date('2026-11-27T00:00:00Z'), NOW, 1);

    // Assess
    expect(stale).toBe(false);
  });
});

describe('assessCredential', () => {
  it('ages a used credential from its last use', () => {
    // Act
    const assessment = assessCredential(
      { lastUsed: new Date('2026-09-01T12:00:00Z'), createdAt: new Date('2020-01-01T00:00:00Z') },
      NOW,
      DAYS,
    );

    // Assess
    expect(assessment).toEqual({
      stale: true,
      lastUsed: '2026-09-01T12:00:00.000Z',
      createdAt: '2020-01-01T00:00:00.000Z',
      resetRecently: false,
      daysUnused: 85,
      reason: 'unused',
      since: '2026-09-01T12:00:00.000Z',
    });
  });

  it('ages a password reset after its last use from the reset (e.g. one restored by backout)', () => {
    // Act
    const assessment = assessCredential(
      { lastUsed: new Date('2026-06-01T00:00:00Z'), createdAt: new Date('2026-11-20T00:00:00Z') },
      NOW,
      DAYS,
    );

    // Assess
    expect(assessment).toEqual({
      stale: false,
      lastUsed: '2026-06-01T00:00:00.000Z',
      createdAt: '2026-11-20T00:00:00.000Z',
      // Unused since June by its last use alone: listed as reset-recently, never proposed.
      resetRecently: true,
      daysUnused: 6,
      reason: 'unused',
      since: '2026-11-20T00:00:00.000Z',
    });
  });

  it('ages a never-used credential from its creation', () => {
    // Act
    const assessment = assessCredential(
      { lastUsed: null, createdAt: new Date('2026-11-01T00:00:00Z') },
      NOW,
      DAYS,
    );

    // Assess
    expect(assessment).toEqual({
      stale: false,
      lastUsed: null,
      createdAt: '2026-11-01T00:00:00.000Z',
      resetRecently: false,
      daysUnused: 25,
      reason: 'never-used',
      since: '2026-11-01T00:00:00.000Z',
    });
  });

  it('cannot age a never-used credential of unknown creation', () => {
    // Act
    const assessment = assessCredential({ lastUsed: null, createdAt: null }, NOW, DAYS);

    // Assess
    expect(assessment).toBeNull();
  });
});

describe('analyzeReport: console passwords', () => {
  it('reports a password last used exactly N days ago', () => {
    // Prepare
    const rows = [
      user('grace', { passwordEnabled: true, passwordLastUsed: new Date('2026-10-27T00:00:00Z') }),
    ];

    // Act
    const analysis = analyze(rows);

    // Assess
    expect(analysis).toEqual({
      asOf: '2026-11-26T00:00:00.000Z',
      thresholdDays: 30,
      findings: [
        {
          userName: 'grace',
          credential: 'console-password',
          lastUsed: '2026-10-27T00:00:00.000Z',
          createdAt: '2024-01-01T00:00:00.000Z',
          daysUnused: 30,
          reason: 'unused',
        },
      ],
      skipped: [],
    });
  });

  it('does not report a password last used one second less than N days ago', () => {
    // Prepare
    const rows = [
      user('heidi', { passwordEnabled: true, passwordLastUsed: new Date('2026-10-27T00:00:01Z') }),
    ];

    // Act
    const analysis = analyze(rows);

    // Assess
    expect(analysis.findings).toEqual([]);
  });

  it('ages a never-used password from password_last_changed', () => {
    // Prepare
    const rows = [
      user('carol', {
        userCreationTime: new Date('2020-01-01T00:00:00Z'),
        passwordEnabled: true,
        passwordLastUsed: 'N/A',
        passwordLastChanged: new Date('2026-09-01T00:00:00Z'),
      }),
    ];

    // Act
    const analysis = analyze(rows);

    // Assess
    expect(analysis.findings).toEqual([
      {
        userName: 'carol',
        credential: 'console-password',
        lastUsed: null,
        createdAt: '2026-09-01T00:00:00.000Z',
        daysUnused: 86,
        reason: 'never-used',
      },
    ]);
  });

  it('lists a password set again after a last use N+ days ago as reset-recently, with both dates', () => {
    // Prepare: last signed in in June, password reset (or restored by a backout) six days ago.
    const rows = [
      user('dana', {
        passwordEnabled: true,
        passwordLastUsed: new Date('2026-06-01T09:00:00Z'),
        passwordLastChanged: new Date('2026-11-20T00:00:00Z'),
      }),
    ];

    // Act
    const analysis = analyze(rows);

    // Assess: not proposed, but visible (Security Hub IAM.8 would call it failing).
    expect(analysis.findings).toEqual([]);
    expect(analysis.skipped).toEqual([
      {
        userName: 'dana',
        reason: 'reset-recently',
        credential: 'console-password',
        lastUsed: '2026-06-01T09:00:00.000Z',
        createdAt: '2026-11-20T00:00:00.000Z',
        daysUnused: 6,
      },
    ]);
  });

  it('proposes a password set again after its last use once the new one is N days unused too', () => {
    // Prepare
    const rows = [
      user('dana', {
        passwordEnabled: true,
        passwordLastUsed: new Date('2026-06-01T09:00:00Z'),
        passwordLastChanged: new Date('2026-10-27T00:00:00Z'),
      }),
    ];

    // Act
    const analysis = analyze(rows);

    // Assess
    expect(analysis.skipped).toEqual([]);
    expect(analysis.findings).toEqual([
      {
        userName: 'dana',
        credential: 'console-password',
        lastUsed: '2026-06-01T09:00:00.000Z',
        createdAt: '2026-10-27T00:00:00.000Z',
        daysUnused: 30,
        reason: 'unused',
      },
    ]);
  });

  it('does not call a password reset-recently when its last use is within N days anyway', () => {
    // Prepare
    const rows = [
      user('eve', {
        passwordEnabled: true,
        passwordLastUsed: new Date('2026-11-01T00:00:00Z'),
        passwordLastChanged: new Date('2026-11-20T00:00:00Z'),
      }),
    ];

    // Act
    const analysis = analyze(rows);

    // Assess
    expect(analysis).toMatchObject({ findings: [], skipped: [] });
  });

  it('lists reset-recently next to the stale key of the same user, and not for users outside a selection', () => {
    // Prepare
    const staleKey = {
      active: true,
      lastRotated: new Date('2025-01-01T00:00:00Z'),
      lastUsedDate: new Date('2026-07-01T00:00:00Z'),
    };
    const reset = {
      passwordEnabled: true,
      passwordLastUsed: new Date('2026-06-01T00:00:00Z'),
      passwordLastChanged: new Date('2026-11-20T00:00:00Z'),
    } as const;
    const rows = [
      user('dana', { ...reset, accessKeys: [staleKey, NO_KEY] }),
      user('olga', { ...reset, accessKeys: [staleKey, NO_KEY] }),
    ];

    // Act
    const analysis = analyze(rows, { users: ['dana'] });

    // Assess
    expect(analysis.findings.map((f) => `${f.userName} ${f.credential}`)).toEqual(['dana access-key-1']);
    expect(analysis.skipped.map((s) => `${s.userName} ${s.reason}`)).toEqual([
      'dana reset-recently',
      'olga not-selected',
    ]);
  });

  it('does not report a never-used password changed recently on an old user', () => {
    // Prepare
    const rows = [
      user('carol', {
        userCreationTime: new Date('2020-01-01T00:00:00Z'),
        passwordEnabled: true,
        passwordLastUsed: 'N/A',
        passwordLastChanged: new Date('2026-11-20T00:00:00Z'),
      }),
    ];

    // Act
    const analysis = analyze(rows);

    // Assess
    expect(analysis.findings).toEqual([]);
  });

  it('ages a never-used password from user_creation_time when password_last_changed is not a date', () => {
    // Prepare
    const rows = [
      user('ivan', {
        userCreationTime: new Date('2026-10-01T00:00:00Z'),
        passwordEnabled: true,
        passwordLastUsed: 'N/A',
        passwordLastChanged: 'N/A',
      }),
    ];

    // Act
    const analysis = analyze(rows);

    // Assess
    expect(analysis.findings).toEqual([
      {
        userName: 'ivan',
        credential: 'console-password',
        lastUsed: null,
        createdAt: '2026-10-01T00:00:00.000Z',
        daysUnused: 56,
        reason: 'never-used',
      },
    ]);
  });

  it('treats no_information (use before IAM tracked it) as no recorded use', () => {
    // Prepare
    const rows = [
      user('frank', {
        passwordEnabled: true,
        passwordLastUsed: 'no_information',
        passwordLastChanged: new Date('2014-06-10T00:00:00Z'),
      }),
    ];

    // Act
    const analysis = analyze(rows);

    // Assess
    expect(analysis.findings).toEqual([
      {
        userName: 'frank',
        credential: 'console-password',
        lastUsed: null,
        createdAt: '2014-06-10T00:00:00.000Z',
        daysUnused: 4552,
        reason: 'never-used',
      },
    ]);
  });

  it('does not report a young user whose password was never used', () => {
    // Prepare
    const rows = [
      user('erin', {
        userCreationTime: new Date('2026-11-20T09:00:00Z'),
        passwordEnabled: true,
        passwordLastUsed: 'N/A',
        passwordLastChanged: new Date('2026-11-20T09:01:00Z'),
      }),
    ];

    // Act
    const analysis = analyze(rows);

    // Assess
    expect(analysis.findings).toEqual([]);
  });

  it('ignores a disabled password whatever its last-used date', () => {
    // Prepare
    const rows = [
      user('dave', {
        passwordEnabled: false,
        passwordLastUsed: new Date('2025-12-01T00:00:00Z'),
        passwordLastChanged: new Date('2024-01-01T00:00:00Z'),
      }),
    ];

    // Act
    const analysis = analyze(rows);

    // Assess
    expect(analysis.findings).toEqual([]);
  });
});

describe('analyzeReport: access keys', () => {
  it('reports an active key last used N days ago or more', () => {
    // Prepare
    const key = {
      active: true,
      lastRotated: new Date('2025-01-01T00:00:00Z'),
      lastUsedDate: new Date('2026-10-15T08:00:00Z'),
    };
    const rows = [user('legacy', { accessKeys: [key, NO_KEY] })];

    // Act
    const analysis = analyze(rows);

    // Assess
    expect(analysis.findings).toEqual([
      {
        userName: 'legacy',
        credential: 'access-key-1',
        lastUsed: '2026-10-15T08:00:00.000Z',
        createdAt: '2025-01-01T00:00:00.000Z',
        daysUnused: 41,
        reason: 'unused',
      },
    ]);
  });

  it('does not report a key used recently though rotated long ago', () => {
    // Prepare
    const key = {
      active: true,
      lastRotated: new Date('2020-01-01T00:00:00Z'),
      lastUsedDate: new Date('2026-11-25T00:00:00Z'),
    };
    const rows = [user('busy', { accessKeys: [key, NO_KEY] })];

    // Act
    const analysis = analyze(rows);

    // Assess
    expect(analysis.findings).toEqual([]);
  });

  it('ages a never-used key from access_key_N_last_rotated', () => {
    // Prepare
    const old = { active: true, lastRotated: new Date('2026-10-27T00:00:00Z'), lastUsedDate: 'N/A' as const };
    const young = {
      active: true,
      lastRotated: new Date('2026-10-27T00:00:01Z'),
      lastUsedDate: 'N/A' as const,
    };
    const rows = [
      user('old-key', { accessKeys: [old, NO_KEY] }),
      user('young-key', { accessKeys: [young, NO_KEY] }),
    ];

    // Act
    const analysis = analyze(rows);

    // Assess
    expect(analysis.findings).toEqual([
      {
        userName: 'old-key',
        credential: 'access-key-1',
        lastUsed: null,
        createdAt: '2026-10-27T00:00:00.000Z',
        daysUnused: 30,
        reason: 'never-used',
      },
    ]);
  });

  it('ignores an inactive key whatever its dates', () => {
    // Prepare
    const key = {
      active: false,
      lastRotated: new Date('2020-01-01T00:00:00Z'),
      lastUsedDate: new Date('2021-01-01T00:00:00Z'),
    };
    const rows = [user('retired', { accessKeys: [key, key] })];

    // Act
    const analysis = analyze(rows);

    // Assess
    expect(analysis.findings).toEqual([]);
  });

  it('reports key 2 of a user without key 1', () => {
    // Prepare
    const key = {
      active: true,
      lastRotated: new Date('2025-02-01T00:00:00Z'),
      lastUsedDate: new Date('2026-09-30T00:00:00Z'),
    };
    const rows = [user('svc', { accessKeys: [NO_KEY, key] })];

    // Act
    const analysis = analyze(rows);

    // Assess
    expect(analysis.findings).toEqual([
      {
        userName: 'svc',
        credential: 'access-key-2',
        lastUsed: '2026-09-30T00:00:00.000Z',
        createdAt: '2025-02-01T00:00:00.000Z',
        daysUnused: 57,
        reason: 'unused',
      },
    ]);
  });

  it('does not report an active key with neither a last use nor a rotation date', () => {
    // Prepare
    const key = { active: true, lastRotated: 'N/A' as const, lastUsedDate: 'N/A' as const };
    const rows = [user('odd', { accessKeys: [key, NO_KEY] })];

    // Act
    const analysis = analyze(rows);

    // Assess
    expect(analysis.findings).toEqual([]);
  });
});

describe('analyzeReport: who is considered', () => {
  const stalePassword: Partial<ReportRow> = {
    passwordEnabled: true,
    passwordLastUsed: new Date('2026-01-01T00:00:00Z'),
  };

  it('skips the root user, never reporting its credentials', () => {
    // Prepare
    const staleKey = {
      active: true,
      lastRotated: new Date('2019-01-01T00:00:00Z'),
      lastUsedDate: new Date('2025-06-11T00:00:00Z'),
    };
    const root = user('<root_account>', {
      arn: 'arn:aws:iam::123456789012:root',
      isRoot: true,
      passwordEnabled: 'not_supported',
      passwordLastUsed: new Date('2025-01-01T00:00:00Z'),
      passwordLastChanged: 'not_supported',
      accessKeys: [staleKey, NO_KEY],
    });

    // Act
    const analysis = analyze([root]);

    // Assess
    expect(analysis.findings).toEqual([]);
    expect(analysis.skipped).toEqual([{ userName: '<root_account>', reason: 'root' }]);
  });

  it('skips exempt users, matching names without regard to case, stale or not', () => {
    // Prepare
    const rows = [user('Break-Glass', stalePassword), user('auditor'), user('bob', stalePassword)];

    // Act
    const analysis = analyze(rows, { exemptUsers: ['break-glass', 'auditor', 'nobody'] });

    // Assess
    expect(analysis.findings.map((f) => f.userName)).toEqual(['bob']);
    expect(analysis.skipped).toEqual([
      { userName: 'Break-Glass', reason: 'exempt' },
      { userName: 'auditor', reason: 'exempt' },
    ]);
  });

  it('lists users outside a selection only when they had a stale credential', () => {
    // Prepare
    const rows = [user('alice', stalePassword), user('bob', stalePassword), user('carol')];

    // Act
    const analysis = analyze(rows, { users: ['BOB', 'carol'] });

    // Assess
    expect(analysis.findings.map((f) => f.userName)).toEqual(['bob']);
    expect(analysis.skipped).toEqual([{ userName: 'alice', reason: 'not-selected' }]);
  });

  it('reports root before exemption, and exemption before selection', () => {
    // Prepare
    const root = user('<root_account>', { isRoot: true, passwordEnabled: 'not_supported' });
    const rows = [root, user('ops', stalePassword)];

    // Act
    const analysis = analyze(rows, { exemptUsers: ['<root_account>', 'ops'], users: [] });

    // Assess
    expect(analysis.skipped).toEqual([
      { userName: '<root_account>', reason: 'root' },
      { userName: 'ops', reason: 'exempt' },
    ]);
  });

  it('handles user names with the characters IAM allows (+=,.@_-)', () => {
    // Prepare
    const name = 'svc+reports=etl,prod.@_-';
    const rows = [user(name, stalePassword), user('plain', stalePassword)];

    // Act
    const exempted = analyze(rows, { exemptUsers: [name] });

    // Assess
    expect(exempted.findings.map((f) => f.userName)).toEqual(['plain']);
    expect(exempted.skipped).toEqual([{ userName: name, reason: 'exempt' }]);
  });
});

describe('analyzeReport: output', () => {
  it('sorts findings by user name, then password, key 1, key 2', () => {
    // Prepare
    const key: ReportAccessKey = {
      active: true,
      lastRotated: new Date('2025-01-01T00:00:00Z'),
      lastUsedDate: 'N/A',
    };
    const everything: Partial<ReportRow> = {
      passwordEnabled: true,
      passwordLastUsed: new Date('2026-01-01T00:00:00Z'),
      accessKeys: [key, key],
    };
    const rows = [user('zed', everything), user('Zed2', everything), user('amy', everything)];

    // Act
    const analysis = analyze(rows);

    // Assess
    expect(analysis.findings.map((f) => `${f.userName} ${f.credential}`)).toEqual([
      'Zed2 console-password',
      'Zed2 access-key-1',
      'Zed2 access-key-2',
      'amy console-password',
      'amy access-key-1',
      'amy access-key-2',
      'zed console-password',
      'zed access-key-1',
      'zed access-key-2',
    ]);
  });

  it('returns nothing to do for an empty report', () => {
    // Act
    const analysis = analyzeReport(reportOf(), { now: NOW, days: 90 });

    // Assess
    expect(analysis).toEqual({
      asOf: '2026-11-26T00:00:00.000Z',
      thresholdDays: 90,
      findings: [],
      skipped: [],
    });
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects days = %s', (days) => {
    // Act
    const act = () => analyzeReport(reportOf(), { now: NOW, days });

    // Assess
    expect(act).toThrow(RangeError);
  });

  it('rejects an invalid now', () => {
    // Act
    const act = () => analyzeReport(reportOf(), { now: new Date('not a date'), days: 30 });

    // Assess
    expect(act).toThrow('analyzeReport: now is not a valid date');
  });
});

describe('rowCredentials', () => {
  it('assesses the three credentials of a row, enabled or not', () => {
    // Prepare
    const key = { active: true, lastRotated: new Date('2026-11-01T00:00:00Z'), lastUsedDate: 'N/A' as const };
    const row = user('mixed', { accessKeys: [NO_KEY, key] });

    // Act
    const credentials = rowCredentials(row, NOW, DAYS);

    // Assess
    expect(credentials).toEqual([
      { credential: 'console-password', enabled: false, assessment: null },
      { credential: 'access-key-1', enabled: false, assessment: null },
      {
        credential: 'access-key-2',
        enabled: true,
        assessment: {
          stale: false,
          lastUsed: null,
          createdAt: '2026-11-01T00:00:00.000Z',
          resetRecently: false,
          daysUnused: 25,
          reason: 'never-used',
          since: '2026-11-01T00:00:00.000Z',
        },
      },
    ]);
  });
});

describe('usersNotInReport', () => {
  it('lists the names that match no user, without regard to case', () => {
    // Act
    const unknown = usersNotInReport(reportOf(user('Alice'), user('bob')), ['alice', 'svc', 'BOB', 'ci']);

    // Assess
    expect(unknown).toEqual(['svc', 'ci']);
  });
});
