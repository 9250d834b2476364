import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { EXEMPT_TAG_KEY, SAMPLE_EXEMPT_USERS, sampleSeed } from '../../cli/local/sample-account.js';
import {
  CREDENTIAL_REPORT_COLUMNS,
  IAM_OPERATIONS,
  SandboxAccount,
  type SandboxAccountOptions,
} from '../../cli/local/sandbox-account.js';
import { parseSeed, type Seed } from '../../cli/local/seed.js';
import { parseCredentialReport } from '../../handlers/core/report/credential-report.js';
import { analyzeReport } from '../../handlers/core/report/staleness.js';
import { largeAccountSeed } from '../helpers/large-account.js';

const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,' +
  'mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,' +
  'access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,' +
  'access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,' +
  'cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

const KEY_OLD = 'AKIAOLDKEY0000000001';
const KEY_NEW = 'AKIANEWKEY0000000002';
const KEY_ONLY = 'AKIAONLYKEY000000003';
const T0 = new Date('2025-03-01T09:00:00.000Z');
const HOUR = 60 * 60 * 1000;

/** A small account: keys deliberately listed newest first, so slot order must come from dates. */
function smallSeed(): Seed {
  return {
    accountId: '111122223333',
    users: [
      {
        userName: 'alice',
        createdAt: '2024-01-10T08:00:00.000Z',
        tags: { team: 'platform' },
        loginProfile: {
          createdAt: '2024-01-10T08:05:00.000Z',
          passwordLastUsed: '2025-02-20T17:45:12.000Z',
          passwordResetRequired: false,
        },
        accessKeys: [
          { accessKeyId: KEY_NEW, status: 'Active', createdAt: '2024-12-01T00:00:00.000Z', lastUsed: null },
          {
            accessKeyId: KEY_OLD,
            status: 'Active',
            createdAt: '2024-02-01T12:30:00.000Z',
            lastUsed: '2024-11-30T23:59:59.000Z',
          },
        ],
      },
      {
        userName: 'bob',
        createdAt: '2024-06-01T00:00:00.000Z',
        loginProfile: {
          createdAt: '2024-06-01T00:00:00.000Z',
          passwordLastUsed: null,
          passwordResetRequired: true,
        },
        accessKeys: [],
      },
      {
        userName: 'svc+etl=eu,ops@x_y-z.1',
        createdAt: '2023-05-05T05:05:05.000Z',
        loginProfile: null,
        accessKeys: [
          {
            accessKeyId: KEY_ONLY,
            status: 'Inactive',
            createdAt: '2023-05-06T00:00:00.000Z',
            lastUsed: null,
          },
        ],
      },
    ],
  };
}

class Clock {
  constructor(public at: Date) {}
  readonly now = (): Date => new Date(this.at.getTime());
  advance(ms: number): void {
    this.at = new Date(this.at.getTime() + ms);
  }
}

function account(options: Partial<SandboxAccountOptions> = {}, seed: Seed = smallSeed()) {
  const clock = new Clock(T0);
  return { clock, sandbox: new SandboxAccount(seed, { now: clock.now, ...options }) };
}

async function generated(sandbox: SandboxAccount): Promise<{ content: string; generatedAt: string }> {
  for (let i = 0; i < 10; i += 1) {
    if ((await sandbox.generateCredentialReport()) === 'COMPLETE') return sandbox.getCredentialReport();
  }
  throw new Error('report did not complete');
}

type Row = Record<(typeof CREDENTIAL_REPORT_COLUMNS)[number], string>;

function rows(content: string): Row[] {
  return parse(content, { columns: true }) as Row[];
}

function rowOf(content: string, user: string): Row {
  const row = rows(content).find((r) => r.user === user);
  if (!row) throw new Error(`no row for ${user}`);
  return row;
}

describe('SandboxAccount credential report format', () => {
  it('has AWS header, in AWS order, with the root account first', async () => {
    const { sandbox } = account();

    const { content } = await generated(sandbox);

    const lines = content.split('\n');
    expect(lines[0]).toBe(HEADER);
    expect(CREDENTIAL_REPORT_COLUMNS.join(',')).toBe(HEADER);
    expect(lines[1]).toBe(
      '<root_account>,arn:aws:iam::111122223333:root,2023-05-05T05:05:05+00:00,not_supported,no_information,' +
        'not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
    );
    expect(lines).toHaveLength(1 + 1 + 3);
  });

  it('writes a user with a password and two keys as AWS does, the older key in slot 1', async () => {
    const { sandbox } = account();

    const { content } = await generated(sandbox);

    expect(content.split('\n')[2]).toBe(
      'alice,arn:aws:iam::111122223333:user/alice,2024-01-10T08:00:00+00:00,true,2025-02-20T17:45:12+00:00,' +
        '2024-01-10T08:05:00+00:00,N/A,false,' +
        'true,2024-02-01T12:30:00+00:00,2024-11-30T23:59:59+00:00,us-east-1,iam,' +
        'true,2024-12-01T00:00:00+00:00,N/A,N/A,N/A,' +
        'false,N/A,false,N/A',
    );
  });

  it('marks a never-used password no_information, no password N/A, an inactive single key in slot 1', async () => {
    const { sandbox } = account();

    const { content } = await generated(sandbox);

    const bob = rowOf(content, 'bob');
    expect([bob.password_enabled, bob.password_last_used, bob.password_last_changed]).toEqual([
      'true',
      'no_information',
      '2024-06-01T00:00:00+00:00',
    ]);
    expect([bob.access_key_1_active, bob.access_key_1_last_rotated, bob.access_key_2_active]).toEqual([
      'false',
      'N/A',
      'false',
    ]);
    const svc = rowOf(content, 'svc+etl=eu,ops@x_y-z.1');
    expect(svc.arn).toBe('arn:aws:iam::111122223333:user/svc+etl=eu,ops@x_y-z.1');
    expect([svc.password_enabled, svc.password_last_used, svc.password_last_changed]).toEqual([
      'false',
      'N/A',
      'N/A',
    ]);
    expect([
      svc.access_key_1_active,
      svc.access_key_1_last_rotated,
      svc.access_key_1_last_used_date,
      svc.access_key_1_last_used_region,
      svc.access_key_1_last_used_service,
    ]).toEqual(['false', '2023-05-06T00:00:00+00:00', 'N/A', 'N/A', 'N/A']);
  });

  it('quotes fields that hold a comma, so every row has all 22 columns', async () => {
    const { sandbox } = account();

    const { content } = await generated(sandbox);

    expect(content).toContain(
      '"svc+etl=eu,ops@x_y-z.1","arn:aws:iam::111122223333:user/svc+etl=eu,ops@x_y-z.1"',
    );
    const records = parse(content) as string[][];
    expect(records.every((record) => record.length === 22)).toBe(true);
  });

  it('writes dates as AWS does, whole seconds with +00:00', async () => {
    const { sandbox } = account();

    const { content } = await generated(sandbox);

    const dates = (parse(content) as string[][])
      .slice(1)
      .flat()
      .filter((v) => /^\d{4}-/.test(v));
    expect(dates.length).toBeGreaterThan(0);
    for (const date of dates) expect(date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
  });

  it('parses cleanly with the project report parser', async () => {
    const { sandbox } = account({}, sampleSeed(T0));

    const { content, generatedAt } = await generated(sandbox);
    const report = parseCredentialReport(content, generatedAt);

    expect(report.generatedAt).toBe(generatedAt);
    expect(report.rows).toHaveLength(sampleSeed(T0).users.length + 1);
    expect(report.rows[0]?.isRoot).toBe(true);
    const svc = report.rows.find((r) => r.user === 'svc+etl=nightly,eu.ops@data_team-1');
    expect(svc?.accessKeys[0].active).toBe(true);
    const pipeline = report.rows.find((r) => r.user === 'data-pipeline');
    const [key1, key2] = pipeline?.accessKeys ?? [];
    expect(key1?.lastRotated instanceof Date && key2?.lastRotated instanceof Date).toBe(true);
    expect((key1?.lastRotated as Date) < (key2?.lastRotated as Date)).toBe(true);
  });

  it('parses cleanly with the project report parser for a 5,000-user account', async () => {
    const seed = largeAccountSeed({ users: 5000, staleFraction: 0.3, now: T0 });
    const { sandbox } = account({}, seed);

    const { content } = await generated(sandbox);

    expect(parseCredentialReport(content).rows).toHaveLength(5001);
  });
});

describe('SandboxAccount credential report generation', () => {
  it('answers ReportNotPresent before any generation', async () => {
    const { sandbox } = account();
    await expect(sandbox.getCredentialReport()).rejects.toMatchObject({ name: 'ReportNotPresent' });
  });

  it('answers STARTED then COMPLETE by default, ReportInProgress in between', async () => {
    const { sandbox, clock } = account();

    expect(await sandbox.generateCredentialReport()).toBe('STARTED');
    await expect(sandbox.getCredentialReport()).rejects.toMatchObject({ name: 'ReportInProgress' });
    clock.advance(10_000);
    expect(await sandbox.generateCredentialReport()).toBe('COMPLETE');

    expect((await sandbox.getCredentialReport()).generatedAt).toBe(T0.toISOString());
  });

  it('takes reportPollsUntilComplete further polls to complete', async () => {
    const { sandbox } = account({ reportPollsUntilComplete: 3 });
    const states = [];
    for (let i = 0; i < 5; i += 1) states.push(await sandbox.generateCredentialReport());
    expect(states).toEqual(['STARTED', 'INPROGRESS', 'INPROGRESS', 'COMPLETE', 'COMPLETE']);
  });

  it('completes at once with reportPollsUntilComplete 0', async () => {
    const { sandbox } = account({ reportPollsUntilComplete: 0 });
    expect(await sandbox.generateCredentialReport()).toBe('COMPLETE');
    await expect(sandbox.getCredentialReport()).resolves.toMatchObject({ generatedAt: T0.toISOString() });
  });

  it('never completes with reportNeverCompletes', async () => {
    const { sandbox } = account({ reportNeverCompletes: true, reportPollsUntilComplete: 0 });
    const states = [];
    for (let i = 0; i < 20; i += 1) states.push(await sandbox.generateCredentialReport());
    expect(states[0]).toBe('STARTED');
    expect(new Set(states.slice(1))).toEqual(new Set(['INPROGRESS']));
    await expect(sandbox.getCredentialReport()).rejects.toMatchObject({ name: 'ReportInProgress' });
  });

  it('reuses a report younger than 4 hours and starts a new one after', async () => {
    const { sandbox, clock } = account();
    const first = await generated(sandbox);

    clock.advance(4 * HOUR - 1000);
    expect(await sandbox.generateCredentialReport()).toBe('COMPLETE');
    expect(await sandbox.getCredentialReport()).toEqual(first);

    clock.advance(1000);
    expect(await sandbox.generateCredentialReport()).toBe('STARTED');
    expect(await sandbox.generateCredentialReport()).toBe('COMPLETE');
    expect((await sandbox.getCredentialReport()).generatedAt).toBe(
      new Date(T0.getTime() + 4 * HOUR).toISOString(),
    );
  });

  it('is a snapshot: changes after generation show only in a report generated 4 hours later', async () => {
    const { sandbox, clock } = account();
    const before = await generated(sandbox);

    clock.advance(HOUR);
    await sandbox.deleteLoginProfile('alice');
    await sandbox.updateAccessKey('alice', KEY_OLD, 'Inactive');
    sandbox.recordUse('alice', KEY_NEW, clock.now());
    expect(await sandbox.generateCredentialReport()).toBe('COMPLETE');
    expect(await sandbox.getCredentialReport()).toEqual(before);

    clock.advance(3 * HOUR);
    const after = await generated(sandbox);
    const alice = rowOf(after.content, 'alice');
    expect(alice.password_enabled).toBe('false');
    expect(alice.password_last_used).toBe('2025-02-20T17:45:12+00:00');
    expect(alice.password_last_changed).toBe('N/A');
    expect(alice.access_key_1_active).toBe('false');
    expect(alice.access_key_2_last_used_date).toBe('2025-03-01T10:00:00+00:00');
  });

  it('snapshots when generation starts, not when it completes', async () => {
    const { sandbox } = account();

    expect(await sandbox.generateCredentialReport()).toBe('STARTED');
    await sandbox.updateAccessKey('alice', KEY_OLD, 'Inactive');
    expect(await sandbox.generateCredentialReport()).toBe('COMPLETE');

    expect(rowOf((await sandbox.getCredentialReport()).content, 'alice').access_key_1_active).toBe('true');
  });
});

describe('SandboxAccount reads', () => {
  it('getUser returns the user with the live password last use and tags', async () => {
    const { sandbox } = account();

    expect(await sandbox.getUser('alice')).toEqual({
      userName: 'alice',
      createdAt: '2024-01-10T08:00:00.000Z',
      passwordLastUsed: '2025-02-20T17:45:12.000Z',
      tags: { team: 'platform' },
    });
    expect(await sandbox.getUser('bob')).toMatchObject({ passwordLastUsed: null, tags: {} });
    await expect(sandbox.getUser('nobody')).rejects.toMatchObject({
      name: 'NoSuchEntity',
      message: 'The user with name nobody cannot be found.',
    });
  });

  it('listAccessKeys returns id, status and creation date', async () => {
    const { sandbox } = account();

    expect(await sandbox.listAccessKeys('alice')).toEqual([
      { accessKeyId: KEY_NEW, status: 'Active', createdAt: '2024-12-01T00:00:00.000Z' },
      { accessKeyId: KEY_OLD, status: 'Active', createdAt: '2024-02-01T12:30:00.000Z' },
    ]);
    expect(await sandbox.listAccessKeys('bob')).toEqual([]);
    await expect(sandbox.listAccessKeys('nobody')).rejects.toMatchObject({ name: 'NoSuchEntity' });
  });

  it('getAccessKeyLastUsed returns the date, null when never used, NoSuchEntity when unknown', async () => {
    const { sandbox } = account();

    expect(await sandbox.getAccessKeyLastUsed(KEY_OLD)).toBe('2024-11-30T23:59:59.000Z');
    expect(await sandbox.getAccessKeyLastUsed(KEY_NEW)).toBeNull();
    await expect(sandbox.getAccessKeyLastUsed('AKIAUNKNOWN000000000')).rejects.toMatchObject({
      name: 'NoSuchEntity',
    });
  });

  it('getLoginProfile returns the profile, or null without a password', async () => {
    const { sandbox } = account();

    expect(await sandbox.getLoginProfile('alice')).toEqual({
      createdAt: '2024-01-10T08:05:00.000Z',
      passwordResetRequired: false,
    });
    expect(await sandbox.getLoginProfile('svc+etl=eu,ops@x_y-z.1')).toBeNull();
    await expect(sandbox.getLoginProfile('nobody')).rejects.toMatchObject({ name: 'NoSuchEntity' });
  });
});

describe('SandboxAccount changes', () => {
  it('deleteLoginProfile removes the password and keeps the user’s password last use', async () => {
    const { sandbox } = account();

    await sandbox.deleteLoginProfile('alice');

    expect(await sandbox.getLoginProfile('alice')).toBeNull();
    expect((await sandbox.getUser('alice')).passwordLastUsed).toBe('2025-02-20T17:45:12.000Z');
    await expect(sandbox.deleteLoginProfile('alice')).rejects.toMatchObject({
      name: 'NoSuchEntity',
      message: 'Login Profile for User alice cannot be found.',
    });
    await expect(sandbox.deleteLoginProfile('nobody')).rejects.toMatchObject({ name: 'NoSuchEntity' });
  });

  it('createLoginProfile sets creation to now and reset-required, keeps no password', async () => {
    const { sandbox, clock } = account();
    await sandbox.deleteLoginProfile('alice');
    clock.advance(HOUR);
    const password = 'Sandbox-Restored-Password-0001!';

    await sandbox.createLoginProfile('alice', password, true);

    expect(await sandbox.getLoginProfile('alice')).toEqual({
      createdAt: new Date(T0.getTime() + HOUR).toISOString(),
      passwordResetRequired: true,
    });
    expect(sandbox.passwordWasSet('alice')).toBe(true);
    expect(sandbox.passwordWasSet('bob')).toBe(false);
    const state = JSON.stringify(sandbox.toSeed());
    expect(state).not.toContain(password);
    expect(sandbox.toSeed().users[0]?.loginProfile).toEqual({
      createdAt: new Date(T0.getTime() + HOUR).toISOString(),
      passwordLastUsed: '2025-02-20T17:45:12.000Z',
      passwordResetRequired: true,
    });
  });

  it('createLoginProfile fails with EntityAlreadyExists when a password exists', async () => {
    const { sandbox } = account();
    await expect(sandbox.createLoginProfile('bob', 'x-Password-1', true)).rejects.toMatchObject({
      name: 'EntityAlreadyExists',
      message: 'Login Profile for user bob already exists.',
    });
    await expect(sandbox.createLoginProfile('nobody', 'x-Password-1', true)).rejects.toMatchObject({
      name: 'NoSuchEntity',
    });
  });

  it('updateAccessKey changes the status; unknown keys and other users’ keys are NoSuchEntity', async () => {
    const { sandbox } = account();

    await sandbox.updateAccessKey('alice', KEY_OLD, 'Inactive');
    await sandbox.updateAccessKey('svc+etl=eu,ops@x_y-z.1', KEY_ONLY, 'Active');

    expect((await sandbox.listAccessKeys('alice')).find((k) => k.accessKeyId === KEY_OLD)?.status).toBe(
      'Inactive',
    );
    expect((await sandbox.listAccessKeys('svc+etl=eu,ops@x_y-z.1'))[0]?.status).toBe('Active');
    await expect(sandbox.updateAccessKey('bob', KEY_OLD, 'Inactive')).rejects.toMatchObject({
      name: 'NoSuchEntity',
      message: `The Access Key with id ${KEY_OLD} cannot be found.`,
    });
    await expect(sandbox.updateAccessKey('alice', 'AKIAUNKNOWN000000000', 'Inactive')).rejects.toMatchObject({
      name: 'NoSuchEntity',
    });
    await expect(sandbox.updateAccessKey('nobody', KEY_OLD, 'Inactive')).rejects.toMatchObject({
      name: 'NoSuchEntity',
    });
  });

  it('raises plain Errors named with the AWS code and no $metadata', async () => {
    const { sandbox } = account();

    const error = await sandbox.getUser('nobody').catch((err: unknown) => err);

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('NoSuchEntity');
    expect(error).not.toHaveProperty('$metadata');
  });

  it('recordUse moves the live last use and rejects impossible uses', async () => {
    const { sandbox } = account();
    const at = new Date('2025-03-01T08:00:00.000Z');

    sandbox.recordUse('bob', 'console-password', at);
    sandbox.recordUse('alice', KEY_NEW, at);

    expect((await sandbox.getUser('bob')).passwordLastUsed).toBe(at.toISOString());
    expect(await sandbox.getAccessKeyLastUsed(KEY_NEW)).toBe(at.toISOString());
    expect(() => sandbox.recordUse('svc+etl=eu,ops@x_y-z.1', 'console-password', at)).toThrow(
      /no console password/,
    );
    expect(() => sandbox.recordUse('svc+etl=eu,ops@x_y-z.1', KEY_ONLY, at)).toThrow(/inactive/);
    expect(() => sandbox.recordUse('bob', KEY_NEW, at)).toThrow(/has no access key/);
    expect(() => sandbox.recordUse('nobody', KEY_NEW, at)).toThrow(/no user nobody/);
    expect(sandbox.calls().GetUser).toBe(1);
  });
});

describe('SandboxAccount denyUsers', () => {
  it('denies the mutating calls for those users with AWS’s message, and changes nothing', async () => {
    const { sandbox } = account({ denyUsers: ['alice'] });
    const before = sandbox.toSeed();

    await expect(sandbox.updateAccessKey('alice', KEY_OLD, 'Inactive')).rejects.toMatchObject({
      name: 'AccessDenied',
      message:
        'User: arn:aws:sts::111122223333:assumed-role/credsweep/credsweep-sandbox is not authorized to perform: ' +
        'iam:UpdateAccessKey on resource: user alice',
    });
    await expect(sandbox.deleteLoginProfile('alice')).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining('iam:DeleteLoginProfile on resource: user alice'),
    });
    await expect(sandbox.createLoginProfile('alice', 'x-Password-1', true)).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining('iam:CreateLoginProfile on resource: user alice'),
    });

    expect(sandbox.toSeed()).toEqual(before);
    await expect(sandbox.getUser('alice')).resolves.toMatchObject({ userName: 'alice' });
    await expect(
      sandbox.updateAccessKey('svc+etl=eu,ops@x_y-z.1', KEY_ONLY, 'Active'),
    ).resolves.toBeUndefined();
  });
});

describe('SandboxAccount exempt-tag policy', () => {
  it('denies changes to a user tagged credsweep:exempt=true (any case), as the deployed Deny does', async () => {
    const { sandbox } = account();
    sandbox.tagUser('alice', 'credsweep:exempt', 'TRUE');

    await expect(sandbox.updateAccessKey('alice', KEY_OLD, 'Inactive')).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining('iam:UpdateAccessKey on resource: user alice with an explicit deny'),
    });
    await expect(sandbox.getUser('alice')).resolves.toMatchObject({ tags: { 'credsweep:exempt': 'TRUE' } });
  });

  it('models no such policy when exemptTagKey is null', async () => {
    const { sandbox } = account({ exemptTagKey: null });
    sandbox.tagUser('alice', 'credsweep:exempt', 'true');

    await expect(sandbox.updateAccessKey('alice', KEY_OLD, 'Inactive')).resolves.toBeUndefined();
  });
});

describe('SandboxAccount throttling', () => {
  async function pattern(options: Partial<SandboxAccountOptions>, n = 200): Promise<string> {
    const { sandbox } = account(options);
    let out = '';
    for (let i = 0; i < n; i += 1) {
      out += await sandbox.getUser('alice').then(
        () => '.',
        (err: Error) => {
          expect(err).toMatchObject({ name: 'Throttling', message: 'Rate exceeded' });
          return 'T';
        },
      );
    }
    return out;
  }

  it('fails about throttleRate of calls, the same ones for the same rngSeed', async () => {
    const first = await pattern({ throttleRate: 0.3, rngSeed: 7 });
    const again = await pattern({ throttleRate: 0.3, rngSeed: 7 });
    const other = await pattern({ throttleRate: 0.3, rngSeed: 8 });

    expect(again).toBe(first);
    expect(other).not.toBe(first);
    const throttled = first.replaceAll('.', '').length;
    expect(throttled).toBeGreaterThan(30);
    expect(throttled).toBeLessThan(90);
  });

  it('never throttles at rate 0 and always at rate 1', async () => {
    expect(await pattern({ throttleRate: 0 }, 50)).toBe('.'.repeat(50));
    expect(await pattern({ throttleRate: 1 }, 50)).toBe('T'.repeat(50));
  });

  it('counts throttled calls and leaves state unchanged by them', async () => {
    const { sandbox } = account({ throttleRate: 1 });

    await expect(sandbox.updateAccessKey('alice', KEY_OLD, 'Inactive')).rejects.toMatchObject({
      name: 'Throttling',
    });
    await expect(sandbox.generateCredentialReport()).rejects.toMatchObject({ name: 'Throttling' });

    expect(sandbox.toSeed()).toEqual(smallSeed());
    expect(sandbox.calls()).toMatchObject({ UpdateAccessKey: 1, GenerateCredentialReport: 1 });
  });

  it('rejects options out of range', () => {
    expect(() => account({ throttleRate: 1.5 })).toThrow(RangeError);
    expect(() => account({ throttleRate: Number.NaN })).toThrow(RangeError);
    expect(() => account({ reportPollsUntilComplete: -1 })).toThrow(RangeError);
    expect(() => account({ reportPollsUntilComplete: 1.5 })).toThrow(RangeError);
  });
});

describe('SandboxAccount password policy', () => {
  const strict = {
    MinimumPasswordLength: 14,
    RequireSymbols: true,
    RequireNumbers: true,
    RequireUppercaseCharacters: true,
    RequireLowercaseCharacters: true,
  };
  const withPolicy = (passwordPolicy?: Seed['passwordPolicy']) =>
    account({}, { ...smallSeed(), ...(passwordPolicy ? { passwordPolicy } : {}) }).sandbox;

  it('answers the seed policy, or null when none is set (IAM: NoSuchEntity)', async () => {
    expect(await withPolicy(strict).getAccountPasswordPolicy()).toEqual(strict);
    expect(await withPolicy().getAccountPasswordPolicy()).toBeNull();
  });

  it('refuses a password the policy does not accept with PasswordPolicyViolation naming each rule, and changes nothing', async () => {
    const sandbox = withPolicy(strict);
    await sandbox.deleteLoginProfile('alice');

    const err = await sandbox.createLoginProfile('alice', 'short', true).catch((e: Error) => e);

    expect(err).toMatchObject({ name: 'PasswordPolicyViolation' });
    expect((err as Error).message.split('; ')).toEqual([
      'Password should have a minimum length of 14',
      'Password should have at least one uppercase letter',
      'Password should have at least one number',
      'Password should have at least one symbol',
    ]);
    expect(await sandbox.getLoginProfile('alice')).toBeNull();
  });

  it("counts only IAM's symbols as symbols", async () => {
    const sandbox = withPolicy({ RequireSymbols: true });
    await sandbox.deleteLoginProfile('alice');
    await expect(sandbox.createLoginProfile('alice', 'Abcdefgh1~<>?', true)).rejects.toMatchObject({
      name: 'PasswordPolicyViolation',
      message: 'Password should have at least one symbol',
    });
    await sandbox.createLoginProfile('alice', "Abcdefgh1'", true);
    expect(sandbox.passwordWasSet('alice')).toBe(true);
  });

  it("applies IAM's default policy when none is set: 8 to 128 characters, three of the four classes", async () => {
    const sandbox = withPolicy();
    await sandbox.deleteLoginProfile('alice');
    for (const weak of ['Ab1!', 'abcdefgh12', `Aa1${'x'.repeat(126)}`]) {
      await expect(sandbox.createLoginProfile('alice', weak, true)).rejects.toMatchObject({
        name: 'PasswordPolicyViolation',
      });
    }
    await sandbox.createLoginProfile('alice', 'abcdefgh1!', true);
    expect(sandbox.passwordWasSet('alice')).toBe(true);
  });

  it('writes the policy back with the state (--state-out)', () => {
    expect(withPolicy(strict).toSeed().passwordPolicy).toEqual(strict);
    expect(withPolicy().toSeed()).not.toHaveProperty('passwordPolicy');
  });
});

describe('SandboxAccount calls', () => {
  it('counts every IAM call by operation, failed ones included, and resets', async () => {
    const { sandbox } = account();
    expect(sandbox.calls()).toEqual(Object.fromEntries(IAM_OPERATIONS.map((op) => [op, 0])));

    await generated(sandbox);
    await sandbox.getUser('alice');
    await sandbox.getUser('nobody').catch(() => undefined);
    await sandbox.listAccessKeys('alice');
    await sandbox.getAccessKeyLastUsed(KEY_OLD);
    await sandbox.getLoginProfile('alice');
    await sandbox.deleteLoginProfile('alice');
    await sandbox.createLoginProfile('alice', 'x-Password-1', true);
    await sandbox.updateAccessKey('alice', KEY_OLD, 'Inactive');
    await sandbox.updateAccessKey('alice', KEY_OLD, 'Active');
    await sandbox.updateLoginProfile('alice', 'y-Password-2', true);
    await sandbox.updateAccessKey('alice', KEY_OLD, 'Inactive');
    await sandbox.deleteAccessKey('alice', KEY_OLD);
    await sandbox.listUsers();
    await sandbox.getAccountPasswordPolicy();

    expect(sandbox.calls()).toEqual({
      GenerateCredentialReport: 2,
      GetCredentialReport: 1,
      GetUser: 2,
      ListAccessKeys: 1,
      GetAccessKeyLastUsed: 1,
      GetLoginProfile: 1,
      DeleteLoginProfile: 1,
      CreateLoginProfile: 1,
      GetAccountPasswordPolicy: 1,
      UpdateAccessKey: 3,
      UpdateLoginProfile: 1,
      DeleteAccessKey: 1,
      ListUsers: 1,
    });

    sandbox.resetCalls();
    expect(Object.values(sandbox.calls()).every((n) => n === 0)).toBe(true);
  });

  it('lists users in pages of at most 1,000, as ListUsers does', async () => {
    const { sandbox } = account();
    const first = await sandbox.listUsers(undefined, 1);
    expect(first.userNames).toHaveLength(1);
    expect(first.marker).toBeDefined();
    const all = await sandbox.listUsers();
    expect(all.marker).toBeUndefined();
    expect(all.userNames.length).toBeGreaterThan(1);
  });
});

describe('SandboxAccount toSeed', () => {
  it('round-trips an untouched account through the seed format', () => {
    for (const seed of [smallSeed(), sampleSeed(T0)]) {
      const { sandbox } = account({}, seed);
      expect(parseSeed(JSON.stringify(sandbox.toSeed()), 'state-out.json')).toEqual(seed);
    }
  });

  it('round-trips a seed written by hand, with other date forms, once parsed', () => {
    const text = JSON.stringify({
      accountId: '123456789012',
      users: [
        {
          userName: 'zed',
          createdAt: '2024-01-01T00:00:00+01:00',
          loginProfile: null,
          accessKeys: [
            { accessKeyId: KEY_OLD, status: 'Active', createdAt: '2024-01-02T00:00:00Z', lastUsed: null },
          ],
        },
      ],
    });
    const seed = parseSeed(text, 'hand.json');
    const { sandbox } = account({}, seed);

    expect(parseSeed(JSON.stringify(sandbox.toSeed()), 'out.json')).toEqual(seed);
    expect(sandbox.toSeed().users[0]).not.toHaveProperty('tags');
  });

  it('reflects changes, and neither shares state with the input seed nor with its result', async () => {
    const input = smallSeed();
    const { sandbox } = account({}, input);

    await sandbox.deleteLoginProfile('alice');
    await sandbox.updateAccessKey('alice', KEY_NEW, 'Inactive');
    const state = sandbox.toSeed();
    (state.users[1] as { userName: string }).userName = 'mallory';

    expect(input).toEqual(smallSeed());
    const alice = sandbox.toSeed().users[0];
    expect(alice?.loginProfile).toBeNull();
    expect(alice?.accessKeys.map((k) => [k.accessKeyId, k.status])).toEqual([
      [KEY_NEW, 'Inactive'],
      [KEY_OLD, 'Active'],
    ]);
    expect(sandbox.toSeed().users[1]?.userName).toBe('bob');
  });
});

/** Stale credentials per the staleness rule (docs/analyze.md: whole days, last use or creation), read straight from the CSV. */
function staleCredentials(content: string, now: Date, days: number): string[] {
  const age = (value: string) => Math.floor((now.getTime() - Date.parse(value)) / 86_400_000);
  const isDate = (value: string) => /^\d{4}-/.test(value);
  const out: string[] = [];
  for (const row of rows(content)) {
    if (row.user === '<root_account>') continue;
    if (row.password_enabled === 'true') {
      const used = isDate(row.password_last_used);
      const since = used ? row.password_last_used : row.password_last_changed;
      if (age(since) >= days) out.push(`${row.user} console-password ${used ? 'unused' : 'never-used'}`);
    }
    for (const n of [1, 2] as const) {
      const active = row[`access_key_${n}_active`];
      const lastUsed = row[`access_key_${n}_last_used_date`];
      const rotated = row[`access_key_${n}_last_rotated`];
      if (active !== 'true') continue;
      const used = isDate(lastUsed);
      if (age(used ? lastUsed : rotated) >= days)
        out.push(`${row.user} access-key-${n} ${used ? 'unused' : 'never-used'}`);
    }
  }
  return out.sort();
}

describe('sample account', () => {
  it.each([['2025-06-01T12:00:00.000Z'], ['2031-12-31T23:59:59.999Z']])(
    'has a finding of each kind, and the near misses, at its own now (%s)',
    async (iso) => {
      const now = new Date(iso);
      const { sandbox } = account({ now: () => now }, sampleSeed(now));

      const { content } = await generated(sandbox);

      expect(staleCredentials(content, now, 30)).toEqual(
        [
          'bob.martinez console-password unused',
          'breakglass-admin console-password unused',
          'carol.nguyen console-password never-used',
          'ci-deployer access-key-1 unused',
          'data-pipeline access-key-2 unused',
          'frank.li access-key-1 unused',
          'frank.li console-password unused',
          'legacy-reporting access-key-1 unused',
          'legacy-reporting console-password unused',
          'metrics-exporter access-key-1 never-used',
          'svc+etl=nightly,eu.ops@data_team-1 access-key-1 unused',
        ].sort(),
      );
    },
  );

  it('gives the project policy a finding of each kind, with the demo exemption list skipped', async () => {
    const now = new Date('2025-06-01T12:00:00.000Z');
    const { sandbox } = account({ now: () => now }, sampleSeed(now));
    const { content, generatedAt } = await generated(sandbox);

    const analysis = analyzeReport(parseCredentialReport(content, generatedAt), {
      now,
      days: 30,
      exemptUsers: [...SAMPLE_EXEMPT_USERS],
    });

    expect(new Set(analysis.findings.map((f) => `${f.credential} ${f.reason}`))).toEqual(
      new Set([
        'console-password unused',
        'console-password never-used',
        'access-key-1 unused',
        'access-key-1 never-used',
        'access-key-2 unused',
      ]),
    );
    expect(analysis.findings).toHaveLength(10);
    expect(analysis.skipped).toEqual(
      expect.arrayContaining([
        { userName: '<root_account>', reason: 'root' },
        { userName: 'breakglass-admin', reason: 'exempt' },
      ]),
    );
  });

  it('names exempt users that exist, and tags one user exempt', () => {
    const seed = sampleSeed(T0);
    const names = seed.users.map((u) => u.userName);

    for (const name of SAMPLE_EXEMPT_USERS) expect(names).toContain(name);
    const tagged = seed.users.filter((u) => u.tags?.[EXEMPT_TAG_KEY] === 'true').map((u) => u.userName);
    expect(tagged).toEqual(['legacy-reporting']);
    expect(seed.users.length).toBeGreaterThanOrEqual(12);
  });
});

describe('large account', () => {
  it('is deterministic, capped at 5,000 users, and about staleFraction stale', async () => {
    const now = new Date('2025-06-01T12:00:00.000Z');
    const a = largeAccountSeed({ users: 2000, staleFraction: 0.25, now, seed: 3 });

    expect(largeAccountSeed({ users: 2000, staleFraction: 0.25, now, seed: 3 })).toEqual(a);
    expect(largeAccountSeed({ users: 2000, staleFraction: 0.25, now, seed: 4 })).not.toEqual(a);
    expect(() => largeAccountSeed({ users: 5001, staleFraction: 0.1, now })).toThrow(RangeError);
    expect(() => largeAccountSeed({ users: 10, staleFraction: 2, now })).toThrow(RangeError);

    const { sandbox } = account({ now: () => now }, a);
    const { content } = await generated(sandbox);
    let active = 0;
    for (const row of rows(content)) {
      if (row.password_enabled === 'true') active += 1;
      if (row.access_key_1_active === 'true') active += 1;
      if (row.access_key_2_active === 'true') active += 1;
    }
    const stale = staleCredentials(content, now, 30).length;
    expect(stale / active).toBeGreaterThan(0.2);
    expect(stale / active).toBeLessThan(0.3);
    const kinds = new Set(staleCredentials(content, now, 30).map((s) => s.split(' ').slice(1).join(' ')));
    expect(kinds).toEqual(
      new Set([
        'console-password unused',
        'console-password never-used',
        'access-key-1 unused',
        'access-key-1 never-used',
        'access-key-2 unused',
        'access-key-2 never-used',
      ]),
    );
  });

  it('keeps every credential created after its user and used after its creation', () => {
    const seed = largeAccountSeed({ users: 5000, staleFraction: 0.5, now: T0 });
    for (const user of seed.users) {
      const creations = [user.loginProfile?.createdAt, ...user.accessKeys.map((k) => k.createdAt)];
      for (const created of creations) if (created) expect(created > user.createdAt).toBe(true);
      if (user.loginProfile?.passwordLastUsed) {
        expect(user.loginProfile.passwordLastUsed > user.loginProfile.createdAt).toBe(true);
      }
      for (const key of user.accessKeys) if (key.lastUsed) expect(key.lastUsed > key.createdAt).toBe(true);
    }
  });
});
