/**
 * The run commands on an organization run in AWS, through aws-sdk-client-mock at the SDK boundary:
 * the run is found in the organization workflow's state machine (the stack's
 * OrganizationStateMachineArn), its parent history is what a Distributed Map leaves there (no
 * per-account steps), and the per-account evidence comes from S3. The objects served are the ones a
 * real organization run wrote (`credsweep demo --org` in a temporary home), key for key.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LocalExecution } from '../../cli/local/executions.js';
import { SAMPLE_ORG_ACCOUNTS } from '../../cli/local/sample-organization.js';
import { runCli } from '../helpers/cli.js';
import {
  backedOutHistory,
  executionArn,
  HISTORY_REQUEST,
  STATE_MACHINE_ARN,
} from '../helpers/sfn-history.js';
import { credsweepStack } from '../helpers/stack-outputs.js';

const A = SAMPLE_ORG_ACCOUNTS;
const sfn = mockClient(SFNClient);
const cfn = mockClient(CloudFormationClient);
const sts = mockClient(STSClient);
const s3 = mockClient(S3Client);
const meta = { $metadata: {} };
const CALLER = 'arn:aws:sts::111111111111:assumed-role/Admin/alice';
const BUCKET = 'credsweep-databucket-abc123';

let home: string;
let org: LocalExecution;
let orgArn: string;

const savedEnv = { ...process.env };
beforeAll(async () => {
  process.env.AWS_REGION = 'us-east-1';
  delete process.env.AWS_PROFILE;
  home = mkdtempSync(join(tmpdir(), 'credsweep-org-aws-'));
  const demo = await runCli(['demo', '--org', '--auto-approve', '--json', '--home', home]);
  expect(demo.code, demo.stderr).toBe(0);
  const name = JSON.parse(demo.stdout).executionName;
  org = JSON.parse(readFileSync(join(home, 'executions', `${name}.json`), 'utf8')) as LocalExecution;
  orgArn = org.stateMachineArn;
});
afterAll(() => {
  process.env = savedEnv;
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

/**
 * What GetExecutionHistory holds for the parent of a Distributed Map run: its own states only (the
 * accounts' steps are in the child executions), each as Step Functions names them.
 */
function parentHistory(execution: LocalExecution, until?: string): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  const kind = (state: string) =>
    /Accounts$/.test(state) && state !== 'ListAccounts' ? 'Map' : state.endsWith('?') ? 'Choice' : 'Task';
  for (const e of execution.events) {
    if (e.index !== undefined) continue;
    const id = events.length + 1;
    const base = { id, previousEventId: id - 1, timestamp: new Date(e.timestamp) };
    if (e.type === 'ExecutionStarted') {
      events.push({
        ...base,
        type: 'ExecutionStarted',
        executionStartedEventDetails: { input: JSON.stringify(e.input) },
      });
    } else if (e.type === 'StateEntered' && e.state) {
      events.push({
        ...base,
        type: `${kind(e.state)}StateEntered` as HistoryEvent['type'],
        stateEnteredEventDetails: { name: e.state, input: JSON.stringify(e.input) },
      });
    } else if (e.type === 'StateExited' && e.state) {
      events.push({
        ...base,
        type: `${kind(e.state)}StateExited` as HistoryEvent['type'],
        stateExitedEventDetails: { name: e.state, output: JSON.stringify(e.output) },
      });
      if (e.state === until) break;
    } else if (e.type === 'ExecutionSucceeded') {
      events.push({
        ...base,
        type: 'ExecutionSucceeded',
        executionSucceededEventDetails: { output: JSON.stringify(e.output) },
      });
    }
  }
  return events;
}

/** S3 as the run left it: the objects of the local run under the same keys (`missing` answer NoSuchKey). */
function serveBucket(missing: string[] = []) {
  s3.on(GetObjectCommand).callsFake((input) => {
    if (input.Bucket !== BUCKET) throw awsError('NoSuchBucket', 'The specified bucket does not exist');
    const key = String(input.Key);
    if (missing.includes(key)) throw awsError('NoSuchKey', 'The specified key does not exist.');
    try {
      return { ...meta, Body: body(readFileSync(join(home, key), 'utf8')) };
    } catch {
      throw awsError('NoSuchKey', 'The specified key does not exist.');
    }
  });
}

function serveOrgRun(opts: { running?: boolean; until?: string; missing?: string[] } = {}) {
  const orgRun = { ...org, status: opts.running ? ('RUNNING' as const) : org.status };
  // By name the account workflow's state machine is asked first: it does not know the run.
  sfn
    .on(DescribeExecutionCommand, {
      executionArn: `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${org.name}`,
    })
    .rejects(awsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${org.name}'`));
  sfn.on(DescribeExecutionCommand, { executionArn: org.executionArn }).resolves({
    ...meta,
    executionArn: org.executionArn,
    stateMachineArn: orgArn,
    name: org.name,
    status: orgRun.status,
    startDate: new Date(org.startDate),
    ...(opts.running ? {} : { stopDate: new Date(org.stopDate ?? org.startDate) }),
    input: JSON.stringify(org.input),
    ...(opts.running ? {} : { output: JSON.stringify(org.output) }),
  });
  const events = parentHistory(orgRun, opts.until);
  sfn.on(GetExecutionHistoryCommand, { executionArn: org.executionArn }).callsFake((input) => ({
    ...meta,
    events: input.reverseOrder ? [...events].reverse().slice(0, input.maxResults) : events,
  }));
  serveBucket(opts.missing);
}

beforeEach(() => {
  sfn.reset();
  cfn.reset();
  sts.reset();
  s3.reset();
  cfn.on(DescribeStacksCommand).resolves(
    credsweepStack({
      StateMachineArn: STATE_MACHINE_ARN,
      OrganizationStateMachineArn: orgArn,
      BucketName: BUCKET,
    }),
  );
  sts
    .on(GetCallerIdentityCommand)
    .resolves({ ...meta, Arn: CALLER, Account: '111111111111', UserId: 'AROA:alice' });
});

const keysRead = () => s3.commandCalls(GetObjectCommand).map((c) => String(c.args[0].input.Key));

describe('an organization run in AWS', () => {
  it("status finds it in the organization workflow's state machine and lists each account from its evidence", async () => {
    serveOrgRun();
    const run = await runCli(['status', org.name]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`${org.name}  SUCCEEDED (remediated)`);
    expect(run.stdout).toContain('accounts   5 accounts (organization run)');
    expect(run.stdout).toContain('changes    5 disabled');
    expect(run.stdout).toContain(`evidence   s3://${BUCKET}/runs/${org.name}/`);
    expect(run.stdout).toContain('Accounts (5): 2 remediated, 1 nothing-to-do, 1 unreachable, 1 suspended');
    expect(run.stdout).toMatch(/333333333333 +analytics +ou-a1b2-workload1 +remediated +3 +3 +0\n/);
    const described = sfn.commandCalls(DescribeExecutionCommand).map((c) => c.args[0].input.executionArn);
    expect(described.at(-1)).toBe(org.executionArn);
    expect(keysRead()).toEqual([`runs/${org.name}/evidence.json`]);

    const json = JSON.parse((await runCli(['status', org.name, '--account', A.legacy, '--json'])).stdout);
    expect(json).toMatchObject({ organization: true, stateMachineArn: orgArn });
    expect(json.account).toMatchObject({
      accountId: A.legacy,
      name: 'legacy-sandbox',
      outcome: 'unreachable',
    });
    expect(json.account.error.Error).toBe('AccountUnreachable');
  });

  it('while it runs, each account is read from what the run has stored so far', async () => {
    // Approved, applying: the org summary is not written, one account has reported, one has not.
    serveOrgRun({
      running: true,
      until: 'RequestApproval',
      missing: [`runs/${org.name}/evidence.json`, `runs/${org.name}/accounts/${A.analytics}/evidence.json`],
    });
    const run = await runCli(['status', org.name, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const outcomes = Object.fromEntries(
      JSON.parse(run.stdout).accounts.map((a: { accountId: string; outcome: string }) => [
        a.accountId,
        a.outcome,
      ]),
    );
    expect(outcomes).toEqual({
      [A.management]: 'nothing-to-do',
      [A.payments]: 'remediated',
      [A.analytics]: 'applying',
      [A.legacy]: 'unreachable',
      [A.suspended]: 'suspended',
    });
    expect(keysRead()).toEqual(
      expect.arrayContaining([`runs/${org.name}/accounts.json`, `runs/${org.name}/plan.json`]),
    );
  });

  it("show says the accounts' steps are in the child executions and lists every change with its account", async () => {
    serveOrgRun();
    const run = await runCli(['show', org.name]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/ApplyAccounts/);
    expect(run.stdout).toContain(
      "each account's steps run in its own child execution of the Distributed Map",
    );
    expect(run.stdout).toContain('Changes in all accounts (5)');
    expect(run.stdout).toMatch(/222222222222 +carol\.ops +console-password/);

    const one = await runCli(['show', org.name, '--account', A.payments]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain('account   222222222222 payments-prod (OU ou-a1b2-workload1, ACTIVE)');
    expect(one.stdout).toContain('Changes (2)');
    expect(keysRead()).toContain(`runs/${org.name}/accounts/${A.payments}/evidence.json`);
  });

  it('history lists both state machines newest first and marks the organization run', async () => {
    serveOrgRun();
    const older = 'run-20261120T0900Z-acct';
    sfn.on(ListExecutionsCommand, { stateMachineArn: STATE_MACHINE_ARN }).resolves({
      ...meta,
      executions: [
        {
          executionArn: executionArn(older),
          stateMachineArn: STATE_MACHINE_ARN,
          name: older,
          status: 'FAILED',
          startDate: new Date('2026-11-20T09:00:00Z'),
        },
      ],
    });
    sfn.on(ListExecutionsCommand, { stateMachineArn: orgArn }).resolves({
      ...meta,
      executions: [
        {
          executionArn: org.executionArn,
          stateMachineArn: orgArn,
          name: org.name,
          status: 'SUCCEEDED',
          startDate: new Date(org.startDate),
        },
      ],
    });
    sfn.on(DescribeExecutionCommand, { executionArn: executionArn(older) }).resolves({
      ...meta,
      executionArn: executionArn(older),
      stateMachineArn: STATE_MACHINE_ARN,
      name: older,
      status: 'FAILED',
      startDate: new Date('2026-11-20T09:00:00Z'),
      stopDate: new Date('2026-11-20T09:20:00Z'),
      input: JSON.stringify(HISTORY_REQUEST),
    });
    const accountEvents = backedOutHistory(older);
    sfn.on(GetExecutionHistoryCommand, { executionArn: executionArn(older) }).callsFake((input) => ({
      ...meta,
      events: input.reverseOrder ? [...accountEvents].reverse().slice(0, input.maxResults) : accountEvents,
    }));

    const run = await runCli(['history']);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^STARTED\s+NAME\s+KIND\s+ACCOUNTS\s+STATUS\s+OUTCOME/);
    expect(lines[1]).toMatch(new RegExp(`${org.name}\\s+org\\s+5\\s+SUCCEEDED\\s+remediated`));
    expect(lines[2]).toMatch(new RegExp(`${older}\\s+account\\s+-\\s+FAILED\\s+backed-out`));
    const json = JSON.parse((await runCli(['history', '--json'])).stdout);
    expect(
      json.runs.map((r: { kind: string; accountCount: number | null }) => [r.kind, r.accountCount]),
    ).toEqual([
      ['organization', 5],
      ['account', null],
    ]);
  });

  it("evidence downloads the org summary and every account's folder, or one account's", async () => {
    serveOrgRun();
    const out = mkdtempSync(join(tmpdir(), 'credsweep-org-evidence-'));
    const run = await runCli(['evidence', org.name, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      `from s3://${BUCKET}/runs/${org.name}/: the org summary and 5 account folders`,
    );
    expect(readFileSync(join(out, 'accounts', A.analytics, 'findings.csv'), 'utf8')).toBe(
      readFileSync(join(home, 'runs', org.name, 'accounts', A.analytics, 'findings.csv'), 'utf8'),
    );
    s3.resetHistory();
    const one = mkdtempSync(join(tmpdir(), 'credsweep-org-evidence-'));
    const narrowed = await runCli(['evidence', org.name, '--account', A.analytics, '--out', one]);
    expect(narrowed.code, narrowed.stderr).toBe(0);
    expect(keysRead().filter((k) => k.includes('/accounts/'))).toEqual([
      `runs/${org.name}/accounts/${A.analytics}/evidence.json`,
      `runs/${org.name}/accounts/${A.analytics}/findings.csv`,
      `runs/${org.name}/accounts/${A.analytics}/report.html`,
    ]);
  });

  it('backout --accounts starts the organization workflow in backout mode for those accounts and users', async () => {
    serveOrgRun();
    sfn.on(StartExecutionCommand).callsFake((input) => ({
      ...meta,
      executionArn: `${orgArn.replace(':stateMachine:', ':execution:')}:${input.name}`,
      startDate: new Date(),
    }));
    const run = await runCli([
      'backout',
      org.name,
      '--accounts',
      A.analytics,
      '--users',
      'frank.bi',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const calls = sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.stateMachineArn).toBe(orgArn);
    expect(calls[0]?.name).toMatch(new RegExp(`^backout-${org.name}-[a-z0-9]{4}$`));
    expect(JSON.parse(calls[0]?.input ?? '')).toEqual({
      mode: 'backout',
      backoutOf: org.executionArn,
      accounts: [A.analytics],
      users: ['frank.bi'],
      startedBy: CALLER,
    });
  });

  it('backout refuses an account the run did not change, before starting anything', async () => {
    serveOrgRun();
    const stranger = await runCli(['backout', org.name, '--accounts', '999999999999']);
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toContain(`account 999999999999 is not an account of ${org.name}`);
    const suspended = await runCli(['backout', org.name, '--accounts', A.suspended]);
    expect(suspended.code).toBe(1);
    expect(suspended.stderr).toContain(`changed nothing in account 555555555555 (closed-project: suspended)`);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('a name neither state machine knows is an error naming both', async () => {
    sfn.on(DescribeExecutionCommand).rejects(awsError('ExecutionDoesNotExist', 'Execution Does Not Exist'));
    const run = await runCli(['status', 'no-such-run']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `no execution "no-such-run" in state machine ${STATE_MACHINE_ARN} nor in ${orgArn}`,
    );
  });
});
