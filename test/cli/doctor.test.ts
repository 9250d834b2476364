/**
 * `credsweep doctor` against a deployed stack, AWS mocked at the SDK boundary (aws-sdk-client-mock)
 * and the approval API a real HTTP server on 127.0.0.1: each check's ok and problem path, the
 * --json shape and the exit code.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CloudFormationClient,
  DescribeStackSetCommand,
  DescribeStacksCommand,
  ListStackInstancesCommand,
  ListStackResourcesCommand,
  type StackInstanceSummary,
} from '@aws-sdk/client-cloudformation';
import {
  CloudWatchClient,
  DescribeAlarmsForMetricCommand,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import {
  type EvaluationResult,
  GetAccountPasswordPolicyCommand,
  IAMClient,
  IAMServiceException,
  NoSuchEntityException,
  SimulatePrincipalPolicyCommand,
  type SimulatePrincipalPolicyCommandInput,
} from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListChildrenCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeHubCommand, InvalidAccessException, SecurityHubClient } from '@aws-sdk/client-securityhub';
import {
  GetAccountCommand,
  GetEmailIdentityCommand,
  NotFoundException,
  SESv2Client,
} from '@aws-sdk/client-sesv2';
import {
  DescribeStateMachineCommand,
  ListExecutionsCommand,
  SFNClient,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deployedFunctionIds, ACCOUNT_FUNCTION_IDS as FUNCTION_IDS } from '../../handlers/aws/permissions.js';
import { runCli } from '../helpers/cli.js';
import { credsweepStack } from '../helpers/stack-outputs.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const STATE_MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:CredsweepRemediation`;
const SENDER = 'credsweep@example.com';
const APPROVERS = ['alice.sec@example.com', 'bob.sec@corp.example.org'];
const ALARM = 'Credsweep-FailedRunsAlarm1A2B3C4D-XYZ';
const roleArn = (id: string) => `arn:aws:iam::${ACCOUNT}:role/Credsweep-${id}Role-ABC`;

const meta = { $metadata: {} };
const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const ses = mockClient(SESv2Client);
const iam = mockClient(IAMClient);
const sfn = mockClient(SFNClient);
const cloudwatch = mockClient(CloudWatchClient);
const securityHub = mockClient(SecurityHubClient);
const organizations = mockClient(OrganizationsClient);
const s3 = mockClient(S3Client);

/** The approval API stand-in: answers every request with `status`, records the paths asked. */
let status = 404;
const asked: string[] = [];
let server: Server;
let apiUrl: string;

const savedEnv = { ...process.env };
beforeAll(async () => {
  process.env.AWS_REGION = REGION;
  delete process.env.AWS_PROFILE;
  server = createServer((req, res) => {
    asked.push(req.url ?? '');
    res.writeHead(status, { 'content-type': 'text/html' }).end('<p>page</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  process.env = savedEnv;
  await new Promise((resolve) => server.close(resolve));
});

/** IAM's answer for the requested actions: allowed unless named in `denied`; exempt changes denied. */
function simulation(denied: Set<string> = new Set()) {
  return (input: SimulatePrincipalPolicyCommandInput) => {
    const exempt = input.ContextEntries?.some(
      (c) => c.ContextKeyName?.startsWith('iam:ResourceTag/') && c.ContextKeyValues?.[0] === 'true',
    );
    const results: EvaluationResult[] = (input.ActionNames ?? []).map((action) => ({
      EvalActionName: action,
      EvalResourceName: input.ResourceArns?.[0] ?? '*',
      EvalDecision: exempt ? 'explicitDeny' : denied.has(action) ? 'implicitDeny' : 'allowed',
    }));
    return { ...meta, EvaluationResults: results, IsTruncated: false };
  };
}

/** A stack resource as ListStackResources reports it. */
const stackResource = (LogicalResourceId: string, PhysicalResourceId: string, ResourceType: string) => ({
  LogicalResourceId,
  PhysicalResourceId,
  ResourceType,
  ResourceStatus: 'CREATE_COMPLETE' as const,
  LastUpdatedTimestamp: new Date(),
});

/** The functions' resources, named as CDK names them. */
const functionResources = (ids: readonly string[]) =>
  ids.map((id) =>
    stackResource(`${id}Function0A1B2C3D`, `Credsweep-${id}Function-XYZ`, 'AWS::Lambda::Function'),
  );

function healthyAccount() {
  cfn.on(DescribeStacksCommand).resolves(
    credsweepStack(
      {
        StateMachineArn: STATE_MACHINE_ARN,
        ApprovalApiUrl: apiUrl,
        BucketName: 'credsweep-databucket-abc',
        TableName: 'Credsweep-Table-XYZ',
      },
      'UPDATE_COMPLETE',
    ),
  );
  cfn.on(ListStackResourcesCommand).resolves({
    ...meta,
    StackResourceSummaries: functionResources(FUNCTION_IDS),
  });
  lambda.on(GetFunctionConfigurationCommand).callsFake(({ FunctionName }: { FunctionName: string }) => {
    const id = /Credsweep-(\w+)Function-XYZ/.exec(FunctionName)?.[1] ?? '?';
    return {
      ...meta,
      FunctionName,
      Role: roleArn(id),
      Environment: {
        Variables: {
          SENDER_EMAIL: SENDER,
          APPROVER_EMAILS: APPROVERS.join(','),
          TABLE_NAME: 'Credsweep-Table-XYZ',
          BUCKET_NAME: 'credsweep-databucket-abc',
          EXEMPT_TAG_KEY: 'credsweep:exempt',
          SIGNING_KEY_SECRET_ARN: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:SigningKey-AbCdEf`,
        },
      },
    };
  });
  ses.on(GetAccountCommand).resolves({ ...meta, SendingEnabled: true, ProductionAccessEnabled: true });
  ses.on(GetEmailIdentityCommand).resolves({ ...meta, VerifiedForSendingStatus: true });
  iam.on(SimulatePrincipalPolicyCommand).callsFake(simulation());
  iam.on(GetAccountPasswordPolicyCommand).rejects(
    new NoSuchEntityException({
      message: `The Password Policy with domain name ${ACCOUNT} cannot be found.`,
      $metadata: {},
    }),
  );
  sfn
    .on(DescribeStateMachineCommand)
    .resolves({ ...meta, name: 'CredsweepRemediation', status: 'ACTIVE' } as never);
  cloudwatch.on(DescribeAlarmsForMetricCommand).resolves({ ...meta, MetricAlarms: [alarm()] });
  // Security Hub's answer in an account that has not enabled it.
  securityHub.on(DescribeHubCommand).rejects(
    new InvalidAccessException({
      message: `Account ${ACCOUNT} is not subscribed to AWS Security Hub`,
      $metadata: {},
      Code: 'InvalidAccessException',
    }),
  );
}

function alarm(overrides: Partial<MetricAlarm> = {}): MetricAlarm {
  return {
    AlarmName: ALARM,
    MetricName: 'ExecutionsFailed',
    Namespace: 'AWS/States',
    Dimensions: [{ Name: 'StateMachineArn', Value: STATE_MACHINE_ARN }],
    ActionsEnabled: true,
    AlarmActions: [`arn:aws:sns:${REGION}:${ACCOUNT}:Credsweep-AlarmTopic`],
    StateValue: 'OK',
    ...overrides,
  };
}

beforeEach(() => {
  for (const mock of [cfn, lambda, ses, iam, sfn, cloudwatch, securityHub, organizations, s3]) mock.reset();
  status = 404;
  asked.length = 0;
  healthyAccount();
});

interface Check {
  id: string;
  title: string;
  ok: boolean;
  detail: string;
  fix: string | null;
}

async function doctor() {
  const run = await runCli(['doctor', '--json']);
  const report = JSON.parse(run.stdout) as {
    stack: string;
    region: string;
    account: string;
    ok: boolean;
    problems: number;
    checks: Check[];
  };
  const check = (id: string) => {
    const found = report.checks.find((c) => c.id === id);
    if (!found) throw new Error(`no check ${id} in ${report.checks.map((c) => c.id).join(', ')}`);
    return found;
  };
  return { run, report, check };
}

describe('credsweep doctor on a healthy deployment', () => {
  it('--json: one object, every check ok, exit 0', async () => {
    const { run, report } = await doctor();

    expect(run.code).toBe(0);
    expect(Object.keys(report)).toEqual(['stack', 'region', 'account', 'ok', 'problems', 'checks']);
    expect(report).toMatchObject({
      stack: 'Credsweep',
      region: REGION,
      account: ACCOUNT,
      ok: true,
      problems: 0,
    });
    expect(report.checks.map((c) => c.id)).toEqual([
      'state-machine',
      'alarm',
      'ses-sender',
      'ses-sending',
      'ses-approvers',
      'approval-api',
      'credential-report',
      ...FUNCTION_IDS.map((id) => `role:${id}`),
      'password-policy',
      'security-hub-actions',
    ]);
    for (const c of report.checks) {
      expect(Object.keys(c)).toEqual(['id', 'title', 'ok', 'detail', 'fix']);
      expect(c, c.id).toMatchObject({ ok: true, fix: null });
    }
  });

  it('prints each check as ok in words, and changes nothing (only read calls)', async () => {
    const run = await runCli(['doctor']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`credsweep doctor: stack Credsweep in ${REGION}, account ${ACCOUNT}`);
    expect(run.stdout).toContain('✓ the approval API answers a made-up link with 404');
    // Seven account checks, one per function role, the password policy, the Security Hub action.
    expect(run.stdout).toContain(`All ${9 + FUNCTION_IDS.length} checks ok.`);
    const sent = [cfn, lambda, ses, iam, sfn, cloudwatch, securityHub].flatMap((m) =>
      m.calls().map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name),
    );
    expect(sent.every((name) => /^(Describe|List|Get|Simulate)/.test(name))).toBe(true);
  });

  it('asks the approval API for a made-up, well-formed link with a random secret', async () => {
    await doctor();
    await doctor();

    expect(asked).toHaveLength(2);
    for (const path of asked) {
      expect(path).toMatch(
        /^\/v1\/approvals\/[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\?k=[\w-]{43}$/,
      );
    }
    expect(asked[0]).not.toBe(asked[1]);
  });
});

describe('credsweep doctor: each problem, with its fix, and exit 1', () => {
  it('SES sending paused', async () => {
    ses.on(GetAccountCommand).resolves({ ...meta, SendingEnabled: false, ProductionAccessEnabled: true });
    const { run, check } = await doctor();
    expect(run.code).toBe(1);
    expect(check('ses-sending')).toMatchObject({
      ok: false,
      fix: expect.stringContaining('put-account-sending-attributes'),
    });
  });

  it('the sender is not verified (neither address nor domain); a verified domain is enough', async () => {
    ses.on(GetEmailIdentityCommand).rejects(new NotFoundException({ message: 'not found', $metadata: {} }));
    const { run, check } = await doctor();
    expect(run.code).toBe(1);
    expect(check('ses-sender')).toMatchObject({
      ok: false,
      detail: expect.stringContaining(`neither ${SENDER} nor example.com is a verified SES identity`),
      fix: expect.stringContaining(`aws sesv2 create-email-identity --email-identity ${SENDER}`),
    });

    ses
      .on(GetEmailIdentityCommand, { EmailIdentity: 'example.com' })
      .resolves({ ...meta, VerifiedForSendingStatus: true });
    expect((await doctor()).check('ses-sender')).toMatchObject({
      ok: true,
      detail: expect.stringContaining('identity example.com is verified'),
    });
  });

  it('SES sandbox: names each approver who is not verified, and says what the sandbox means', async () => {
    ses.on(GetAccountCommand).resolves({ ...meta, SendingEnabled: true, ProductionAccessEnabled: false });
    ses.on(GetEmailIdentityCommand).rejects(new NotFoundException({ message: 'not found', $metadata: {} }));
    for (const verified of [SENDER, APPROVERS[0]]) {
      ses
        .on(GetEmailIdentityCommand, { EmailIdentity: verified })
        .resolves({ ...meta, VerifiedForSendingStatus: true });
    }
    const { run, check } = await doctor();
    expect(run.code).toBe(1);
    const approvers = check('ses-approvers');
    expect(approvers.ok).toBe(false);
    expect(approvers.detail).toContain('SES is in the sandbox');
    expect(approvers.detail).toContain('bob.sec@corp.example.org is not verified');
    expect(approvers.detail).not.toContain('alice.sec@example.com');
    expect(approvers.fix).toContain('--email-identity bob.sec@corp.example.org');
    expect(approvers.fix).toContain('production access');
  });

  it('SES sandbox with every approver verified is ok, and says so', async () => {
    ses.on(GetAccountCommand).resolves({ ...meta, SendingEnabled: true, ProductionAccessEnabled: false });
    const { check } = await doctor();
    expect(check('ses-approvers')).toMatchObject({ ok: true, detail: expect.stringContaining('sandbox') });
  });

  it.each([
    [500, 'the approval function failed'],
    [403, 'API Gateway refused the path'],
    [200, 'must be 404 and nothing else'],
  ])('the approval API answers %i', async (answer, fix) => {
    status = answer;
    const { run, check } = await doctor();
    expect(run.code).toBe(1);
    expect(check('approval-api')).toMatchObject({
      ok: false,
      detail: expect.stringContaining(`answered ${answer}, not 404`),
      fix: expect.stringContaining(fix),
    });
    expect(check('approval-api').detail).not.toMatch(/k=[\w-]{10}/);
  });

  it('the approval API cannot be reached', async () => {
    cfn
      .on(DescribeStacksCommand)
      .resolves(
        credsweepStack(
          { StateMachineArn: STATE_MACHINE_ARN, ApprovalApiUrl: 'http://127.0.0.1:9/v1' },
          'UPDATE_COMPLETE',
        ),
      );
    const { check } = await doctor();
    expect(check('approval-api')).toMatchObject({ ok: false, detail: expect.stringContaining('failed') });
  });

  it('the password policy: none set is ok (IAM default); a strict one is ok; a denied read is a problem naming the action', async () => {
    expect((await doctor()).check('password-policy')).toMatchObject({
      ok: true,
      detail: expect.stringContaining("IAM's default policy"),
    });

    iam.on(GetAccountPasswordPolicyCommand).resolves({
      ...meta,
      PasswordPolicy: {
        MinimumPasswordLength: 128,
        RequireSymbols: true,
        RequireNumbers: true,
        RequireUppercaseCharacters: true,
        RequireLowercaseCharacters: true,
      },
    });
    expect((await doctor()).check('password-policy')).toMatchObject({
      ok: true,
      detail: expect.stringContaining('128-character passwords'),
    });

    iam.on(GetAccountPasswordPolicyCommand).rejects(
      new IAMServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: {},
        message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/Dev/x is not authorized to perform: iam:GetAccountPasswordPolicy on resource: *`,
      }),
    );
    const { run, check } = await doctor();
    expect(run.code).toBe(1);
    expect(check('password-policy')).toMatchObject({
      ok: false,
      detail: expect.stringContaining('iam:GetAccountPasswordPolicy'),
    });
  });

  it('the state machine does not exist, or is being deleted', async () => {
    sfn
      .on(DescribeStateMachineCommand)
      .rejects(new StateMachineDoesNotExist({ message: 'gone', $metadata: {} }));
    expect((await doctor()).check('state-machine')).toMatchObject({
      ok: false,
      detail: expect.stringContaining('does not exist'),
    });
    sfn.on(DescribeStateMachineCommand).resolves({ ...meta, status: 'DELETING' } as never);
    const { run, check } = await doctor();
    expect(run.code).toBe(1);
    expect(check('state-machine')).toMatchObject({ ok: false, detail: expect.stringContaining('DELETING') });
  });

  it('the alarm is missing, or notifies nobody', async () => {
    cloudwatch.on(DescribeAlarmsForMetricCommand).resolves({ ...meta, MetricAlarms: [] });
    expect((await doctor()).check('alarm')).toMatchObject({
      ok: false,
      detail: expect.stringContaining('no CloudWatch alarm watches ExecutionsFailed'),
    });
    expect(cloudwatch).toHaveReceivedCommandWith(DescribeAlarmsForMetricCommand, {
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsFailed',
      Dimensions: [{ Name: 'StateMachineArn', Value: STATE_MACHINE_ARN }],
    });

    cloudwatch
      .on(DescribeAlarmsForMetricCommand)
      .resolves({ ...meta, MetricAlarms: [alarm({ ActionsEnabled: false })] });
    const { run, check } = await doctor();
    expect(run.code).toBe(1);
    expect(check('alarm')).toMatchObject({ ok: false, fix: expect.stringContaining('enable-alarm-actions') });
  });

  it('an alarm in ALARM is ok, and says a run failed', async () => {
    cloudwatch
      .on(DescribeAlarmsForMetricCommand)
      .resolves({ ...meta, MetricAlarms: [alarm({ StateValue: 'ALARM' })] });
    expect((await doctor()).check('alarm')).toMatchObject({
      ok: true,
      detail: expect.stringContaining('a run failed recently'),
    });
  });

  it('the credential report: a role IAM does not allow to generate it', async () => {
    iam.on(SimulatePrincipalPolicyCommand).callsFake(simulation(new Set(['iam:GenerateCredentialReport'])));
    const { run, check } = await doctor();
    expect(run.code).toBe(1);
    expect(check('credential-report')).toMatchObject({
      ok: false,
      detail: 'iam:GenerateCredentialReport by GenerateReport: implicitDeny.',
    });
    expect(
      iam.commandCalls(SimulatePrincipalPolicyCommand, { PolicySourceArn: roleArn('GenerateReport') }),
    ).toHaveLength(2); // the credential-report check and the role check of GenerateReport
    expect(check('role:GenerateReport').ok).toBe(false);
  });

  it('a role IAM refuses one needed action: names the function, the action and its resource; the others stay ok', async () => {
    iam.on(SimulatePrincipalPolicyCommand).callsFake(simulation(new Set(['dynamodb:UpdateItem'])));
    const { run, check } = await doctor();
    expect(run.code).toBe(1);
    // markMailed (UpdateItem) is RequestApproval's; the approval API decides with UpdateItem too.
    expect(check('role:RequestApproval').ok).toBe(false);
    expect(check('role:RequestApproval').detail).toMatch(
      /dynamodb:UpdateItem on arn:aws:dynamodb:.*:table\/Credsweep-Table-XYZ: implicitDeny/,
    );
    expect(check('role:RequestApproval').fix).toMatch(/deploy it again/);
    expect(check('role:Verify').ok).toBe(true);
  });

  it('a role that does not deny changes to a user tagged exempt is a problem', async () => {
    iam.on(SimulatePrincipalPolicyCommand).callsFake((input: SimulatePrincipalPolicyCommandInput) => ({
      ...meta,
      IsTruncated: false,
      EvaluationResults: (input.ActionNames ?? []).map((action) => ({
        EvalActionName: action,
        EvalResourceName: input.ResourceArns?.[0] ?? '*',
        EvalDecision: 'allowed' as const,
      })),
    }));
    const { run, check } = await doctor();
    expect(run.code).toBe(1);
    expect(check('role:DisableConsole').detail).toContain(
      'iam:DeleteLoginProfile on a user tagged exempt: allowed, expected explicitDeny',
    );
    expect(check('role:Analyze').ok).toBe(true);
  });

  it('a check the caller may not run is a problem, the others still run; human output shows the fix', async () => {
    cloudwatch.on(DescribeAlarmsForMetricCommand).rejects(
      Object.assign(new Error(`User: x is not authorized to perform: cloudwatch:DescribeAlarmsForMetric`), {
        name: 'AccessDenied',
      }),
    );
    const run = await runCli(['doctor']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /✗ the failed-runs alarm exists: could not check: access denied: AWS refused cloudwatch:DescribeAlarmsForMetric/,
    );
    expect(run.stdout).toContain('    fix: ');
    expect(run.stdout).toContain('✓ the state machine exists');
    expect(run.stdout).toContain(`1 of ${9 + FUNCTION_IDS.length} checks found a problem.`);
  });

  it('a stack that is not there: exit 1 with the stack named', async () => {
    cfn
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error('Stack with id Credsweep does not exist'), { name: 'ValidationError' }),
      );
    const run = await runCli(['doctor', '--json']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('no CloudFormation stack "Credsweep"');
  });
});

describe('credsweep doctor: Security Hub on, its actions off', () => {
  it('is an information line with how to turn them on; the doctor still exits 0', async () => {
    securityHub
      .on(DescribeHubCommand)
      .resolves({ ...meta, HubArn: `arn:aws:securityhub:${REGION}:${ACCOUNT}:hub/default` });
    const { run, check } = await doctor();
    expect(run.code).toBe(0);
    expect(check('security-hub-actions')).toMatchObject({
      ok: true,
      detail: expect.stringContaining(
        `Security Hub is enabled in ${REGION}, but the stack's Security Hub actions are off`,
      ),
      fix: expect.stringContaining('-c securityHubActions=true'),
    });
    const human = await runCli(['doctor']);
    expect(human.stdout).toContain('i the Security Hub custom action: Security Hub is enabled');
    expect(human.stdout).toContain('    how: to have it, deploy again with `-c securityHubActions=true`');
  });

  it('with the action deployed, says so without asking Security Hub', async () => {
    cfn.on(ListStackResourcesCommand).resolves({
      ...meta,
      StackResourceSummaries: [
        ...functionResources(FUNCTION_IDS),
        stackResource(
          'SecurityHubActionTarget1A2B3C4D',
          `arn:aws:securityhub:${REGION}:${ACCOUNT}:action/custom/credsweep1a2b`,
          'AWS::SecurityHub::ActionTarget',
        ),
      ],
    });
    const { check } = await doctor();
    expect(check('security-hub-actions')).toMatchObject({ ok: true, fix: null });
    expect(securityHub.commandCalls(DescribeHubCommand)).toHaveLength(0);
  });
});

describe('credsweep doctor on an organization deployment', () => {
  const ORG_MACHINE = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:credsweep-organization-abc`;
  const STACK_SET = 'credsweep-member-abc:0a1b2c3d-0000-4000-8000-000000000000';
  const MANAGEMENT = '999988887777';
  const OU = 'ou-a1b2-workload1';
  const NESTED = 'ou-a1b2-teamaaaa';
  const BUCKET = 'credsweep-databucket-abc';

  /** An organization hub in ACCOUNT: the org outputs and functions, the StackSet, the OU tree. */
  function organizationHub(opts: { management?: string; hubInOu?: boolean } = {}) {
    cfn.on(DescribeStacksCommand).resolves(
      credsweepStack(
        {
          StateMachineArn: STATE_MACHINE_ARN,
          OrganizationStateMachineArn: ORG_MACHINE,
          ApprovalApiUrl: apiUrl,
          BucketName: BUCKET,
          TableName: 'Credsweep-Table-XYZ',
        },
        'UPDATE_COMPLETE',
      ),
    );
    cfn.on(ListStackResourcesCommand).resolves({
      ...meta,
      StackResourceSummaries: [
        ...functionResources(deployedFunctionIds(true)),
        stackResource('MemberRoleStackSet', STACK_SET, 'AWS::CloudFormation::StackSet'),
      ],
    });
    organizations.on(DescribeOrganizationCommand).resolves({
      ...meta,
      Organization: { Id: 'o-a1b2c3d4e5', MasterAccountId: opts.management ?? ACCOUNT },
    });
    cfn.on(DescribeStackSetCommand).resolves({ ...meta, StackSet: { OrganizationalUnitIds: [OU] } });
    const account = (Id: string, Name: string, Status: 'ACTIVE' | 'SUSPENDED' = 'ACTIVE') => ({
      Id,
      Name,
      Status,
    });
    // The OU holds two accounts on two pages (and the hub, when it is a member account), one nested OU.
    organizations
      .on(ListAccountsForParentCommand, { ParentId: OU })
      .resolves({
        ...meta,
        Accounts: [account('222233334444', 'payments'), ...(opts.hubInOu ? [account(ACCOUNT, 'hub')] : [])],
        NextToken: 'page2',
      })
      .on(ListAccountsForParentCommand, { ParentId: OU, NextToken: 'page2' })
      .resolves({ ...meta, Accounts: [account('333344445555', 'search')] })
      .on(ListAccountsForParentCommand, { ParentId: NESTED })
      .resolves({
        ...meta,
        Accounts: [account('444455556666', 'team-a'), account('555566667777', 'old', 'SUSPENDED')],
      });
    organizations
      .on(ListChildrenCommand, { ParentId: OU })
      .resolves({ ...meta, Children: [{ Id: NESTED, Type: 'ORGANIZATIONAL_UNIT' }] })
      .on(ListChildrenCommand, { ParentId: NESTED })
      .resolves({ ...meta, Children: [] });
    sfn.on(ListExecutionsCommand).resolves({ ...meta, executions: [] });
  }

  const instance = (Account: string, Status: StackInstanceSummary['Status'], reason?: string) => ({
    StackSetId: STACK_SET,
    Region: REGION,
    Account,
    Status,
    ...(reason ? { StatusReason: reason } : {}),
  });

  it('every account of the target OUs, nested ones too, has a CURRENT instance: ok; suspended accounts left aside', async () => {
    organizationHub();
    cfn.on(ListStackInstancesCommand).resolves({
      ...meta,
      Summaries: ['222233334444', '333344445555', '444455556666'].map((a) => instance(a, 'CURRENT')),
    });
    const { run, check } = await doctor();
    expect(check('member-instances')).toMatchObject({
      ok: true,
      detail: `3 account(s) of ${OU} have a CURRENT instance of ${STACK_SET}; 1 suspended or closing account(s) left aside.`,
    });
    // No organization run yet: the hub has not tried to assume the role; information, how to try.
    expect(check('member-assume')).toMatchObject({
      ok: true,
      fix: expect.stringContaining('credsweep start --all-accounts --dry-run'),
    });
    expect(run.code).toBe(0);
    expect(cfn).toHaveReceivedCommandWith(ListStackInstancesCommand, {
      StackSetName: STACK_SET,
      CallAs: 'SELF',
    });
  });

  it('names each account without a CURRENT instance, with the command that deploys it there; exit 1', async () => {
    organizationHub();
    cfn
      .on(ListStackInstancesCommand)
      .resolves({ ...meta, Summaries: [instance('222233334444', 'CURRENT')], NextToken: 'next' })
      .on(ListStackInstancesCommand, { StackSetName: STACK_SET, CallAs: 'SELF', NextToken: 'next' })
      .resolves({
        ...meta,
        Summaries: [
          instance(
            '444455556666',
            'OUTDATED',
            'ResourceLogicalId:MemberRole, ResourceType:AWS::IAM::Role, ResourceStatusReason:credsweep-member already exists.',
          ),
        ],
      });
    const { run, report } = await doctor();
    expect(run.code).toBe(1);
    const lines = report.checks.filter((c) => c.id === 'member-instances');
    expect(lines.map((c) => [c.ok, c.detail])).toEqual([
      [
        false,
        `333344445555 (search) in ${OU} has no instance of the member role StackSet: credsweep cannot reach it.`,
      ],
      [
        false,
        '444455556666 (team-a): its member role instance is OUTDATED: ResourceLogicalId:MemberRole, ResourceType:AWS::IAM::Role, ResourceStatusReason:credsweep-member already exists..',
      ],
    ]);
    expect(lines[0]?.fix).toContain(
      `aws cloudformation create-stack-instances --stack-set-name ${STACK_SET} --regions ${REGION} --deployment-targets OrganizationalUnitIds=${OU},Accounts=333344445555,AccountFilterType=INTERSECTION\``,
    );
    // The nested OU's account is deployed through its own OU.
    expect(lines[1]?.fix).toContain(`OrganizationalUnitIds=${NESTED},Accounts=444455556666`);
    expect(lines[1]?.fix).toContain('made by hand');
  });

  it('as a delegated administrator: asks as DELEGATED_ADMIN, and expects no instance in the hub itself', async () => {
    organizationHub({ management: MANAGEMENT, hubInOu: true });
    cfn.on(ListStackInstancesCommand).resolves({ ...meta, Summaries: [instance('222233334444', 'CURRENT')] });
    const { report } = await doctor();
    const lines = report.checks.filter((c) => c.id === 'member-instances');
    expect(lines.map((c) => c.detail.slice(0, 12))).toEqual(['333344445555', '444455556666']);
    expect(lines[0]?.fix).toContain('--call-as DELEGATED_ADMIN');
    expect(cfn).toHaveReceivedCommandWith(DescribeStackSetCommand, {
      StackSetName: STACK_SET,
      CallAs: 'DELEGATED_ADMIN',
    });
  });

  it('names each account the latest organization run could not reach through the member role, by STS’s error', async () => {
    organizationHub();
    cfn.on(ListStackInstancesCommand).resolves({
      ...meta,
      Summaries: ['222233334444', '333344445555', '444455556666'].map((a) => instance(a, 'CURRENT')),
    });
    sfn.on(ListExecutionsCommand).resolves({
      ...meta,
      executions: [
        {
          executionArn: `${ORG_MACHINE.replace(':stateMachine:', ':execution:')}:org-2026-12-01`,
          stateMachineArn: ORG_MACHINE,
          name: 'org-2026-12-01',
          status: 'FAILED',
          startDate: new Date('2026-12-01T06:00:00Z'),
        },
      ],
    });
    const evidence = {
      accounts: [
        { accountId: '222233334444', name: 'payments', outcome: 'remediated', error: null },
        {
          accountId: '333344445555',
          name: 'search',
          outcome: 'unreachable',
          error: {
            Error: 'AccessDenied',
            Cause: `User: arn:aws:sts::${ACCOUNT}:assumed-role/Credsweep-AnalyzeRole-ABC/Credsweep-AnalyzeFunction-XYZ is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::333344445555:role/credsweep-member`,
          },
        },
        {
          accountId: '444455556666',
          name: 'team-a\u001b[31m',
          outcome: 'unreachable',
          error: {
            Error: 'RegionDisabledException',
            Cause: `STS is not activated in this region for account:444455556666. Your account administrator can activate STS in this region using the IAM Console.`,
          },
        },
      ],
    };
    s3.on(GetObjectCommand, { Bucket: BUCKET, Key: 'runs/org-2026-12-01/evidence.json' }).resolves({
      ...meta,
      Body: { transformToString: async () => JSON.stringify(evidence) } as never,
    });
    const { run, report } = await doctor();
    expect(run.code).toBe(1);
    const lines = report.checks.filter((c) => c.id === 'member-assume');
    expect(lines).toHaveLength(2);
    expect(lines[0]?.detail).toBe(
      `333344445555 (search): in org-2026-12-01 the hub could not assume credsweep-member: AccessDenied: ${evidence.accounts[1]?.error?.Cause}.`,
    );
    expect(lines[0]?.fix).toContain('an SCP or RCP of the account denies sts:AssumeRole');
    // The account name is text from Organizations: shown, never acted on by the terminal.
    expect(lines[1]?.detail).not.toContain('\u001b');
    expect(lines[1]?.detail).toContain('RegionDisabledException');
    expect(lines[1]?.fix).toContain(`activate STS in ${REGION} for that account`);
  });
});
