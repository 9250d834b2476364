/**
 * AwsIam over the real IAM wire protocol (awsQuery), against moto's server mode.
 *
 * Needs python3 with moto (server extras) and `moto_server` on PATH; these machines have moto 5.2.1.
 * Without them the suite is skipped and says why. Run alone: `npx vitest run test/integration`.
 * Limits of moto 5.2.1 that the suite works around rather than asserts:
 * - last-used dates cannot be backdated from outside its process, so the non-null
 *   getAccessKeyLastUsed path is covered by the unit tests (test/aws/iam.test.ts) only;
 * - CreateLoginProfile ignores PasswordResetRequired (its profiles always say false), so the
 *   suite checks the request body the adapter put on the wire instead.
 */
import type { ChildProcess } from 'node:child_process';
import {
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  DeleteAccountPasswordPolicyCommand,
  IAMClient,
  UpdateAccountPasswordPolicyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsIam } from '../../handlers/aws/iam.js';
import { parseCredentialReport } from '../../handlers/core/report/credential-report.js';
import { analyzeReport } from '../../handlers/core/report/staleness.js';
import { detectMoto, isCi, startMoto, stopMoto } from '../helpers/moto.js';
import { thrown } from '../helpers/thrown.js';

const CSV_HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,' +
  'password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,' +
  'access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,' +
  'access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,' +
  'access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,' +
  'cert_2_active,cert_2_last_rotated';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const PASSWORD = 'Moto-Test-Passw0rd!';

const moto = detectMoto();
if (!moto.available) {
  if (isCi()) throw new Error(`[test/integration/iam-moto] CI=true needs moto: ${moto.reason}`);
  console.warn(`[test/integration/iam-moto] skipped: ${moto.reason}`);
}

describe.skipIf(!moto.available)('AwsIam against moto_server (IAM wire protocol)', () => {
  let server: ChildProcess | undefined;
  let raw: IAMClient;
  let iam: AwsIam;
  const keys: string[] = [];
  /** Form-encoded bodies of the requests the adapter sent. */
  const sentBodies: string[] = [];

  beforeAll(async () => {
    // Prepare: a fresh moto, a raw client to seed it, and the adapter under test.
    const started = await startMoto();
    server = started.child;
    const config = {
      region: 'us-east-1',
      endpoint: started.endpoint,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      maxAttempts: 1,
    };
    raw = new IAMClient(config);
    const adapterClient = new IAMClient(config);
    adapterClient.middlewareStack.add(
      (next) => async (args) => {
        const body = (args.request as { body?: unknown }).body;
        if (typeof body === 'string') sentBodies.push(body);
        return next(args);
      },
      { step: 'finalizeRequest', name: 'recordRequestBodies' },
    );
    iam = new AwsIam(adapterClient);

    await raw.send(
      new CreateUserCommand({
        UserName: 'alice',
        Tags: [
          { Key: 'team', Value: 'payments' },
          { Key: 'credsweep:exempt', Value: 'false' },
        ],
      }),
    );
    await raw.send(new CreateLoginProfileCommand({ UserName: 'alice', Password: PASSWORD }));
    for (let i = 0; i < 2; i += 1) {
      const created = await raw.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
      if (!created.AccessKey?.AccessKeyId) throw new Error('moto created no access key');
      keys.push(created.AccessKey.AccessKeyId);
    }
    await raw.send(new CreateUserCommand({ UserName: 'bob' }));
  });

  afterAll(async () => {
    raw?.destroy();
    await stopMoto(server);
  });

  it('reads the credential report: ReportNotPresent first, then generated with the AWS CSV header', async () => {
    // Act
    const before = await thrown(() => iam.getCredentialReport());
    const state = await iam.generateCredentialReport();
    let again = await iam.generateCredentialReport();
    for (let poll = 0; again !== 'COMPLETE' && poll < 20; poll += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      again = await iam.generateCredentialReport();
    }
    const report = await iam.getCredentialReport();

    // Assess
    expect(before.name).toBe('ReportNotPresent');
    expect(before.cause).toMatchObject({
      name: 'CredentialReportNotPresentException',
      Code: 'ReportNotPresent',
    });
    expect(['STARTED', 'INPROGRESS', 'COMPLETE']).toContain(state);
    expect(again).toBe('COMPLETE');
    expect(report.generatedAt).toMatch(ISO);
    const lines = report.content.trim().split('\n');
    expect(lines[0]).toBe(CSV_HEADER);
    const users = lines.slice(1).map((line) => line.split(',')[0]);
    expect(users).toEqual(expect.arrayContaining(['alice', 'bob']));

    // A report credsweep did not write reads as IAM meant it: alice's password and both keys were
    // never used, so 30 days after their creation all three are stale; bob has no credential.
    const parsed = parseCredentialReport(report.content, report.generatedAt);
    const later = new Date(Date.now() + 31 * 86_400_000); // moto's GeneratedTime is a fixed 2015 date
    const findings = analyzeReport(parsed, { now: later, days: 30 }).findings;
    expect(findings.map((f) => `${f.userName} ${f.credential} ${f.reason}`)).toEqual([
      'alice console-password never-used',
      'alice access-key-1 never-used',
      'alice access-key-2 never-used',
    ]);
  });

  it('gets a user with its tags, and NoSuchEntity for an unknown one', async () => {
    // Act
    const alice = await iam.getUser('alice');
    const missing = await thrown(() => iam.getUser('nobody'));

    // Assess
    expect(alice).toEqual({
      userName: 'alice',
      createdAt: expect.stringMatching(ISO),
      passwordLastUsed: null,
      tags: { team: 'payments', 'credsweep:exempt': 'false' },
    });
    expect(missing.name).toBe('NoSuchEntity');
    expect(missing.message).toContain('nobody');
  });

  it('lists access keys, and none for a user without keys', async () => {
    // Act
    const aliceKeys = await iam.listAccessKeys('alice');
    const bobKeys = await iam.listAccessKeys('bob');

    // Assess
    expect(aliceKeys.map((key) => key.accessKeyId).sort()).toEqual([...keys].sort());
    for (const key of aliceKeys) {
      expect(key.status).toBe('Active');
      expect(key.createdAt).toMatch(ISO);
    }
    expect(bobKeys).toEqual([]);
  });

  it('gives null last use for a key never used, and NoSuchEntity for an unknown key', async () => {
    // Prepare
    const [first] = keys;
    if (!first) throw new Error('no seeded key');

    // Act
    const lastUsed = await iam.getAccessKeyLastUsed(first);
    const unknown = await thrown(() => iam.getAccessKeyLastUsed('AKIAIOSFODNN7EXAMPLE'));

    // Assess
    expect(lastUsed).toBeNull();
    expect(unknown.name).toBe('NoSuchEntity');
  });

  it('gets a login profile, and null for a user without a password', async () => {
    // Act
    const alice = await iam.getLoginProfile('alice');
    const bob = await iam.getLoginProfile('bob');

    // Assess
    expect(alice).toEqual({ createdAt: expect.stringMatching(ISO), passwordResetRequired: false });
    expect(bob).toBeNull();
  });

  it('deletes a login profile; deleting again or for a missing user is NoSuchEntity', async () => {
    // Act
    await iam.deleteLoginProfile('alice');
    const after = await iam.getLoginProfile('alice');
    const again = await thrown(() => iam.deleteLoginProfile('alice'));
    const ghost = await thrown(() => iam.deleteLoginProfile('ghost'));

    // Assess
    expect(after).toBeNull();
    expect(again.name).toBe('NoSuchEntity');
    expect(ghost.name).toBe('NoSuchEntity');
    expect(ghost.message).toContain('ghost');
  });

  it('creates a login profile asking for a reset; a second one is EntityAlreadyExists', async () => {
    // Act
    await iam.createLoginProfile('bob', PASSWORD, true);
    const profile = await iam.getLoginProfile('bob');
    const twice = await thrown(() => iam.createLoginProfile('bob', PASSWORD, true));

    // Assess
    expect(profile?.createdAt).toMatch(ISO);
    const created = sentBodies.find((body) => body.includes('Action=CreateLoginProfile'));
    expect(new URLSearchParams(created).get('PasswordResetRequired')).toBe('true');
    expect(new URLSearchParams(created).get('UserName')).toBe('bob');
    expect(twice.name).toBe('EntityAlreadyExists');
    expect(twice.cause).toMatchObject({ name: 'EntityAlreadyExistsException', Code: 'EntityAlreadyExists' });
  });

  it('deactivates and reactivates an access key; a missing user is NoSuchEntity', async () => {
    // Prepare
    const [first] = keys;
    if (!first) throw new Error('no seeded key');

    // Act
    await iam.updateAccessKey('alice', first, 'Inactive');
    const deactivated = (await iam.listAccessKeys('alice')).find((key) => key.accessKeyId === first);
    await iam.updateAccessKey('alice', first, 'Active');
    const reactivated = (await iam.listAccessKeys('alice')).find((key) => key.accessKeyId === first);
    const ghost = await thrown(() => iam.updateAccessKey('ghost', first, 'Inactive'));

    // Assess
    expect(deactivated?.status).toBe('Inactive');
    expect(reactivated?.status).toBe('Active');
    expect(ghost.name).toBe('NoSuchEntity');
  });

  it('reads the account password policy: null while none is set, then the policy as set', async () => {
    // Act
    const none = await iam.getAccountPasswordPolicy();
    await raw.send(
      new UpdateAccountPasswordPolicyCommand({
        MinimumPasswordLength: 100,
        RequireSymbols: true,
        RequireNumbers: true,
        RequireUppercaseCharacters: true,
        RequireLowercaseCharacters: true,
        PasswordReusePrevention: 5,
      }),
    );
    const set = await iam.getAccountPasswordPolicy();
    await raw.send(new DeleteAccountPasswordPolicyCommand({}));

    // Assess
    expect(none).toBeNull();
    expect(set).toMatchObject({
      MinimumPasswordLength: 100,
      RequireSymbols: true,
      RequireNumbers: true,
      RequireUppercaseCharacters: true,
      RequireLowercaseCharacters: true,
      PasswordReusePrevention: 5,
    });
  });
});
