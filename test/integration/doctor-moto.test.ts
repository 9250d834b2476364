/**
 * `credsweep doctor` over the wire against moto_server: a stack deployed into moto's CloudFormation
 * from a template shaped like credsweep's (functions with their roles and environment, the state
 * machine, the outputs), the alarm in moto's CloudWatch, the password policy in moto's IAM. The
 * approval API is a real HTTP server on 127.0.0.1 (moto's API Gateway cannot run the function).
 *
 * What moto 5.2.1 answers, and so what is checked here: CloudFormation DescribeStacks and
 * ListStackResources, Lambda GetFunctionConfiguration, Step Functions DescribeStateMachine,
 * CloudWatch DescribeAlarmsForMetric, IAM GetAccountPasswordPolicy, SES v2 GetEmailIdentity (an
 * identity that is not there). It does not implement SES v2 GetAccount nor IAM
 * SimulatePrincipalPolicy: the doctor must then say it could not check, not crash; those checks'
 * verdicts are covered with aws-sdk-client-mock (test/cli/doctor.test.ts). moto also reports every
 * identity as not verified for sending, so the verified path is covered there too.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DeleteAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { IAMClient, UpdateAccountPasswordPolicyCommand } from '@aws-sdk/client-iam';
import { DeleteStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { detectMoto, isCi, type MotoServer, startMoto, stopMoto } from '../helpers/moto.js';

const moto = detectMoto();
if (!moto.available) {
  if (isCi()) throw new Error(`moto_server is required under CI: ${moto.reason}`);
  console.warn(`[test/integration/doctor-moto] skipped: ${moto.reason}`);
}

const SENDER = 'credsweep@example.com';

const lambdaRole = (id: string) => ({
  [`${id}RoleABCD1234`]: {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      },
    },
  },
});

const lambdaFunction = (id: string, hex: string) => ({
  [`${id}Function${hex}`]: {
    Type: 'AWS::Lambda::Function',
    Properties: {
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Role: { 'Fn::GetAtt': [`${id}RoleABCD1234`, 'Arn'] },
      Code: { ZipFile: 'exports.handler = async () => null;' },
      Environment: {
        Variables: {
          SENDER_EMAIL: SENDER,
          APPROVER_EMAILS: 'alice.sec@example.com',
          EXEMPT_TAG_KEY: 'credsweep:exempt',
        },
      },
    },
  },
});

function template(approvalApiUrl: string) {
  return {
    Resources: {
      ...lambdaRole('GenerateReport'),
      ...lambdaFunction('GenerateReport', '9343260C'),
      ...lambdaRole('Analyze'),
      ...lambdaFunction('Analyze', '6151029A'),
      StateMachine2E01A3A5: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: {
          RoleArn: { 'Fn::GetAtt': ['AnalyzeRoleABCD1234', 'Arn'] },
          DefinitionString: '{"StartAt":"Done","States":{"Done":{"Type":"Succeed"}}}',
        },
      },
    },
    Outputs: {
      StateMachineArn: { Value: { Ref: 'StateMachine2E01A3A5' } },
      ApprovalApiUrl: { Value: approvalApiUrl },
    },
  };
}

interface Check {
  id: string;
  ok: boolean;
  detail: string;
  fix: string | null;
}

async function doctor() {
  const run = await runCli(['doctor', '--json']);
  const report = JSON.parse(run.stdout) as { ok: boolean; checks: Check[] };
  const check = (id: string) => {
    const found = report.checks.find((c) => c.id === id);
    if (!found) throw new Error(`no check ${id}: ${run.stdout}`);
    return found;
  };
  return { run, report, check };
}

describe.skipIf(!moto.available)('credsweep doctor against moto_server', () => {
  let server: MotoServer | undefined;
  let api: Server;
  let stateMachineArn: string;
  const savedEnv = { ...process.env };
  let config: Record<string, unknown>;

  beforeAll(async () => {
    server = await startMoto();
    api = createServer((_req, res) => res.writeHead(404).end('not found'));
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/v1`;
    // The doctor's clients read the endpoint, Region and credentials from the environment.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: server.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
    });
    delete process.env.AWS_PROFILE;
    config = {
      region: 'us-east-1',
      endpoint: server.endpoint,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    };
    const cfn = new CloudFormationClient(config);
    await cfn.send(
      new CreateStackCommand({ StackName: 'Credsweep', TemplateBody: JSON.stringify(template(apiUrl)) }),
    );
    const outputs = (await cfn.send(new DescribeStacksCommand({ StackName: 'Credsweep' }))).Stacks?.[0]
      ?.Outputs;
    stateMachineArn = outputs?.find((o) => o.OutputKey === 'StateMachineArn')?.OutputValue ?? '';
    await new IAMClient(config).send(
      new UpdateAccountPasswordPolicyCommand({
        MinimumPasswordLength: 100,
        RequireSymbols: true,
        RequireNumbers: true,
        RequireUppercaseCharacters: true,
        RequireLowercaseCharacters: true,
      }),
    );
  }, 120_000);

  afterAll(async () => {
    process.env = savedEnv;
    await new Promise((resolve) => api?.close(resolve));
    await stopMoto(server?.child);
  });

  it('reads the stack, the state machine, the approval API and the password policy over the wire; says what it could not check', async () => {
    const { run, check } = await doctor();

    expect(run.code).toBe(1);
    expect(check('state-machine')).toMatchObject({ ok: true, detail: expect.stringMatching(/is ACTIVE\.$/) });
    expect(check('approval-api')).toMatchObject({ ok: true });
    expect(check('password-policy')).toMatchObject({
      ok: true,
      detail: expect.stringContaining(
        'minimum 100 characters, requires uppercase, lowercase, numbers, symbols',
      ),
    });
    expect(check('ses-sender')).toMatchObject({
      ok: false,
      detail: expect.stringContaining(`neither ${SENDER} nor example.com is a verified SES identity`),
    });
    // moto 5.2.1 has neither SES v2 GetAccount nor IAM SimulatePrincipalPolicy.
    for (const id of ['ses-account', 'credential-report']) {
      expect(check(id)).toMatchObject({ ok: false, detail: expect.stringMatching(/^could not check: /) });
    }
    // No alarm yet.
    expect(check('alarm')).toMatchObject({
      ok: false,
      detail: expect.stringContaining('no CloudWatch alarm watches ExecutionsFailed'),
    });
  });

  it('finds the alarm by the metric it watches, and says when it notifies nobody', async () => {
    const cloudwatch = new CloudWatchClient(config);
    const alarm = (actions: string[]) =>
      new PutMetricAlarmCommand({
        AlarmName: 'Credsweep-FailedRunsAlarm',
        Namespace: 'AWS/States',
        MetricName: 'ExecutionsFailed',
        Dimensions: [{ Name: 'StateMachineArn', Value: stateMachineArn }],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: actions,
      });

    await cloudwatch.send(alarm(['arn:aws:sns:us-east-1:123456789012:credsweep-alarms']));
    expect((await doctor()).check('alarm')).toMatchObject({
      ok: true,
      detail: expect.stringContaining('Credsweep-FailedRunsAlarm watches ExecutionsFailed'),
    });

    await cloudwatch.send(alarm([]));
    expect((await doctor()).check('alarm')).toMatchObject({
      ok: false,
      detail: expect.stringContaining('notifies nobody'),
    });
    await cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: ['Credsweep-FailedRunsAlarm'] }));
  });

  it('a state machine deleted behind the stack is a problem', async () => {
    await new SFNClient(config).send(new DeleteStateMachineCommand({ stateMachineArn }));

    const { check } = await doctor();

    expect(check('state-machine')).toMatchObject({
      ok: false,
      detail: expect.stringContaining('does not exist'),
    });
  });
});
