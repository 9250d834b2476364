/**
 * The run commands against Step Functions, CloudFormation, STS and S3 through aws-sdk-client-mock:
 * the input and name `start` sends, history pagination, the timeline `show` builds, following a run,
 * backout's input, evidence download, and AWS errors said plainly.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import {
  approvalFailedHistory,
  awaitingApprovalHistory,
  backedOutHistory,
  executionArn,
  HISTORY_REQUEST,
  STATE_MACHINE_ARN,
} from '../helpers/sfn-history.js';
import { credsweepStack } from '../helpers/stack-outputs.js';

const sfn = mockClient(SFNClient);
const cfn = mockClient(CloudFormationClient);
const sts = mockClient(STSClient);
const s3 = mockClient(S3Client);
const meta = { $metadata: {} };
const CALLER = 'arn:aws:sts::111122223333:assumed-role/Admin/alice';
const BUCKET = 'credsweep-databucket-abc123';

const savedEnv = { ...process.env };
beforeAll(() => {
  process.env.AWS_REGION = 'eu-west-1';
  delete process.env.AWS_PROFILE;
});
afterAll(() => {
  process.env = savedEnv;
});

beforeEach(() => {
  sfn.reset();
  cfn.reset();
  sts.reset();
  s3.reset();
  cfn.on(DescribeStacksCommand).resolves(
    credsweepStack({
      StateMachineArn: STATE_MACHINE_ARN,
      BucketName: BUCKET,
      ApprovalApiUrl: 'https://x.execute-api.eu-west-1.amazonaws.com/prod/',
    }),
  );
  sts
    .on(GetCallerIdentityCommand)
    .resolves({ ...meta, Arn: CALLER, Account: '111122223333', UserId: 'AROA:alice' });
});

function body(text: string) {
  const bytes = new TextEncoder().encode(text);
  return Object.assign(Readable.from([bytes]), {
    transformToByteArray: async () => bytes,
    transformToString: async () => text,
    transformToWebStream: () => new Blob([bytes]).stream(),
  });
}

function awsError(name: string, message: string): Error {
  const err = new Error(message);
  err.name = name;
  return err;
}

/** Serves a history from GetExecutionHistory in pages of `pageSize`, forwards or in reverse. */
function serveHistory(arn: string, events: HistoryEvent[], pageSize: number) {
  sfn.on(GetExecutionHistoryCommand, { executionArn: arn }).callsFake((input) => {
    const ordered = input.reverseOrder ? [...events].reverse() : events;
    const start = input.nextToken ? Number(input.nextToken) : 0;
    const size = Math.min(pageSize, input.maxResults ?? 1000);
    const page = ordered.slice(start, start + size);
    const next = start + size < ordered.length ? String(start + size) : undefined;
    return { ...meta, events: page, ...(next ? { nextToken: next } : {}) };
  });
}

function describeAs(name: string, status: string, extra: Record<string, unknown> = {}) {
  sfn.on(DescribeExecutionCommand, { executionArn: executionArn(name) }).resolves({
    ...meta,
    executionArn: executionArn(name),
    stateMachineArn: STATE_MACHINE_ARN,
    name,
    status: status as 'RUNNING',
    startDate: new Date('2026-11-26T12:00:00Z'),
    ...(status === 'RUNNING' ? {} : { stopDate: new Date('2026-11-26T12:20:00Z') }),
    input: JSON.stringify(HISTORY_REQUEST),
    ...extra,
  });
}

describe('credsweep start', () => {
  it('--all-accounts / --accounts / --ous start the organization workflow of the stack', async () => {
    const ORG_ARN = STATE_MACHINE_ARN.replace(
      /:stateMachine:.*$/,
      ':stateMachine:credsweep-organization-abc',
    );
    cfn.on(DescribeStacksCommand).resolves(
      credsweepStack({
        StateMachineArn: STATE_MACHINE_ARN,
        OrganizationStateMachineArn: ORG_ARN,
        BucketName: BUCKET,
      }),
    );
    sfn.on(StartExecutionCommand).callsFake((input) => ({
      ...meta,
      executionArn: `${ORG_ARN.replace(':stateMachine:', ':execution:')}:${input.name}`,
      startDate: new Date('2026-11-26T12:00:00Z'),
    }));

    const all = await runCli(['start', '--all-accounts', '--json']);
    expect(all.stderr).toBe('');
    expect(all.code).toBe(0);
    const some = await runCli([
      'start',
      '--accounts',
      '222222222222,333333333333',
      '--max-credentials-total',
      '20',
      '--json',
    ]);
    expect(some.code).toBe(0);
    const ous = await runCli(['start', '--ous', 'ou-a1b2-workload1', '--json']);
    expect(ous.code).toBe(0);

    const calls = sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.stateMachineArn)).toEqual([ORG_ARN, ORG_ARN, ORG_ARN]);
    expect(calls.map((c) => JSON.parse(c.input ?? ''))).toEqual([
      { mode: 'remediate', startedBy: CALLER },
      {
        mode: 'remediate',
        accounts: ['222222222222', '333333333333'],
        maxCredentialsTotal: 20,
        startedBy: CALLER,
      },
      { mode: 'remediate', ous: ['ou-a1b2-workload1'], startedBy: CALLER },
    ]);
  });

  it('says how to deploy the organization workflow when the stack has none, and refuses mixed or bad options', async () => {
    const missing = await runCli(['start', '--all-accounts']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain(
      'has no OrganizationStateMachineArn output: deploy it with -c organization=true',
    );
    const mixed = await runCli(['start', '--all-accounts', '--accounts', '222222222222']);
    expect(mixed.code).not.toBe(0);
    expect(mixed.stderr).toContain('--all-accounts sweeps every account');
    const total = await runCli(['start', '--max-credentials-total', '5']);
    expect(total.code).not.toBe(0);
    expect(total.stderr).toContain('--max-credentials-total is for organization runs');
    const bad = await runCli(['start', '--accounts', '2222']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('expected comma-separated 12-digit account ids, not "2222"');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('starts a named execution with the validated input and the caller as startedBy', async () => {
    sfn.on(StartExecutionCommand).callsFake((input) => ({
      ...meta,
      executionArn: `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${input.name}`,
      startDate: new Date('2026-11-26T12:00:00Z'),
    }));

    const run = await runCli([
      'start',
      '--days',
      '45',
      '--users',
      'alice,svc+etl=nightly\\,eu.ops@data_team-1',
      '--dry-run',
      '--max-credentials',
      '5',
      '--json',
    ]);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(cfn).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: 'Credsweep' });
    const call = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(call?.stateMachineArn).toBe(STATE_MACHINE_ARN);
    expect(call?.name).toMatch(/^run-\d{8}T\d{4}Z-[a-z0-9]{4}$/);
    expect(JSON.parse(call?.input ?? '')).toEqual({
      mode: 'remediate',
      days: 45,
      users: ['alice', 'svc+etl=nightly,eu.ops@data_team-1'],
      dryRun: true,
      maxCredentials: 5,
      startedBy: CALLER,
    });
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({
      name: call?.name,
      stateMachineArn: STATE_MACHINE_ARN,
      input: { startedBy: CALLER },
    });
  });

  it('uses --state-machine and --name as given, without reading the stack', async () => {
    sfn
      .on(StartExecutionCommand)
      .resolves({ ...meta, executionArn: executionArn('nightly-2026-11-26'), startDate: new Date() });
    const run = await runCli(['start', '--state-machine', STATE_MACHINE_ARN, '--name', 'nightly-2026-11-26']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Started nightly-2026-11-26');
    expect(cfn).not.toHaveReceivedCommand(DescribeStacksCommand);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { name: 'nightly-2026-11-26' });
  });

  it('falls back to the local user name when STS cannot say who is calling', async () => {
    sts.on(GetCallerIdentityCommand).rejects(awsError('AccessDenied', 'no'));
    sfn
      .on(StartExecutionCommand)
      .resolves({ ...meta, executionArn: executionArn('x'), startDate: new Date() });
    process.env.USER = 'alice-laptop';
    await runCli(['start', '--state-machine', STATE_MACHINE_ARN]);
    const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '{}');
    expect(input.startedBy).toBe('alice-laptop');
  });

  it.each([
    [['--users', 'bad name!'], 'invalid run input: users.0: not a valid IAM user name ("bad name!")'],
    [['--name', 'has spaces'], '--name must be 1 to 80 letters, digits, - or _'],
    [
      ['--state-machine', 'arn:aws:lambda:eu-west-1:1:function:x'],
      '--state-machine expects a state machine ARN',
    ],
    [['--auto-approve'], '--auto-approve and --auto-reject are for --local runs'],
  ])('refuses %j before calling Step Functions', async (args, message) => {
    const run = await runCli(['start', ...args]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('refuses a bad option value as a usage error', async () => {
    const run = await runCli(['start', '--days', 'soon']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/argument 'soon' is invalid. expected a whole number/i);
  });

  it('--wait follows the run and stops, exit 0, when it waits for approval', async () => {
    const name = 'run-20261126T1200Z-wait';
    sfn
      .on(StartExecutionCommand)
      .resolves({ ...meta, executionArn: executionArn(name), startDate: new Date() });
    describeAs(name, 'RUNNING');
    serveHistory(executionArn(name), awaitingApprovalHistory(), 3);

    const run = await runCli([
      'start',
      '--state-machine',
      STATE_MACHINE_ARN,
      '--name',
      name,
      '--wait',
      '--poll',
      '0.01',
    ]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      '→ Start\n→ Analyze\n  ✓ Analyze: 3 findings, 3 proposed, 2 users skipped, threshold 45 days (700ms)\n→ RequestApproval\n',
    );
    expect(run.stdout).toContain(`${name}  RUNNING (awaiting-approval)`);
    expect(run.stdout).toMatch(/ now\s+RequestApproval: waiting for an approver/);
    expect(run.stdout).toContain(`Waiting for approval. Follow it with: credsweep status ${name}`);
    // Newest-first pages until the events already seen: here the first poll reads all of them.
    const calls = sfn.commandCalls(GetExecutionHistoryCommand).map((c) => c.args[0].input);
    expect(calls.every((c) => c.reverseOrder === true)).toBe(true);
  });

  it('--wait reads only the new events on each poll and prints the changes as batches finish', async () => {
    const name = 'run-20261126T1200Z-poll';
    const arn = executionArn(name);
    const full = backedOutHistory(name);
    // First poll: the run is inside the Map, batch 0 done; second poll: it has ended.
    const firstBatchDone = full.findIndex((e) => e.type === 'MapIterationSucceeded') + 1;
    let shown = full.slice(0, firstBatchDone);
    sfn.on(StartExecutionCommand).resolves({ ...meta, executionArn: arn, startDate: new Date() });
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce({
        ...meta,
        executionArn: arn,
        stateMachineArn: STATE_MACHINE_ARN,
        name,
        status: 'RUNNING',
        startDate: new Date(),
        input: '{}',
      })
      .callsFake(() => {
        shown = full;
        return {
          ...meta,
          executionArn: arn,
          stateMachineArn: STATE_MACHINE_ARN,
          name,
          status: 'FAILED',
          startDate: new Date(),
          stopDate: new Date(),
          error: 'AccessDenied',
          cause: 'denied',
          input: '{}',
        };
      });
    sfn.on(GetExecutionHistoryCommand).callsFake((input) => {
      const newest = [...shown].reverse();
      const start = input.nextToken ? Number(input.nextToken) : 0;
      const page = newest.slice(start, start + 20);
      return {
        ...meta,
        events: page,
        ...(start + 20 < newest.length ? { nextToken: String(start + 20) } : {}),
      };
    });

    const run = await runCli([
      'start',
      '--state-machine',
      STATE_MACHINE_ARN,
      '--name',
      name,
      '--wait',
      '--poll',
      '0.01',
    ]);

    expect(run.code).toBe(3);
    expect(run.stdout).toContain('  changes so far: 2 disabled, 0 skipped; batch 1 of 2 done\n');
    expect(run.stdout).toContain('✗   [batch 1] DeactivateAccessKeys: AccessDenied: User: ');
    expect(run.stdout).toContain(
      '→ Backout\n  ✓ Backout: 2 restored, 0 found unchanged, 0 failed (700ms)\n' +
        '→ ReportBackout\n  ✓ ReportBackout: evidence written: backed-out (700ms)\n→ Outcome?\n→ BackedOut\n',
    );
    expect(run.stdout.match(/→ Start\n/g)).toHaveLength(1);
    // Poll 1 pages back to the first event; poll 2 stops at the first page holding a known event.
    const pages = sfn.commandCalls(GetExecutionHistoryCommand).map((c) => c.args[0].input.nextToken ?? '0');
    const firstPoll = Math.ceil(firstBatchDone / 20);
    expect(pages).toHaveLength(firstPoll + Math.ceil((full.length - firstBatchDone + 1) / 20));
  });

  it('--wait on a run that ends FAILED prints the outcome and exits 3', async () => {
    const name = 'run-20261126T1200Z-fail';
    sfn
      .on(StartExecutionCommand)
      .resolves({ ...meta, executionArn: executionArn(name), startDate: new Date() });
    describeAs(name, 'FAILED', { error: 'AccessDenied', cause: 'denied' });
    serveHistory(executionArn(name), backedOutHistory(name), 25);
    const run = await runCli([
      'start',
      '--state-machine',
      STATE_MACHINE_ARN,
      '--name',
      name,
      '--wait',
      '--poll',
      '0.01',
      '--json',
    ]);
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout).run).toMatchObject({ status: 'FAILED', outcome: 'backed-out' });
  });
});

describe('credsweep history', () => {
  it('pages ListExecutions with nextToken up to --limit, and reads each run', async () => {
    const names = ['r5', 'r4', 'r3', 'r2', 'r1'];
    const item = (name: string) => ({
      executionArn: executionArn(name),
      stateMachineArn: STATE_MACHINE_ARN,
      name,
      status: 'FAILED' as const,
      startDate: new Date('2026-11-26T12:00:00Z'),
    });
    sfn
      .on(ListExecutionsCommand)
      .resolvesOnce({ ...meta, executions: names.slice(0, 2).map(item), nextToken: 'page-2' })
      .resolvesOnce({ ...meta, executions: names.slice(2, 4).map(item), nextToken: 'page-3' })
      .resolves({ ...meta, executions: names.slice(4).map(item) });
    for (const name of names) {
      describeAs(name, 'FAILED', { error: 'AccessDenied', cause: 'denied' });
      serveHistory(executionArn(name), backedOutHistory(name), 1000);
    }

    const run = await runCli(['history', '--limit', '3']);

    expect(run.code).toBe(0);
    const calls = sfn.commandCalls(ListExecutionsCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([
      { stateMachineArn: STATE_MACHINE_ARN, maxResults: 3 },
      { stateMachineArn: STATE_MACHINE_ARN, maxResults: 1, nextToken: 'page-2' },
    ]);
    // Each run: one DescribeExecution and one newest-first history page.
    expect(sfn).toHaveReceivedCommandTimes(DescribeExecutionCommand, 3);
    expect(sfn).toHaveReceivedCommandWith(GetExecutionHistoryCommand, { reverseOrder: true, maxResults: 25 });
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^STARTED\s+NAME\s+KIND\s+ACCOUNTS\s+STATUS\s+OUTCOME\s+STARTED BY\s+FINDINGS\s+DISABLED\s+RESTORED$/,
    );
    expect(lines[1]).toMatch(
      /^2026-11-26 12:00:00 UTC\s+r5\s+account\s+-\s+FAILED\s+backed-out\s+assumed-role\/Admin\/alice\s+3\s+0\s+2$/,
    );
    expect(lines.filter((l) => l.startsWith('2026-'))).toHaveLength(3);
  });

  it('--json: one object with every run', async () => {
    sfn.on(ListExecutionsCommand).resolves({ ...meta, executions: [] });
    const run = await runCli(['history', '--json']);
    expect(JSON.parse(run.stdout)).toEqual({ where: STATE_MACHINE_ARN, runs: [] });
  });
});

describe('credsweep show', () => {
  it('builds the timeline from the paginated history: states, durations, batches, retries, failures', async () => {
    const name = 'run-20261126T1200Z-show';
    describeAs(name, 'FAILED', { error: 'AccessDenied', cause: 'denied' });
    serveHistory(executionArn(name), backedOutHistory(name), 30);
    s3.on(GetObjectCommand).rejects(awsError('NoSuchKey', 'The specified key does not exist.'));

    const run = await runCli(['show', name]);

    expect(run.code).toBe(0);
    const pages = sfn.commandCalls(GetExecutionHistoryCommand).map((c) => c.args[0].input.nextToken);
    expect(pages).toEqual([undefined, '30', '60']);
    const out = run.stdout;
    expect(out).toContain(`${name}  FAILED (backed-out)`);
    expect(out).toMatch(
      / started\s+2026-11-26 12:00:00 UTC by arn:aws:sts::111122223333:assumed-role\/Admin\/alice\n/,
    );
    expect(out).toMatch(
      / approval\s+approved by sec@example.com at 2026-11-26 12:14:00 UTC \(3 approved, 0 not approved\)\n/,
    );
    expect(out).toMatch(/ changes\s+0 disabled, 2 restored\n/);
    expect(out).toMatch(/ApplyBatches\s+2\.9s\s+FAILED AccessDenied: User: /);
    expect(out).toMatch(
      /Analyze\s+3\.4s\s+3 findings, 3 proposed, 2 users skipped, threshold 45 days \(1 retry\)/,
    );
    expect(out).toMatch(
      /RequestApproval\s+13m 00s\s+approved by sec@example.com \(3 approved, 0 not approved\)/,
    );
    expect(out).toMatch(/\[batch 0\] DisableConsoleAccess\s+\d+ms\s+1 console password removed, 0 skipped/);
    expect(out).toMatch(/\[batch 1\] DisableConsoleAccess\s+1\.0s\s+0 console passwords removed, 0 skipped/);
    expect(out).toMatch(/\[batch 0\] DeactivateAccessKeys\s+\d+ms\s+1 access key deactivated, 0 skipped/);
    expect(out).toMatch(
      /\[batch 1\] DeactivateAccessKeys\s+\d+ms\s+FAILED AccessDenied: User: .* iam:UpdateAccessKey/,
    );
    expect(out).toMatch(/Backout\s+\d+ms\s+2 restored, 0 found unchanged, 0 failed/);
    expect(out).toMatch(/BackedOut\s+0ms\s+FAILED AccessDenied/);
    expect(out).toContain(`(no evidence.json in s3://${BUCKET}/runs/${name}/)`);
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, {
      Bucket: BUCKET,
      Key: `runs/${name}/evidence.json`,
    });
  });

  it('--json carries the steps and the evidence', async () => {
    const name = 'r-approval';
    describeAs(name, 'FAILED', { error: 'MessageRejected', cause: 'Email address is not verified.' });
    serveHistory(executionArn(name), approvalFailedHistory(name), 1000);
    s3.on(GetObjectCommand).rejects(awsError('NoSuchKey', 'x'));
    const run = await runCli(['show', executionArn(name), '--json']);
    const out = JSON.parse(run.stdout);
    expect(out.run).toMatchObject({ name, status: 'FAILED', outcome: 'backed-out' });
    expect(out.steps.map((s: { state: string; status: string }) => `${s.state}:${s.status}`)).toEqual([
      'RequestApproval:failed',
      'ApprovalFailed:succeeded',
      'Backout:succeeded',
      'ReportBackout:succeeded',
      'BackedOut:failed',
    ]);
    expect(out.steps[0].detail).toBe('FAILED MessageRejected: Email address is not verified.');
    expect(out.evidence).toBeNull();
  });
});

describe('credsweep show without access to the evidence', () => {
  it('still prints the timeline, and says why the changes are missing', async () => {
    const name = 'r-denied';
    describeAs(name, 'FAILED', { error: 'AccessDenied', cause: 'denied' });
    serveHistory(executionArn(name), backedOutHistory(name), 1000);
    s3.on(GetObjectCommand).rejects(awsError('AccessDenied', 'Access Denied'));
    const run = await runCli(['show', name]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Timeline');
    expect(run.stdout).toContain(
      `(evidence not read: access denied: AWS refused s3:GetObject on s3://${BUCKET}/runs/${name}/evidence.json.`,
    );
  });
});

describe('credsweep status', () => {
  it('says where a running run is', async () => {
    describeAs('r-wait', 'RUNNING');
    serveHistory(executionArn('r-wait'), awaitingApprovalHistory(), 1000);
    const run = await runCli(['status', 'r-wait', '--state-machine', STATE_MACHINE_ARN, '--json']);
    expect(JSON.parse(run.stdout)).toMatchObject({
      name: 'r-wait',
      status: 'RUNNING',
      outcome: 'awaiting-approval',
      waitingForApproval: true,
      currentStates: ['RequestApproval'],
      evidence: null,
    });
  });
});

describe('credsweep backout', () => {
  it('starts a backout-mode execution of the full source ARN, limited to --users', async () => {
    describeAs('r1', 'SUCCEEDED', { input: JSON.stringify(HISTORY_REQUEST) });
    serveHistory(executionArn('r1'), awaitingApprovalHistory().slice(0, 3), 1000);
    sfn.on(StartExecutionCommand).callsFake((input) => ({
      ...meta,
      executionArn: executionArn(input.name),
      startDate: new Date(),
    }));

    const run = await runCli(['backout', 'r1', '--users', 'alice,bob', '--json']);

    expect(run.code).toBe(0);
    const call = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(call?.name).toMatch(/^backout-r1-[a-z0-9]{4}$/);
    expect(JSON.parse(call?.input ?? '')).toEqual({
      mode: 'backout',
      backoutOf: executionArn('r1'),
      users: ['alice', 'bob'],
      startedBy: CALLER,
    });
    expect(JSON.parse(run.stdout)).toMatchObject({ backoutOf: executionArn('r1') });
  });

  it('refuses a run that is still running, and a backout', async () => {
    describeAs('r-wait', 'RUNNING');
    serveHistory(executionArn('r-wait'), awaitingApprovalHistory(), 1000);
    const running = await runCli(['backout', 'r-wait']);
    expect(running.code).toBe(1);
    expect(running.stderr).toContain('r-wait is still running');

    describeAs('b1', 'SUCCEEDED', {
      input: JSON.stringify({ mode: 'backout', backoutOf: executionArn('r1') }),
    });
    serveHistory(executionArn('b1'), [], 1000);
    const twice = await runCli(['backout', 'b1']);
    expect(twice.stderr).toContain(`b1 is itself a backout (of ${executionArn('r1')})`);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });
});

describe('credsweep evidence', () => {
  it('downloads the three files from the bucket in the stack outputs', async () => {
    describeAs('r1', 'SUCCEEDED');
    serveHistory(executionArn('r1'), [], 1000);
    for (const file of ['evidence.json', 'findings.csv', 'report.html']) {
      s3.on(GetObjectCommand, { Bucket: BUCKET, Key: `runs/r1/${file}` }).resolves({
        ...meta,
        Body: body(`content of ${file}`) as never,
      });
    }
    const out = mkdtempSync(join(tmpdir(), 'credsweep-evidence-dl-'));
    const run = await runCli(['evidence', 'r1', '--out', out, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ from: `s3://${BUCKET}/runs/r1/`, dir: out });
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toBe('content of report.html');
    expect(readFileSync(join(out, 'findings.csv'), 'utf8')).toBe('content of findings.csv');
  });
});

describe('AWS errors, said plainly', () => {
  it('no credentials: how to configure them', async () => {
    const err = awsError('CredentialsProviderError', 'Could not load credentials from any providers');
    cfn.on(DescribeStacksCommand).rejects(err);
    const run = await runCli(['history']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'credsweep: no AWS credentials found: Could not load credentials from any providers.',
    );
    expect(run.stderr).toContain('export AWS_PROFILE=<profile>');
    expect(run.stderr).toContain('aws sso login --profile <profile>');
  });

  it('an expired SSO session: log in again', async () => {
    process.env.AWS_PROFILE = 'prod-admin';
    try {
      cfn
        .on(DescribeStacksCommand)
        .rejects(
          awsError('CredentialsProviderError', 'The SSO session associated with this profile has expired.'),
        );
      const run = await runCli(['history']);
      expect(run.stderr).toContain('Run `aws sso login --profile prod-admin`');
    } finally {
      delete process.env.AWS_PROFILE;
    }
  });

  it('access denied: which action on which resource, for whom', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(
        awsError(
          'AccessDeniedException',
          `User: arn:aws:sts::111122223333:assumed-role/ReadOnly/bob is not authorized to perform: states:StartExecution on resource: ${STATE_MACHINE_ARN} because no identity-based policy allows the states:StartExecution action`,
        ),
      );
    const run = await runCli(['start']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `credsweep: access denied: AWS refused states:StartExecution on ${STATE_MACHINE_ARN} to arn:aws:sts::111122223333:assumed-role/ReadOnly/bob. Ask for states:StartExecution`,
    );
  });

  it('access denied without details: names the action the command called', async () => {
    cfn.on(DescribeStacksCommand).rejects(awsError('AccessDenied', 'Access Denied'));
    const run = await runCli(['status', 'r1']);
    expect(run.stderr).toContain('access denied: AWS refused cloudformation:DescribeStacks on Credsweep.');
  });

  it('an execution that does not exist: which one', async () => {
    sfn
      .on(DescribeExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} }));
    const run = await runCli(['status', 'run-nope']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `credsweep: no execution "run-nope" in state machine ${STATE_MACHINE_ARN}. List recent runs with \`credsweep history\`.`,
    );
  });

  it('a stack that does not exist: deploy it or say where the state machine is', async () => {
    cfn.on(DescribeStacksCommand).rejects(awsError('ValidationError', 'Stack with id Other does not exist'));
    const run = await runCli(['history', '--stack', 'Other']);
    expect(run.stderr).toContain(
      'credsweep: no CloudFormation stack "Other" in eu-west-1. Deploy it (docs/deploy.md)',
    );
  });

  it('no region: how to set one', async () => {
    cfn.on(DescribeStacksCommand).rejects(new Error('Region is missing'));
    const run = await runCli(['history']);
    expect(run.stderr).toContain('no AWS region configured: set AWS_REGION');
  });
});
