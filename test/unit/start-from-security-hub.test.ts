import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { parseAwsEnv } from '../../handlers/aws/ports.js';
import { AwsRunStarter, awsRunsPort } from '../../handlers/aws/runs.js';
import { startFromSecurityHub } from '../../handlers/start-from-security-hub.js';
import { memoryPorts } from '../helpers/memory-ports.js';
import { NOW, userFinding } from '../helpers/seeds.js';
import { thrown } from '../helpers/thrown.js';

const ACCOUNT = '111122223333';

/** Ports of the start function: the runs it starts are recorded; the account is ACCOUNT. */
function starter() {
  const ports = memoryPorts({ accountId: ACCOUNT }, NOW.toISOString());
  return { started: ports.runs.started, deps: ports };
}

const eventOf = (detailType: string, findings: object[], actionName?: string) => ({
  version: '0',
  source: 'aws.securityhub',
  'detail-type': detailType,
  account: ACCOUNT,
  resources: [`arn:aws:securityhub:us-east-1:${ACCOUNT}:action/custom/CredsweepDisable`],
  detail: { ...(actionName ? { actionName } : {}), findings },
});

describe('startFromSecurityHub', () => {
  it('custom action: one run limited to the users of the selected unused-credential findings', async () => {
    const { started, deps } = starter();
    const event = eventOf(
      'Security Hub Findings - Custom Action',
      [
        userFinding('IAM.8', 'carol'),
        userFinding('IAM.22', 'carol', { status: 'NOTIFIED' }),
        userFinding('IAM.22', 'bob'),
        userFinding('IAM.5', 'mallory'),
        userFinding('IAM.8', 'eve', { accountId: '444455556666' }),
      ],
      'Disable w/ credsweep',
    );

    const result = await startFromSecurityHub(event, deps);

    expect(result).toMatchObject({ trigger: 'custom-action', findings: 5, users: 2, workflow: 'account' });
    // Not an organization deployment: eve's finding, in another account, starts nothing, and says why.
    expect(result.refused).toMatch(
      /^1 other account\(s\) \(444455556666\) named in the findings: this deployment has no organization workflow/,
    );
    expect(started.map((s) => s.input)).toEqual([
      {
        mode: 'remediate',
        users: ['bob', 'carol'],
        startedBy: 'Security Hub custom action "Disable w/ credsweep" on 5 finding(s)',
      },
    ]);
    expect(started[0]?.name).toMatch(/^securityhub-custom-action-20261126T120000Z-[0-9a-f]{6}$/);
  });

  it('auto-start: a batch of queued events makes one run; findings credsweep already noted do not ask again', async () => {
    const { started, deps } = starter();
    const noted = {
      ...userFinding('IAM.22', 'dave'),
      Note: {
        Text: 'credsweep run r: rejected by a@x',
        UpdatedBy: 'credsweep/r',
        UpdatedAt: NOW.toISOString(),
      },
    };
    const imported = (findings: object[]) => ({
      messageId: String(Math.random()),
      body: JSON.stringify(eventOf('Security Hub Findings - Imported', findings)),
    });
    const event = {
      Records: [
        imported([userFinding('IAM.8', 'carol')]),
        imported([userFinding('IAM.22', 'carol'), userFinding('IAM.22', 'bob')]),
        imported([noted, userFinding('IAM.8', 'erin', { status: 'RESOLVED' })]),
        { messageId: 'garbage', body: 'not json' },
      ],
    };

    const result = await startFromSecurityHub(event, deps);

    expect(result).toMatchObject({ trigger: 'auto-start', findings: 5, users: 2 });
    expect(started).toHaveLength(1);
    expect(started[0]?.input).toEqual({
      mode: 'remediate',
      users: ['bob', 'carol'],
      startedBy: 'Security Hub auto-start: 5 new failing finding(s)',
    });
  });

  it('starts nothing when no finding names a user, and refuses an event it does not know', async () => {
    const { started, deps } = starter();
    const result = await startFromSecurityHub(
      eventOf('Security Hub Findings - Custom Action', [userFinding('IAM.5', 'carol')]),
      deps,
    );
    expect(result).toMatchObject({ trigger: 'custom-action', findings: 1, users: 0, executionArn: null });
    expect(started).toEqual([]);
    expect(await thrown(() => startFromSecurityHub({ hello: 'world' }, deps))).toMatchObject({
      name: 'InputError',
    });
  });
});

describe('startFromSecurityHub in an organization deployment', () => {
  const MEMBER = '444455556666';
  const OTHER = '777788889999';

  it("custom action on member accounts' findings: one organization run for those accounts and users, the hub's own with them", async () => {
    const { started, deps } = starter();
    deps.runs.organization = true;
    const event = eventOf('Security Hub Findings - Custom Action', [
      userFinding('IAM.8', 'eve', { accountId: MEMBER }),
      userFinding('IAM.22', 'eve', { accountId: MEMBER }),
      userFinding('IAM.22', 'frank', { accountId: OTHER }),
      userFinding('IAM.5', 'mallory', { accountId: OTHER }),
      userFinding('IAM.8', 'carol'),
    ]);

    const result = await startFromSecurityHub(event, deps);

    expect(result).toMatchObject({
      workflow: 'organization',
      accounts: [ACCOUNT, MEMBER, OTHER],
      users: 3,
      refused: null,
      executionArn: expect.stringContaining(':execution:credsweep-organization:securityhub-custom-action-'),
    });
    expect(started).toEqual([
      {
        workflow: 'organization',
        name: expect.stringMatching(/^securityhub-custom-action-/),
        input: {
          mode: 'remediate',
          accounts: [ACCOUNT, MEMBER, OTHER],
          users: ['carol', 'eve', 'frank'],
          startedBy: 'Security Hub custom action "Disable w/ credsweep" on 5 finding(s)',
        },
      },
    ]);
  });

  it("auto-start of a member account alone: the organization workflow for that account; the hub's own findings keep the account workflow", async () => {
    const { started, deps } = starter();
    deps.runs.organization = true;
    const queued = (findings: object[]) => ({
      Records: [
        { messageId: 'm', body: JSON.stringify(eventOf('Security Hub Findings - Imported', findings)) },
      ],
    });
    await startFromSecurityHub(queued([userFinding('IAM.22', 'eve', { accountId: MEMBER })]), deps);
    await startFromSecurityHub(queued([userFinding('IAM.22', 'carol')]), deps);
    expect(started.map((s) => [s.workflow, s.input.accounts ?? null, s.input.users])).toEqual([
      ['organization', [MEMBER], ['eve']],
      ['account', null, ['carol']],
    ]);
  });
});

describe('AwsRunStarter', () => {
  it('starts the organization workflow for startOrganization, and refuses without one', async () => {
    const sfn = mockClient(SFNClient);
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:org-x', startDate: NOW, $metadata: {} });
    const client = new SFNClient({ region: 'us-east-1' });
    const arn = await new AwsRunStarter(client, 'arn:sm', 'arn:org-sm').startOrganization('n', {
      mode: 'remediate',
      accounts: ['444455556666'],
      users: ['eve'],
    });
    expect(arn).toBe('arn:org-x');
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: 'arn:org-sm',
      name: 'n',
      input: '{"mode":"remediate","accounts":["444455556666"],"users":["eve"]}',
    });
    const refused = await thrown(() =>
      new AwsRunStarter(client, 'arn:sm').startOrganization('n', { mode: 'remediate' }),
    );
    expect(refused).toMatchObject({ name: 'NotAnOrganization' });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    sfn.restore();
  });

  it('starts an execution of the one state machine with the request as input', async () => {
    const sfn = mockClient(SFNClient);
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: NOW, $metadata: {} });
    const arn = await new AwsRunStarter(new SFNClient({ region: 'us-east-1' }), 'arn:sm').start('n', {
      mode: 'remediate',
      users: ['carol'],
    });
    expect(arn).toBe('arn:x');
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: 'arn:sm',
      name: 'n',
      input: '{"mode":"remediate","users":["carol"]}',
    });
    sfn.restore();
  });
});

/** The environment the stack gives every function (handlers/aws/ports.ts). */
const LAMBDA_ENV = {
  TABLE_NAME: 'credsweep-table',
  BUCKET_NAME: 'credsweep-evidence-111122223333',
  SIGNING_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:credsweep/signing-key-AbCdEf',
  ACCOUNT_ID: ACCOUNT,
  APPROVER_EMAILS: 'sec1@example.com',
  SENDER_EMAIL: 'credsweep@example.com',
  APPROVAL_BASE_URL: 'https://abc123.execute-api.us-east-1.amazonaws.com/v1',
  APPROVAL_TIMEOUT_SECONDS: '86400',
};

/** The error `act` throws (fails the test when it does not throw). */
function errorOf(act: () => unknown): unknown {
  try {
    act();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw');
}

describe('awsRunsPort', () => {
  it('needs STATE_MACHINE_ARN, which the stack sets on the start function only, and names it', () => {
    const env = parseAwsEnv(LAMBDA_ENV);
    expect(errorOf(() => awsRunsPort(env))).toMatchObject({
      name: 'InvalidEnvironment',
      problems: ['STATE_MACHINE_ARN: is required by a function that starts runs'],
    });
    expect(
      awsRunsPort(
        parseAwsEnv({
          ...LAMBDA_ENV,
          STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:111122223333:stateMachine:credsweep',
        }),
      ),
    ).toBeInstanceOf(AwsRunStarter);
  });

  it('refuses a STATE_MACHINE_ARN that is not a state machine ARN', () => {
    expect(
      errorOf(() =>
        parseAwsEnv({ ...LAMBDA_ENV, STATE_MACHINE_ARN: 'arn:aws:lambda:us-east-1:1:function:x' }),
      ),
    ).toMatchObject({ problems: ['STATE_MACHINE_ARN: must be a Step Functions state machine ARN'] });
  });
});
