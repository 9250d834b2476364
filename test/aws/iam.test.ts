import {
  CreateLoginProfileCommand,
  CredentialReportExpiredException,
  CredentialReportNotPresentException,
  CredentialReportNotReadyException,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  EntityAlreadyExistsException,
  GenerateCredentialReportCommand,
  GetAccessKeyLastUsedCommand,
  GetAccountPasswordPolicyCommand,
  GetCredentialReportCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  IAMClient,
  IAMServiceException,
  LimitExceededException,
  ListAccessKeysCommand,
  NoSuchEntityException,
  PasswordPolicyViolationException,
  UpdateAccessKeyCommand,
  UpdateLoginProfileCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsIam, iamErrorCode, normaliseIamError } from '../../handlers/aws/iam.js';
import { thrown } from '../helpers/thrown.js';

const iamMock = mockClient(IAMClient);
const meta = { $metadata: {} };

function serviceError(name: string, message = `${name} happened`) {
  return new IAMServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message });
}

describe('AwsIam', () => {
  let iam: AwsIam;

  beforeEach(() => {
    iamMock.reset();
    iam = new AwsIam(new IAMClient({ region: 'us-east-1' }));
  });

  afterEach(() => {
    iamMock.reset();
  });

  describe('credential report', () => {
    it('returns the State of GenerateCredentialReport', async () => {
      // Prepare
      iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'INPROGRESS', ...meta });

      // Act
      const state = await iam.generateCredentialReport();

      // Assess
      expect(state).toBe('INPROGRESS');
      expect(iamMock).toHaveReceivedCommandOnce(GenerateCredentialReportCommand);
    });

    it('rejects an unknown report State', async () => {
      // Prepare
      iamMock.on(GenerateCredentialReportCommand).resolves({ ...meta });

      // Act
      const err = await thrown(() => iam.generateCredentialReport());

      // Assess
      expect(err.message).toContain('unknown State');
    });

    it('decodes the report Content as UTF-8 and gives GeneratedTime as ISO', async () => {
      // Prepare
      const csv = 'user,arn\nrenée,arn:aws:iam::123456789012:user/renée\n';
      iamMock.on(GetCredentialReportCommand).resolves({
        Content: new TextEncoder().encode(csv),
        GeneratedTime: new Date('2025-03-01T10:00:00Z'),
        ReportFormat: 'text/csv',
        ...meta,
      });

      // Act
      const report = await iam.getCredentialReport();

      // Assess
      expect(report).toEqual({ content: csv, generatedAt: '2025-03-01T10:00:00.000Z' });
      expect(iamMock).toHaveReceivedCommandOnce(GetCredentialReportCommand);
    });

    it.each([
      [
        new CredentialReportNotPresentException({ message: 'not present', $metadata: {} }),
        'ReportNotPresent',
      ],
      [new CredentialReportExpiredException({ message: 'expired', $metadata: {} }), 'ReportExpired'],
      [new CredentialReportNotReadyException({ message: 'in progress', $metadata: {} }), 'ReportInProgress'],
    ])('renames %o to %s', async (sdkError, name) => {
      // Prepare
      iamMock.on(GetCredentialReportCommand).rejects(sdkError);

      // Act
      const err = await thrown(() => iam.getCredentialReport());

      // Assess
      expect(err.name).toBe(name);
      expect(err.message).toBe(sdkError.message);
      expect(err.cause).toBe(sdkError);
    });
  });

  describe('getUser', () => {
    it('maps the user, its tags and the password last use', async () => {
      // Prepare
      iamMock.on(GetUserCommand).resolves({
        User: {
          UserName: 'alice',
          UserId: 'AIDAEXAMPLE',
          Arn: 'arn:aws:iam::123456789012:user/alice',
          Path: '/',
          CreateDate: new Date('2020-01-02T03:04:05Z'),
          PasswordLastUsed: new Date('2024-12-31T00:00:00Z'),
          Tags: [
            { Key: 'team', Value: 'payments' },
            { Key: 'credsweep:exempt', Value: 'true' },
          ],
        },
        ...meta,
      });

      // Act
      const user = await iam.getUser('alice');

      // Assess
      expect(iamMock).toHaveReceivedCommandExactlyOnceWith(GetUserCommand, { UserName: 'alice' });
      expect(user).toEqual({
        userName: 'alice',
        createdAt: '2020-01-02T03:04:05.000Z',
        passwordLastUsed: '2024-12-31T00:00:00.000Z',
        tags: { team: 'payments', 'credsweep:exempt': 'true' },
      });
    });

    it('gives null passwordLastUsed and empty tags when IAM returns none', async () => {
      // Prepare
      iamMock.on(GetUserCommand).resolves({
        User: {
          UserName: 'bob',
          UserId: 'x',
          Arn: 'arn',
          Path: '/',
          CreateDate: new Date('2021-05-05T00:00:00Z'),
        },
        ...meta,
      });

      // Act
      const user = await iam.getUser('bob');

      // Assess
      expect(user).toEqual({
        userName: 'bob',
        createdAt: '2021-05-05T00:00:00.000Z',
        passwordLastUsed: null,
        tags: {},
      });
    });

    it('throws NoSuchEntity for a missing user', async () => {
      // Prepare
      iamMock.on(GetUserCommand).rejects(new NoSuchEntityException({ message: 'no bob', $metadata: {} }));

      // Act
      const err = await thrown(() => iam.getUser('bob'));

      // Assess
      expect(err.name).toBe('NoSuchEntity');
      expect(err.message).toBe('no bob');
    });
  });

  describe('listAccessKeys', () => {
    it('follows Marker while IsTruncated and maps every key', async () => {
      // Prepare
      iamMock
        .on(ListAccessKeysCommand, { UserName: 'alice', Marker: undefined })
        .resolves({
          AccessKeyMetadata: [
            {
              UserName: 'alice',
              AccessKeyId: 'AKIAONE',
              Status: 'Active',
              CreateDate: new Date('2022-01-01T00:00:00Z'),
            },
          ],
          IsTruncated: true,
          Marker: 'page-2',
          ...meta,
        })
        .on(ListAccessKeysCommand, { UserName: 'alice', Marker: 'page-2' })
        .resolves({
          AccessKeyMetadata: [
            {
              UserName: 'alice',
              AccessKeyId: 'AKIATWO',
              Status: 'Inactive',
              CreateDate: new Date('2023-01-01T00:00:00Z'),
            },
          ],
          IsTruncated: false,
          ...meta,
        });

      // Act
      const keys = await iam.listAccessKeys('alice');

      // Assess
      expect(iamMock).toHaveReceivedCommandTimes(ListAccessKeysCommand, 2);
      expect(iamMock).toHaveReceivedNthCommandWith(ListAccessKeysCommand, 2, {
        UserName: 'alice',
        Marker: 'page-2',
      });
      const inputs = iamMock.commandCalls(ListAccessKeysCommand).map((call) => call.args[0].input);
      expect(inputs).toEqual([
        { UserName: 'alice', Marker: undefined },
        { UserName: 'alice', Marker: 'page-2' },
      ]);
      expect(keys).toEqual([
        { accessKeyId: 'AKIAONE', status: 'Active', createdAt: '2022-01-01T00:00:00.000Z' },
        { accessKeyId: 'AKIATWO', status: 'Inactive', createdAt: '2023-01-01T00:00:00.000Z' },
      ]);
    });

    it('counts an Expired key as Inactive', async () => {
      // Prepare
      iamMock.on(ListAccessKeysCommand).resolves({
        AccessKeyMetadata: [
          { AccessKeyId: 'AKIAOLD', Status: 'Expired', CreateDate: new Date('2020-01-01T00:00:00Z') },
        ],
        IsTruncated: false,
        ...meta,
      });

      // Act
      const keys = await iam.listAccessKeys('carol');

      // Assess
      expect(keys).toEqual([
        { accessKeyId: 'AKIAOLD', status: 'Inactive', createdAt: '2020-01-01T00:00:00.000Z' },
      ]);
    });
  });

  describe('getAccessKeyLastUsed', () => {
    it('returns LastUsedDate as ISO', async () => {
      // Prepare
      iamMock.on(GetAccessKeyLastUsedCommand).resolves({
        UserName: 'alice',
        AccessKeyLastUsed: {
          LastUsedDate: new Date('2025-02-03T04:05:06Z'),
          ServiceName: 's3',
          Region: 'eu-west-1',
        },
        ...meta,
      });

      // Act
      const lastUsed = await iam.getAccessKeyLastUsed('AKIAONE');

      // Assess
      expect(iamMock).toHaveReceivedCommandExactlyOnceWith(GetAccessKeyLastUsedCommand, {
        AccessKeyId: 'AKIAONE',
      });
      expect(lastUsed).toBe('2025-02-03T04:05:06.000Z');
    });

    it('returns null for a key never used (IAM answers N/A without a date)', async () => {
      // Prepare
      iamMock.on(GetAccessKeyLastUsedCommand).resolves({
        UserName: 'alice',
        AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' },
        ...meta,
      });

      // Act
      const lastUsed = await iam.getAccessKeyLastUsed('AKIANEVER');

      // Assess
      expect(lastUsed).toBeNull();
    });
  });

  describe('login profiles', () => {
    it('returns the login profile', async () => {
      // Prepare
      iamMock.on(GetLoginProfileCommand).resolves({
        LoginProfile: {
          UserName: 'alice',
          CreateDate: new Date('2021-06-07T08:09:10Z'),
          PasswordResetRequired: true,
        },
        ...meta,
      });

      // Act
      const profile = await iam.getLoginProfile('alice');

      // Assess
      expect(iamMock).toHaveReceivedCommandExactlyOnceWith(GetLoginProfileCommand, { UserName: 'alice' });
      expect(profile).toEqual({ createdAt: '2021-06-07T08:09:10.000Z', passwordResetRequired: true });
    });

    it('returns null when the user has no console password', async () => {
      // Prepare
      iamMock
        .on(GetLoginProfileCommand)
        .rejects(new NoSuchEntityException({ message: 'none', $metadata: {} }));

      // Act
      const profile = await iam.getLoginProfile('bob');

      // Assess
      expect(profile).toBeNull();
    });

    it('lets other errors of GetLoginProfile through, renamed', async () => {
      // Prepare
      iamMock.on(GetLoginProfileCommand).rejects(serviceError('AccessDenied', 'not allowed'));

      // Act
      const err = await thrown(() => iam.getLoginProfile('bob'));

      // Assess
      expect(err.name).toBe('AccessDenied');
      expect(err.message).toBe('not allowed');
    });

    it('deletes the login profile', async () => {
      // Prepare
      iamMock.on(DeleteLoginProfileCommand).resolves({ ...meta });

      // Act
      await iam.deleteLoginProfile('alice');

      // Assess
      expect(iamMock).toHaveReceivedCommandExactlyOnceWith(DeleteLoginProfileCommand, { UserName: 'alice' });
    });

    it('throws NoSuchEntity when deleting a login profile that is not there', async () => {
      // Prepare
      iamMock
        .on(DeleteLoginProfileCommand)
        .rejects(new NoSuchEntityException({ message: 'gone', $metadata: {} }));

      // Act
      const err = await thrown(() => iam.deleteLoginProfile('alice'));

      // Assess
      expect(err.name).toBe('NoSuchEntity');
    });

    it('creates a login profile with PasswordResetRequired', async () => {
      // Prepare
      iamMock.on(CreateLoginProfileCommand).resolves({
        LoginProfile: { UserName: 'alice', CreateDate: new Date(), PasswordResetRequired: true },
        ...meta,
      });

      // Act
      await iam.createLoginProfile('alice', 'Str0ng!Passw0rd', true);

      // Assess
      expect(iamMock).toHaveReceivedCommandExactlyOnceWith(CreateLoginProfileCommand, {
        UserName: 'alice',
        Password: 'Str0ng!Passw0rd',
        PasswordResetRequired: true,
      });
    });

    it('throws EntityAlreadyExists when the user already has a password', async () => {
      // Prepare
      iamMock
        .on(CreateLoginProfileCommand)
        .rejects(new EntityAlreadyExistsException({ message: 'already has password', $metadata: {} }));

      // Act
      const err = await thrown(() => iam.createLoginProfile('alice', 'Str0ng!Passw0rd', true));

      // Assess
      expect(err.name).toBe('EntityAlreadyExists');
      expect(err.message).toBe('already has password');
    });
  });

  describe('getAccountPasswordPolicy', () => {
    it("returns the policy with IAM's field names, leaving out what IAM left out", async () => {
      // Prepare
      iamMock.on(GetAccountPasswordPolicyCommand).resolves({
        PasswordPolicy: {
          MinimumPasswordLength: 100,
          RequireSymbols: true,
          RequireNumbers: true,
          RequireUppercaseCharacters: true,
          RequireLowercaseCharacters: false,
          AllowUsersToChangePassword: true,
          ExpirePasswords: false,
        },
        ...meta,
      });

      // Act
      const policy = await iam.getAccountPasswordPolicy();

      // Assess
      expect(iamMock).toHaveReceivedCommandOnce(GetAccountPasswordPolicyCommand);
      expect(policy).toEqual({
        MinimumPasswordLength: 100,
        RequireSymbols: true,
        RequireNumbers: true,
        RequireUppercaseCharacters: true,
        RequireLowercaseCharacters: false,
        AllowUsersToChangePassword: true,
      });
    });

    it("returns null when the account has no policy (NoSuchEntity: IAM's default applies)", async () => {
      // Prepare
      iamMock.on(GetAccountPasswordPolicyCommand).rejects(
        new NoSuchEntityException({
          message: 'The Password Policy with domain name 123456789012 cannot be found.',
          $metadata: {},
        }),
      );

      // Act
      const policy = await iam.getAccountPasswordPolicy();

      // Assess
      expect(policy).toBeNull();
    });

    it('lets other errors through, renamed', async () => {
      // Prepare
      iamMock.on(GetAccountPasswordPolicyCommand).rejects(serviceError('AccessDenied', 'not allowed'));

      // Act
      const err = await thrown(() => iam.getAccountPasswordPolicy());

      // Assess
      expect(err.name).toBe('AccessDenied');
    });
  });

  describe('updateAccessKey', () => {
    it('sends the user, the key and the status', async () => {
      // Prepare
      iamMock.on(UpdateAccessKeyCommand).resolves({ ...meta });

      // Act
      await iam.updateAccessKey('alice', 'AKIAONE', 'Inactive');

      // Assess
      expect(iamMock).toHaveReceivedCommandExactlyOnceWith(UpdateAccessKeyCommand, {
        UserName: 'alice',
        AccessKeyId: 'AKIAONE',
        Status: 'Inactive',
      });
    });

    it('keeps Throttling named Throttling after the SDK gives up', async () => {
      // Prepare
      const throttled = serviceError('Throttling', 'Rate exceeded');
      iamMock.on(UpdateAccessKeyCommand).rejects(throttled);

      // Act
      const err = await thrown(() => iam.updateAccessKey('alice', 'AKIAONE', 'Inactive'));

      // Assess
      expect(err.name).toBe('Throttling');
      expect(err.message).toBe('Rate exceeded');
    });

    it('throws LimitExceeded renamed', async () => {
      // Prepare
      iamMock
        .on(UpdateAccessKeyCommand)
        .rejects(new LimitExceededException({ message: 'limit', $metadata: {} }));

      // Act
      const err = await thrown(() => iam.updateAccessKey('alice', 'AKIAONE', 'Active'));

      // Assess
      expect(err.name).toBe('LimitExceeded');
    });
  });
  describe('updateLoginProfile (consoleAction reset)', () => {
    it('sends the user, the new password and PasswordResetRequired', async () => {
      // Prepare
      iamMock.on(UpdateLoginProfileCommand).resolves({ ...meta });

      // Act
      await iam.updateLoginProfile('alice', 'N3w!Generated-Passw0rd', true);

      // Assess
      expect(iamMock).toHaveReceivedCommandExactlyOnceWith(UpdateLoginProfileCommand, {
        UserName: 'alice',
        Password: 'N3w!Generated-Passw0rd',
        PasswordResetRequired: true,
      });
    });

    it('throws NoSuchEntity when the user has no console password any more', async () => {
      // Prepare
      iamMock.on(UpdateLoginProfileCommand).rejects(
        new NoSuchEntityException({
          message: 'Login Profile for User alice cannot be found.',
          $metadata: {},
        }),
      );

      // Act
      const err = await thrown(() => iam.updateLoginProfile('alice', 'N3w!Generated-Passw0rd', true));

      // Assess
      expect(err.name).toBe('NoSuchEntity');
      expect(err.message).toBe('Login Profile for User alice cannot be found.');
    });

    it('throws PasswordPolicyViolation renamed, without the password in the message', async () => {
      // Prepare
      iamMock.on(UpdateLoginProfileCommand).rejects(
        new PasswordPolicyViolationException({
          message: 'Password should have at least one uppercase letter',
          $metadata: {},
        }),
      );

      // Act
      const err = await thrown(() => iam.updateLoginProfile('alice', 'weak-secret-value', true));

      // Assess
      expect(err.name).toBe('PasswordPolicyViolation');
      expect(err.message).not.toContain('weak-secret-value');
    });
  });

  describe('deleteAccessKey (the delete stage)', () => {
    it('sends the user and the key', async () => {
      // Prepare
      iamMock.on(DeleteAccessKeyCommand).resolves({ ...meta });

      // Act
      await iam.deleteAccessKey('alice', 'AKIAOLDKEY');

      // Assess
      expect(iamMock).toHaveReceivedCommandExactlyOnceWith(DeleteAccessKeyCommand, {
        UserName: 'alice',
        AccessKeyId: 'AKIAOLDKEY',
      });
    });

    it('throws NoSuchEntity when the key is already gone', async () => {
      // Prepare
      iamMock.on(DeleteAccessKeyCommand).rejects(
        new NoSuchEntityException({
          message: 'The Access Key with id AKIAOLDKEY cannot be found.',
          $metadata: {},
        }),
      );

      // Act
      const err = await thrown(() => iam.deleteAccessKey('alice', 'AKIAOLDKEY'));

      // Assess
      expect(err.name).toBe('NoSuchEntity');
    });

    it('keeps Throttling named Throttling', async () => {
      // Prepare
      iamMock.on(DeleteAccessKeyCommand).rejects(serviceError('Throttling', 'Rate exceeded'));

      // Act
      const err = await thrown(() => iam.deleteAccessKey('alice', 'AKIAOLDKEY'));

      // Assess
      expect(err.name).toBe('Throttling');
    });
  });
});

describe('normaliseIamError', () => {
  it.each([
    ['ThrottlingException', 'Throttling'],
    ['AccessDeniedException', 'AccessDenied'],
    ['Throttling', 'Throttling'],
    ['AccessDenied', 'AccessDenied'],
  ])('names %s as %s', (sdkName, shortName) => {
    // Prepare
    const sdkError = serviceError(sdkName);

    // Act
    const err = normaliseIamError(sdkError);

    // Assess
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe(shortName);
  });

  it('prefers the wire Code the awsQuery protocol puts on the error', () => {
    // Prepare
    const sdkError = Object.assign(serviceError('DeleteConflictException', 'conflict'), {
      Code: 'DeleteConflict',
    });

    // Act
    const err = normaliseIamError(sdkError) as Error;

    // Assess
    expect(err.name).toBe('DeleteConflict');
    expect(err.message).toBe('conflict');
    expect(err.cause).toBe(sdkError);
  });

  it('leaves errors that are not from IAM unchanged', () => {
    // Prepare
    const network = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

    // Act
    const err = normaliseIamError(network);

    // Assess
    expect(err).toBe(network);
    expect(iamErrorCode(network)).toBeUndefined();
    expect(iamErrorCode('a string')).toBeUndefined();
  });
});
