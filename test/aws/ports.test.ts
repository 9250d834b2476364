import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidEnvironment, parseAwsEnv, settingsFromEnv } from '../../handlers/aws/ports.js';
import { DEFAULT_RETRY, IAM_RETRY } from '../../handlers/aws/retry.js';
import type { StorePort } from '../../handlers/ports/store.js';

const VALID = {
  TABLE_NAME: 'credsweep-table',
  BUCKET_NAME: 'credsweep-evidence-123456789012',
  SIGNING_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:credsweep/signing-key-AbCdEf',
  ACCOUNT_ID: '123456789012',
  APPROVER_EMAILS: 'sec1@example.com, sec2@example.com',
  SENDER_EMAIL: 'credsweep@example.com',
  APPROVAL_BASE_URL: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/',
  APPROVAL_TIMEOUT_SECONDS: '86400',
};

/** The problems InvalidEnvironment lists for `env`. */
function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    parseAwsEnv(env);
  } catch (err) {
    if (err instanceof InvalidEnvironment) return err.problems;
    throw err;
  }
  throw new Error('expected the environment to be invalid');
}

describe('parseAwsEnv', () => {
  it('reads a complete environment and applies the defaults', () => {
    // Act
    const env = parseAwsEnv(VALID);

    // Assess
    expect(env).toEqual({
      TABLE_NAME: 'credsweep-table',
      BUCKET_NAME: 'credsweep-evidence-123456789012',
      SIGNING_KEY_SECRET_ARN: VALID.SIGNING_KEY_SECRET_ARN,
      PASSWORD_SECRET_PREFIX: 'credsweep/restored/',
      ACCOUNT_ID: '123456789012',
      APPROVER_EMAILS: ['sec1@example.com', 'sec2@example.com'],
      SENDER_EMAIL: 'credsweep@example.com',
      APPROVAL_BASE_URL: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
      APPROVAL_TIMEOUT_SECONDS: 86_400,
      THRESHOLD_DAYS: 30,
      MAX_CREDENTIALS: 50,
      BATCH_SIZE: 25,
      EXEMPT_USERS: [],
      EXEMPT_TAG_KEY: 'credsweep:exempt',
      MAX_CREDENTIALS_TOTAL: 500,
      MEMBER_ROLE_NAME: 'credsweep-member',
      SECURITY_HUB_ADMINISTRATOR: false,
      WARN_DAYS: 7,
      CONSOLE_ACTION: 'disable',
      OWNER_TAG_KEY: 'credsweep:owner',
      OWNER_DOMAINS: [],
      APPROVALS_REQUIRED: 1,
      DELETE_APPROVALS_REQUIRED: 2,
    });
  });

  it('reads the lifecycle variables: warnings, the delete stage (off or days), the console action', () => {
    expect(
      parseAwsEnv({ ...VALID, WARN_DAYS: '0', DELETE_AFTER_DAYS: '90', CONSOLE_ACTION: 'reset' }),
    ).toMatchObject({ WARN_DAYS: 0, DELETE_AFTER_DAYS: 90, CONSOLE_ACTION: 'reset' });
    expect(parseAwsEnv({ ...VALID, DELETE_AFTER_DAYS: 'off' }).DELETE_AFTER_DAYS).toBeUndefined();
    expect(problemsOf({ ...VALID, CONSOLE_ACTION: 'wipe' })).toEqual([
      'CONSOLE_ACTION: must be disable or reset',
    ]);
  });

  it('reads the optional variables when set, and treats blank ones as unset', () => {
    // Act
    const env = parseAwsEnv({
      ...VALID,
      PASSWORD_SECRET_PREFIX: 'audit/restored/',
      THRESHOLD_DAYS: '90',
      MAX_CREDENTIALS: '10',
      BATCH_SIZE: ' 5 ',
      EXEMPT_USERS: 'break-glass, ci-deployer,',
      EXEMPT_TAG_KEY: '',
    });

    // Assess
    expect(env).toMatchObject({
      PASSWORD_SECRET_PREFIX: 'audit/restored/',
      THRESHOLD_DAYS: 90,
      MAX_CREDENTIALS: 10,
      BATCH_SIZE: 5,
      EXEMPT_USERS: ['break-glass', 'ci-deployer'],
      EXEMPT_TAG_KEY: 'credsweep:exempt',
    });
  });

  it('lists every missing required variable', () => {
    // Act
    const problems = problemsOf({});

    // Assess
    expect(problems).toEqual([
      'TABLE_NAME: is required',
      'BUCKET_NAME: is required',
      'SIGNING_KEY_SECRET_ARN: is required',
      'ACCOUNT_ID: is required',
      'APPROVER_EMAILS: is required',
      'SENDER_EMAIL: is required',
      'APPROVAL_BASE_URL: is required',
      'APPROVAL_TIMEOUT_SECONDS: is required',
    ]);
  });

  it('names each invalid value and why', () => {
    // Act
    const problems = problemsOf({
      ...VALID,
      TABLE_NAME: 'no spaces allowed',
      BUCKET_NAME: 'Upper_Case',
      SIGNING_KEY_SECRET_ARN: 'credsweep/signing-key',
      PASSWORD_SECRET_PREFIX: 'bad prefix!',
      ACCOUNT_ID: '12345',
      APPROVER_EMAILS: 'sec1@example.com,bob',
      SENDER_EMAIL: 'not-an-email',
      APPROVAL_BASE_URL: 'http://abc123.execute-api.eu-west-1.amazonaws.com/prod',
      APPROVAL_TIMEOUT_SECONDS: 'one day',
      THRESHOLD_DAYS: '0',
      MAX_CREDENTIALS: '2.5',
      BATCH_SIZE: '-1',
    });

    // Assess
    expect(problems).toEqual([
      'TABLE_NAME: must be a DynamoDB table name',
      'BUCKET_NAME: must be an S3 bucket name',
      'SIGNING_KEY_SECRET_ARN: must be a Secrets Manager secret ARN',
      'PASSWORD_SECRET_PREFIX: may hold only letters, digits and /_+=.@-',
      'ACCOUNT_ID: must be a 12-digit AWS account id',
      'APPROVER_EMAILS (entry 2): "bob" is not an email address',
      'SENDER_EMAIL: "not-an-email" is not an email address',
      'APPROVAL_BASE_URL: must be an https:// URL',
      'APPROVAL_TIMEOUT_SECONDS: must be a whole number',
      'THRESHOLD_DAYS: must be at least 1',
      'MAX_CREDENTIALS: must be a whole number',
      'BATCH_SIZE: must be a whole number',
    ]);
  });

  it('requires at least one approver', () => {
    // Act
    const problems = problemsOf({ ...VALID, APPROVER_EMAILS: ' , ' });

    // Assess
    expect(problems).toEqual(['APPROVER_EMAILS: must name at least one address']);
  });

  it('puts the whole list in the error message', () => {
    // Act
    const parsing = () => parseAwsEnv({ ...VALID, TABLE_NAME: undefined, ACCOUNT_ID: 'x' });

    // Assess
    expect(parsing).toThrow(
      'credsweep: the Lambda environment is invalid:\n' +
        '  - TABLE_NAME: is required\n' +
        '  - ACCOUNT_ID: must be a 12-digit AWS account id',
    );
  });
});

describe('settingsFromEnv', () => {
  it('maps the environment to the Settings the tasks read', () => {
    // Act
    const settings = settingsFromEnv(parseAwsEnv({ ...VALID, EXEMPT_USERS: 'break-glass' }));

    // Assess
    expect(settings).toEqual({
      accountId: '123456789012',
      approverEmails: ['sec1@example.com', 'sec2@example.com'],
      senderEmail: 'credsweep@example.com',
      approvalBaseUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
      approvalTimeoutSeconds: 86_400,
      thresholdDays: 30,
      maxCredentials: 50,
      maxCredentialsTotal: 500,
      batchSize: 25,
      exemptUsers: ['break-glass'],
      exemptTagKey: 'credsweep:exempt',
      warnDays: 7,
      deleteAfterDays: null,
      consoleAction: 'disable',
      ownerTagKey: 'credsweep:owner',
      ownerDomains: [],
      approvalsRequired: 1,
      deleteApprovalsRequired: 2,
      passwordSecretPrefix: 'credsweep/restored/',
      securityHubAdministrator: false,
      evidenceLocation: `s3://${VALID.BUCKET_NAME}/`,
      commandOptions: '',
    });
    // The commands a mail suggests name a stack the CLI would not find by default.
    expect(settingsFromEnv(parseAwsEnv({ ...VALID, STACK_NAME: 'SecurityTools' })).commandOptions).toBe(
      '--stack SecurityTools',
    );
    expect(settingsFromEnv(parseAwsEnv({ ...VALID, STACK_NAME: 'Credsweep' })).commandOptions).toBe('');
    expect(() => parseAwsEnv({ ...VALID, STACK_NAME: 'bad name; rm -rf' })).toThrow(
      'STACK_NAME: must be a CloudFormation stack name',
    );
    expect(settingsFromEnv(parseAwsEnv({ ...VALID, SECURITY_HUB_ADMINISTRATOR: 'true' }))).toMatchObject({
      securityHubAdministrator: true,
    });
    expect(() => parseAwsEnv({ ...VALID, SECURITY_HUB_ADMINISTRATOR: 'yes' })).toThrow(
      'SECURITY_HUB_ADMINISTRATOR: must be true or false',
    );
  });
});

describe('awsPorts', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  /** A fresh copy of the module, so its memo starts empty. */
  async function freshPortsModule() {
    vi.resetModules();
    return import('../../handlers/aws/ports.js');
  }

  it('builds the ports once and returns the same object afterwards', async () => {
    // Prepare
    for (const [name, value] of Object.entries(VALID)) vi.stubEnv(name, value);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    const { awsPorts, use } = await freshPortsModule();
    const { iamAdapter } = await import('../../handlers/aws/adapters.js');

    // Act
    const first = awsPorts({ iam: use(iamAdapter, 'getUser') });
    const second = awsPorts({ iam: use(iamAdapter, 'getUser') });

    // Assess
    expect(second).toBe(first);
    expect(first.settings.accountId).toBe('123456789012');
    expect(first.now()).toBeInstanceOf(Date);
    expect(Math.abs(first.now().getTime() - Date.now())).toBeLessThan(5_000);
  });

  it('throws InvalidEnvironment on every call while the environment is invalid', async () => {
    // Prepare
    for (const [name, value] of Object.entries(VALID)) vi.stubEnv(name, value);
    vi.stubEnv('TABLE_NAME', '');
    const { awsPorts } = await freshPortsModule();

    // Act
    const calling = () => awsPorts({});

    // Assess
    expect(calling).toThrow('TABLE_NAME: is required');
    expect(calling).toThrow('TABLE_NAME: is required');
  });
});

describe('clients', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('builds each client once, with throttling retries (adaptive for IAM)', async () => {
    // Prepare
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.resetModules();
    const { iamClient } = await import('../../handlers/aws/iam.js');
    const { dynamoDocumentClient } = await import('../../handlers/aws/store.js');
    const { s3Client } = await import('../../handlers/aws/blobs.js');
    const { sesClient } = await import('../../handlers/aws/mail.js');
    const { secretsManagerClient } = await import('../../handlers/aws/secrets.js');
    const { sfnClient } = await import('../../handlers/aws/task-callbacks.js');

    // Act
    const iam = iamClient();
    const doc = dynamoDocumentClient();

    // Assess
    expect(iamClient()).toBe(iam);
    expect(dynamoDocumentClient()).toBe(doc);
    expect(s3Client()).toBe(s3Client());
    expect(sesClient()).toBe(sesClient());
    expect(secretsManagerClient()).toBe(secretsManagerClient());
    expect(sfnClient()).toBe(sfnClient());
    expect(await iam.config.maxAttempts()).toBe(IAM_RETRY.maxAttempts);
    expect(await iam.config.retryStrategy()).toMatchObject({ mode: 'adaptive' });
    expect(await s3Client().config.maxAttempts()).toBe(DEFAULT_RETRY.maxAttempts);
    expect(doc.config.translateConfig?.marshallOptions?.removeUndefinedValues).toBe(true);
  });
});

describe('adapters', () => {
  it('are loaded on the first call of a port, once, and not before', async () => {
    // Prepare
    const { buildAwsPorts, use } = await import('../../handlers/aws/ports.js');
    const { memoryPorts } = await import('../helpers/memory-ports.js');
    const store: StorePort = memoryPorts().store;
    let loads = 0;
    const adapter = {
      load: async () => {
        loads += 1;
        return () => store;
      },
    };
    const ports = buildAwsPorts(parseAwsEnv(VALID), { store: use(adapter, 'getApproval', 'listLedger') });
    const loadsBeforeUse = loads;

    // Act
    const approval = await ports.store.getApproval('nope');
    const ledger = await ports.store.listLedger('arn:aws:states:us-east-1:123456789012:execution:sm:run');

    // Assess
    expect(loadsBeforeUse).toBe(0);
    expect(loads).toBe(1);
    expect(approval).toBeNull();
    expect(ledger).toEqual([]);
  });
});

describe('ports a function was not given', () => {
  it('fail loudly, naming the port, instead of reaching a service the role does not allow', async () => {
    // Prepare
    const { buildAwsPorts } = await import('../../handlers/aws/ports.js');
    const ports = buildAwsPorts(parseAwsEnv(VALID), {});

    // Act
    const sending = () => ports.mail.send({ to: ['a@example.com'], subject: 's', text: 't', html: 'h' });

    // Assess
    expect(sending).toThrow('this Lambda function was built without the mail port (called mail.send)');
  });
});

describe('port methods a function does not declare', () => {
  it('fail loudly, naming the method, before any request leaves (its role would not allow it)', async () => {
    // Prepare
    const { buildAwsPorts, use } = await import('../../handlers/aws/ports.js');
    const { storeAdapter } = await import('../../handlers/aws/adapters.js');
    const ports = buildAwsPorts(parseAwsEnv(VALID), { store: use(storeAdapter, 'getApproval') });

    // Act
    const marking = () => ports.store.markMailed('abc', '2026-01-01T00:00:00Z');

    // Assess
    expect(marking).toThrow(/does not declare store\.markMailed, so its role does not allow it/);
    expect(typeof ports.store.getApproval).toBe('function');
  });

  it('are refused the same way on local ports (restrictPorts), so local runs prove each declaration', async () => {
    // Prepare
    const { restrictPorts, use } = await import('../../handlers/aws/ports.js');
    const { memoryPorts } = await import('../helpers/memory-ports.js');
    const { storeAdapter } = await import('../../handlers/aws/adapters.js');
    const ports = restrictPorts(memoryPorts(), { store: use(storeAdapter, 'getApproval') });

    // Act
    const result = await ports.store.getApproval('nope');

    // Assess
    expect(result).toBeNull();
    expect(() => ports.store.putApproval({} as never)).toThrow(/does not declare store\.putApproval/);
    expect(() => ports.iam.getUser('alice')).toThrow('built without the iam port');
  });
});
