import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawControls } from '../helpers/raw-control.js';

const BIN = fileURLToPath(new URL('../../bin/credsweep.mjs', import.meta.url));
const SAMPLE_CSV = fileURLToPath(new URL('../../samples/credential-report.csv', import.meta.url));
const SAMPLE_JSON = fileURLToPath(new URL('../../samples/credential-report.json', import.meta.url));
/** The instant docs/analyze.md uses with the sample report. */
const NOW = '2026-11-26T00:00:00Z';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real command line (`node bin/credsweep.mjs ...`), optionally feeding standard input. */
function credsweep(args: string[], stdin?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(stdin ?? '');
  });
}

let dir: string;

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'credsweep-analyze-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const SAMPLE_FINDINGS = [
  {
    userName: 'bob',
    credential: 'console-password',
    lastUsed: '2026-08-14T07:30:00.000Z',
    daysUnused: 103,
    reason: 'unused',
    createdAt: '2024-01-15T10:25:00.000Z',
  },
  {
    userName: 'break-glass',
    credential: 'console-password',
    lastUsed: '2026-03-01T02:00:00.000Z',
    daysUnused: 269,
    reason: 'unused',
    createdAt: '2025-01-15T12:00:00.000Z',
  },
  {
    userName: 'carol@example.com',
    credential: 'console-password',
    lastUsed: null,
    daysUnused: 85,
    reason: 'never-used',
    createdAt: '2026-09-01T09:05:00.000Z',
  },
  {
    userName: 'ci-deploy',
    credential: 'access-key-2',
    lastUsed: null,
    daysUnused: 176,
    reason: 'never-used',
    createdAt: '2026-06-02T11:00:00.000Z',
  },
  {
    userName: 'frank-ops',
    credential: 'console-password',
    lastUsed: null,
    daysUnused: 4552,
    reason: 'never-used',
    createdAt: '2014-06-10T00:00:00.000Z',
  },
  {
    userName: 'grace',
    credential: 'console-password',
    lastUsed: '2026-10-27T00:00:00.000Z',
    daysUnused: 30,
    reason: 'unused',
    createdAt: '2025-03-03T09:01:00.000Z',
  },
  {
    userName: 'legacy-batch',
    credential: 'access-key-1',
    lastUsed: '2026-10-15T08:00:00.000Z',
    daysUnused: 41,
    reason: 'unused',
    createdAt: '2023-08-15T07:05:00.000Z',
  },
  {
    userName: 'svc+reports=etl,prod',
    credential: 'access-key-2',
    lastUsed: '2026-09-30T04:00:00.000Z',
    daysUnused: 56,
    reason: 'unused',
    createdAt: '2025-02-01T11:00:00.000Z',
  },
];

describe('credsweep analyze --json', () => {
  it('prints the contract for the sample report', async () => {
    // Act
    const run = await credsweep(['analyze', '--report', SAMPLE_CSV, '--now', NOW, '--json']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      asOf: '2026-11-26T00:00:00.000Z',
      thresholdDays: 30,
      findings: SAMPLE_FINDINGS,
      skipped: [{ userName: '<root_account>', reason: 'root' }],
    });
  });

  it('prints exactly the contract keys, in order', async () => {
    // Act
    const run = await credsweep(['analyze', '--report', SAMPLE_CSV, '--now', NOW, '--json']);

    // Assess
    const out = JSON.parse(run.stdout);
    expect(Object.keys(out)).toEqual(['asOf', 'thresholdDays', 'findings', 'skipped']);
    expect(Object.keys(out.findings[0])).toEqual([
      'userName',
      'credential',
      'lastUsed',
      'daysUnused',
      'reason',
      // Beyond the contract's first five keys: the other date the finding was judged on (docs/analyze.md).
      'createdAt',
    ]);
    expect(Object.keys(out.skipped[0])).toEqual(['userName', 'reason']);
  });

  it('reads the JSON that aws iam get-credential-report prints', async () => {
    // Act
    const run = await credsweep(['analyze', '--report', SAMPLE_JSON, '--now', NOW, '--json']);

    // Assess
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).findings).toEqual(SAMPLE_FINDINGS);
  });

  it('reads standard input for --report -', async () => {
    // Act
    const run = await credsweep(
      ['analyze', '--report', '-', '--now', NOW, '--json'],
      readFileSync(SAMPLE_CSV, 'utf8'),
    );

    // Assess
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).findings).toEqual(SAMPLE_FINDINGS);
  });

  it('skips exempt users, with \\, for a comma inside a name', async () => {
    // Act
    const run = await credsweep([
      'analyze',
      '--report',
      SAMPLE_CSV,
      '--now',
      NOW,
      '--exempt',
      'break-glass,svc+reports=etl\\,prod',
      '--json',
    ]);

    // Assess
    const out = JSON.parse(run.stdout);
    expect(run.stderr).toBe('');
    expect(out.findings.map((f: { userName: string }) => f.userName)).not.toContain('break-glass');
    expect(out.findings.map((f: { userName: string }) => f.userName)).not.toContain('svc+reports=etl,prod');
    expect(out.skipped).toEqual([
      { userName: '<root_account>', reason: 'root' },
      { userName: 'break-glass', reason: 'exempt' },
      { userName: 'svc+reports=etl,prod', reason: 'exempt' },
    ]);
  });

  it('warns on stderr about exempt names that match no user, keeping stdout the contract', async () => {
    // Act
    const run = await credsweep([
      'analyze',
      '--report',
      SAMPLE_CSV,
      '--now',
      NOW,
      '--exempt',
      'svc,grace',
      '--json',
    ]);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('credsweep: warning: --exempt names no user of the report: svc\n');
    expect(JSON.parse(run.stdout).skipped).toEqual([
      { userName: '<root_account>', reason: 'root' },
      { userName: 'grace', reason: 'exempt' },
    ]);
  });

  it('applies --days, and a date-only --now means midnight UTC', async () => {
    // Act
    const run = await credsweep([
      'analyze',
      '--report',
      SAMPLE_CSV,
      '--now',
      '2026-11-26',
      '--days',
      '100',
      '--json',
    ]);

    // Assess
    const out = JSON.parse(run.stdout);
    expect(out.asOf).toBe('2026-11-26T00:00:00.000Z');
    expect(out.thresholdDays).toBe(100);
    expect(
      out.findings.map((f: { userName: string; credential: string }) => `${f.userName} ${f.credential}`),
    ).toEqual([
      'bob console-password',
      'break-glass console-password',
      'ci-deploy access-key-2',
      'frank-ops console-password',
    ]);
  });

  it('accepts a header-only report with a byte order mark and CRLF line ends', async () => {
    // Prepare
    const header = readFileSync(SAMPLE_CSV, 'utf8').split('\n')[0];
    const report = file('header-only.csv', `\uFEFF${header}\r\n`);

    // Act
    const run = await credsweep(['analyze', '--report', report, '--now', NOW, '--json']);

    // Assess
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      asOf: '2026-11-26T00:00:00.000Z',
      thresholdDays: 30,
      findings: [],
      skipped: [],
    });
  });
});

describe('credsweep analyze (table)', () => {
  it('prints the findings as a table, the counts, and the manual steps for root', async () => {
    // Act
    const run = await credsweep(['analyze', '--report', SAMPLE_CSV, '--now', NOW, '--exempt', 'break-glass']);

    // Assess
    const lines = run.stdout.split('\n');
    expect(run.code).toBe(0);
    expect(lines).toContain(
      'USER                  CREDENTIAL        LAST USED (UTC)  SET (UTC)   DAYS UNUSED  WHY',
    );
    expect(lines).toContain(
      'grace                 console-password  2026-10-27       2025-03-03           30  not used for 30+ days',
    );
    expect(lines).toContain(
      'carol@example.com     console-password  never            2026-09-01           85  never used, created 30+ days ago',
    );
    expect(lines).toContain(
      '7 stale credentials (4 console passwords, 3 access keys) of 7 users; 14 rows in the report.',
    );
    expect(lines).toContain('  break-glass     exempt (--exempt)');
    expect(lines).toContain('  access key 1: ACTIVE, last used 2025-06-11 (532 days ago), unused 30+ days');
    expect(lines).toContain('Do this by hand (root access keys cannot be deactivated by automation):');
    expect(lines).toContain('  2. Open the account menu (top right) > Security credentials.');
    expect(lines).toContain(
      '  4. Under "Multi-factor authentication (MFA)", assign an MFA device if none is listed.',
    );
  });

  it('says so when nothing is stale', async () => {
    // Act
    const run = await credsweep(['analyze', '--report', SAMPLE_CSV, '--now', NOW, '--days', '10000']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('No console password or access key has gone unused for 10000 days or more.');
  });
});

describe('credsweep analyze: errors', () => {
  it('names the file, line, column and user of a malformed date, exit 1, no stack trace', async () => {
    // Prepare
    const report = file(
      'bad-date.csv',
      readFileSync(SAMPLE_CSV, 'utf8').replace('2026-08-14T07:30:00+00:00', 'yesterday'),
    );

    // Act
    const run = await credsweep(['analyze', '--report', report, '--json']);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `credsweep: ${report}: line 4, column password_last_used, user "bob": "yesterday" is not a date\n`,
    );
  });

  it('names a missing column', async () => {
    // Prepare
    const report = file(
      'no-key2-date.csv',
      readFileSync(SAMPLE_CSV, 'utf8').replace('access_key_2_last_used_date', 'access_key_2_last_used'),
    );

    // Act
    const run = await credsweep(['analyze', '--report', report]);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `credsweep: ${report}: line 1: the credential report header lacks the required column access_key_2_last_used_date\n`,
    );
  });

  it('rejects an empty file, saying what was expected', async () => {
    // Prepare
    const report = file('empty.csv', '');

    // Act
    const run = await credsweep(['analyze', '--report', report]);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^credsweep: .*empty\.csv: the report is empty: expected the credential report CSV/,
    );
  });

  it('rejects a file that cannot be read', async () => {
    // Prepare
    const missing = join(dir, 'missing.csv');

    // Act
    const run = await credsweep(['analyze', '--report', missing]);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`credsweep: cannot read the report ${JSON.stringify(missing)}: no such file\n`);
  });

  it.each([
    [['--days', '0'], "option '--days <n>' argument '0' is invalid. Expected a whole number, 1 or more."],
    [['--days', '7.5'], "option '--days <n>' argument '7.5' is invalid. Expected a whole number, 1 or more."],
    [
      ['--now', '2026-11-26T00:00:00'],
      "option '--now <iso>' argument '2026-11-26T00:00:00' is invalid. Expected an ISO 8601 date (midnight UTC) " +
        'or an instant with a UTC offset, e.g. 2026-11-26 or 2026-11-26T00:00:00Z.',
    ],
  ])('rejects %j as a usage error, exit 2', async (args, message) => {
    // Act
    const run = await credsweep(['analyze', '--report', SAMPLE_CSV, ...args]);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')[0]).toBe(`credsweep: ${message}`);
  });

  it('requires --report, exit 2', async () => {
    // Act
    const run = await credsweep(['analyze', '--json']);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe("credsweep: required option '--report <file>' not specified");
  });
});

describe('credsweep analyze: hostile text in the report', () => {
  const HOSTILE = 'bob\u001b]0;owned\u0007\u202egnp.exe\u0000';
  const hostile = () =>
    readFileSync(SAMPLE_CSV, 'utf8')
      .replace('\nbob,', `\n"${HOSTILE}",`)
      .replace('\ngrace,', '\n"gr\u200bace\u009b2J",');

  it('shows a user name holding ESC, BEL, NUL, C1 and U+202E with visible escapes, never raw', async () => {
    const report = file('hostile.csv', hostile());

    const table = await credsweep(['analyze', '--report', report, '--now', NOW]);
    const json = await credsweep(['analyze', '--report', report, '--now', NOW, '--json']);

    expect(table.code).toBe(0);
    expect(rawControls(table.stdout)).toEqual([]);
    expect(rawControls(table.stderr)).toEqual([]);
    expect(table.stdout).toContain('bob\\u{1B}]0;owned\\u{7}\\u{202E}gnp.exe\\u{0}  console-password');
    expect(table.stdout).toContain('gr\\u{200B}ace\\u{9B}2J');
    expect(json.code).toBe(0);
    expect(rawControls(json.stdout)).toEqual([]);
    // JSON keeps the value exactly; only its spelling on the terminal is escaped.
    const names = (JSON.parse(json.stdout) as { findings: { userName: string }[] }).findings.map(
      (f) => f.userName,
    );
    expect(names).toContain(HOSTILE);
  });

  it('shows hostile text in an error message with visible escapes', async () => {
    const report = file('hostile-error.csv', hostile().replace('2026-08-14T07:30:00+00:00', 'x\u202ey'));

    const run = await credsweep(['analyze', '--report', report, '--now', NOW]);

    expect(run.code).toBe(1);
    expect(rawControls(run.stderr)).toEqual([]);
    expect(run.stderr).toContain('\\u{202E}');
    expect(run.stderr).toContain('column password_last_used');
  });
});

describe('credsweep analyze: a user twice', () => {
  it('refuses a report naming a user twice (without regard to case), naming both lines, exit 1', async () => {
    const lines = readFileSync(SAMPLE_CSV, 'utf8').trimEnd().split('\n');
    const bob = lines.find((l) => l.startsWith('bob,')) ?? '';
    const report = file('twice.csv', `${[...lines, bob.replace(/^bob,/, 'BOB,')].join('\n')}\n`);

    const run = await credsweep(['analyze', '--report', report, '--now', NOW, '--json']);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/user "BOB" on line 16 is user "bob" of line 4/);
    expect(run.stderr).toMatch(/IAM writes each user once/);
  });
});

describe('credsweep analyze: what spreadsheets, PowerShell and other tools make of a report', () => {
  const contract = async (report: string) => {
    const run = await credsweep(['analyze', '--report', report, '--now', NOW, '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout) as { findings: unknown[] };
  };
  const csv = () => readFileSync(SAMPLE_CSV, 'utf8');

  it('reads TRUE/FALSE written in any case (a spreadsheet re-save)', async () => {
    const upper = csv()
      .replace(/,true,/g, ',TRUE,')
      .replace(/,false,/g, ',False,');
    expect((await contract(file('upper.csv', upper))).findings).toEqual(SAMPLE_FINDINGS);
  });

  it('reads UTF-16 LE and BE with a byte order mark (PowerShell > file)', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv(), 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    writeFileSync(join(dir, 'utf16le.csv'), le);
    writeFileSync(join(dir, 'utf16be.csv'), be);
    expect((await contract(join(dir, 'utf16le.csv'))).findings).toEqual(SAMPLE_FINDINGS);
    expect((await contract(join(dir, 'utf16be.csv'))).findings).toEqual(SAMPLE_FINDINGS);
  });

  it('reads the base64 alone (aws iam get-credential-report --query Content --output text)', async () => {
    const base64 = Buffer.from(csv()).toString('base64');
    expect((await contract(file('content.txt', `${base64}\n`))).findings).toEqual(SAMPLE_FINDINGS);
  });

  it('reads JSON whose Content is the plain CSV (CloudMapper, boto3 dumps)', async () => {
    const json = JSON.stringify({
      Content: csv(),
      ReportFormat: 'text/csv',
      GeneratedTime: '2026-11-26T00:00:00Z',
    });
    expect((await contract(file('plain.json', json))).findings).toEqual(SAMPLE_FINDINGS);
  });

  it('says in plain words when a spreadsheet reformatted a date, naming the row and column', async () => {
    const report = file('excel.csv', csv().replace('2026-08-14T07:30:00+00:00', '8/14/2026 7:30'));

    const run = await credsweep(['analyze', '--report', report, '--now', NOW]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'line 4, column password_last_used, user "bob": "8/14/2026 7:30" is not a date',
    );
    expect(run.stderr).toMatch(/spreadsheet/);
    expect(run.stderr).toMatch(/download the report again/i);
  });
});

describe('credsweep analyze: a password set again after its last use (reset-recently)', () => {
  // bob last signed in 2026-08-14; his password was reset on 2026-11-20 and not used since.
  const resetReport = () =>
    readFileSync(SAMPLE_CSV, 'utf8').replace(
      '2026-08-14T07:30:00+00:00,2024-01-15T10:25:00+00:00',
      '2026-08-14T07:30:00+00:00,2026-11-20T10:25:00+00:00',
    );

  it('lists it as skipped with both dates in --json, and does not propose it', async () => {
    const run = await credsweep([
      'analyze',
      '--report',
      file('reset.csv', resetReport()),
      '--now',
      NOW,
      '--json',
    ]);

    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.findings.map((f: { userName: string }) => f.userName)).not.toContain('bob');
    expect(out.skipped).toContainEqual({
      userName: 'bob',
      reason: 'reset-recently',
      credential: 'console-password',
      lastUsed: '2026-08-14T07:30:00.000Z',
      createdAt: '2026-11-20T10:25:00.000Z',
      daysUnused: 5,
    });
  });

  it('shows it in the table output with the last use and the reset, saying why it is not stale', async () => {
    const run = await credsweep(['analyze', '--report', file('reset.csv', resetReport()), '--now', NOW]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'Not stale: set again after a last use 30+ days ago (reset-recently, 1 credential).',
    );
    expect(run.stdout).toMatch(/Security Hub IAM\.8 judges by the last use alone/);
    expect(run.stdout.split('\n')).toContain(
      '  bob   console-password  2026-08-14       2026-11-20               5',
    );
  });
});
