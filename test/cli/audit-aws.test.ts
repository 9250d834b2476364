/**
 * `credsweep audit` against AWS through aws-sdk-client-mock at the SDK boundary: the stack's outputs
 * (both state machines, the bucket, the schedule), ListExecutions paged only as far back as the
 * period, one GetObject per run (an organization run's summary, never each account's evidence), a
 * run whose evidence is missing read from its execution history instead. The objects served are the
 * ones real local runs wrote (`demo`, `start --local`, `demo --org`), key for key.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  type ExecutionListItem,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LocalExecution } from '../../cli/local/executions.js';
import { SAMPLE_ORG_ACCOUNTS } from '../../cli/local/sample-organization.js';
import type { OrgEvidence } from '../../handlers/core/organization/org-evidence.js';
import { AUDIT_SEED } from '../helpers/audit-seed.js';
import { runCli } from '../helpers/cli.js';
import {
  backedOutHistory,
  executionArn,
  HISTORY_REQUEST,
  STATE_MACHINE_ARN,
} from '../helpers/sfn-history.js';
import { credsweepStack } from '../helpers/stack-outputs.js';

const sfn = mockClient(SFNClient);
const cfn = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);
const meta = { $metadata: {} };
const BUCKET = 'credsweep-databucket-abc123';
const ORG_ARN = STATE_MACHINE_ARN.replace(/:stateMachine:.*$/, ':stateMachine:credsweep-organization-abc');
const orgExecutionArn = (name: string) => `${ORG_ARN.replace(':stateMachine:', ':execution:')}:${name}`;

let accountHome: string;
let orgHome: string;
let accountRuns: LocalExecution[];
let orgRun: LocalExecution;

const executions = (home: string) => (name: string) =>
  JSON.parse(readFileSync(join(home, 'executions', `${name}.json`), 'utf8')) as LocalExecution;

const savedEnv = { ...process.env };
beforeAll(async () => {
  process.env.AWS_REGION = 'eu-west-1';
  delete process.env.AWS_PROFILE;
  accountHome = mkdtempSync(join(tmpdir(), 'credsweep-audit-aws-'));
  orgHome = mkdtempSync(join(tmpdir(), 'credsweep-audit-aws-org-'));
  const seed = join(accountHome, 'seed.json');
  writeFileSync(seed, JSON.stringify(AUDIT_SEED));
  const first = await runCli([
    'demo',
    '--seed',
    seed,
    '--now',
    '2026-10-05T09:00:00Z',
    '--auto-approve',
    '--json',
    '--home',
    accountHome,
  ]);
  expect(first.code, first.stderr).toBe(0);
  const second = await runCli([
    'start',
    '--local',
    '--now',
    '2026-10-12T09:00:00Z',
    '--auto-reject',
    '--json',
    '--home',
    accountHome,
  ]);
  expect(second.code, second.stderr).toBe(3);
  const org = await runCli([
    'demo',
    '--org',
    '--now',
    '2026-10-19T09:00:00Z',
    '--auto-approve',
    '--json',
    '--home',
    orgHome,
  ]);
  expect(org.code, org.stderr).toBe(0);
  accountRuns = [JSON.parse(first.stdout).executionName, JSON.parse(second.stdout).name].map(
    executions(accountHome),
  );
  orgRun = executions(orgHome)(JSON.parse(org.stdout).executionName);
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
  return Object.assign(new Error(message), { name });
}

const listed = (
  arn: string,
  e: { name: string; status: string; startDate: string; stopDate?: string | null },
) =>
  ({
    executionArn: arn,
    stateMachineArn: arn.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, ''),
    name: e.name,
    status: e.status,
    startDate: new Date(e.startDate),
    ...(e.stopDate ? { stopDate: new Date(e.stopDate) } : {}),
  }) as ExecutionListItem;

/** S3 as the runs left it; `override` replaces an object's text. */
function serveBucket(override: Record<string, string> = {}) {
  s3.on(GetObjectCommand).callsFake((input) => {
    const key = String(input.Key);
    if (override[key] !== undefined) return { ...meta, Body: body(override[key]) };
    for (const home of [accountHome, orgHome]) {
      try {
        return { ...meta, Body: body(readFileSync(join(home, key), 'utf8')) };
      } catch {}
    }
    throw awsError('NoSuchKey', 'The specified key does not exist.');
  });
}

beforeEach(() => {
  sfn.reset();
  cfn.reset();
  s3.reset();
  cfn.on(DescribeStacksCommand).resolves(
    credsweepStack({
      StateMachineArn: STATE_MACHINE_ARN,
      OrganizationStateMachineArn: ORG_ARN,
      BucketName: BUCKET,
      Schedule: 'cron(0 6 ? * MON *)',
    }),
  );
  const [first, second] = accountRuns as [LocalExecution, LocalExecution];
  // Newest first, 1,000 a page: the second page reaches back before the period, so paging stops there.
  sfn.on(ListExecutionsCommand, { stateMachineArn: STATE_MACHINE_ARN }).callsFake((input) =>
    input.nextToken === undefined
      ? {
          ...meta,
          executions: [
            listed(executionArn('lost-run'), {
              name: 'lost-run',
              status: 'FAILED',
              startDate: '2026-10-26T12:00:00Z',
              stopDate: '2026-10-26T12:20:00Z',
            }),
            listed(executionArn(second.name), second),
          ],
          nextToken: 'page-2',
        }
      : input.nextToken === 'page-2'
        ? {
            ...meta,
            executions: [
              listed(executionArn(first.name), first),
              listed(executionArn('old-run'), {
                name: 'old-run',
                status: 'SUCCEEDED',
                startDate: '2026-09-01T09:00:00Z',
              }),
            ],
            nextToken: 'page-3',
          }
        : { ...meta, executions: [] },
  );
  sfn
    .on(ListExecutionsCommand, { stateMachineArn: ORG_ARN })
    .resolves({ ...meta, executions: [listed(orgExecutionArn(orgRun.name), orgRun)] });
  // The run whose evidence is gone: what its execution says.
  sfn.on(DescribeExecutionCommand, { executionArn: executionArn('lost-run') }).resolves({
    ...meta,
    executionArn: executionArn('lost-run'),
    stateMachineArn: STATE_MACHINE_ARN,
    name: 'lost-run',
    status: 'FAILED',
    startDate: new Date('2026-10-26T12:00:00Z'),
    stopDate: new Date('2026-10-26T12:20:00Z'),
    input: JSON.stringify(HISTORY_REQUEST),
  });
  const history = backedOutHistory('lost-run');
  sfn.on(GetExecutionHistoryCommand, { executionArn: executionArn('lost-run') }).callsFake((input) => ({
    ...meta,
    events: input.reverseOrder ? [...history].reverse().slice(0, input.maxResults) : history,
  }));
});

const AUDIT = ['audit', '--from', '2026-10-01', '--to', '2026-10-31', '--json'];
const getObjectKeys = () => s3.commandCalls(GetObjectCommand).map((c) => String(c.args[0].input.Key));

describe('credsweep audit (AWS)', () => {
  it("reads both state machines' executions back to the period's start, one evidence.json per run, and the cadence from the schedule", async () => {
    serveBucket();
    const out = mkdtempSync(join(tmpdir(), 'credsweep-audit-out-'));
    const run = await runCli([...AUDIT, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);

    expect(report.every).toBe(7);
    expect(report.cadence).toBe("the deployment's schedule, cron(0 6 ? * MON *)");
    const [first, second] = accountRuns as [LocalExecution, LocalExecution];
    expect(
      report.runs.map((r: { name: string; workflow: string; outcome: string }) => [
        r.name,
        r.workflow,
        r.outcome,
      ]),
    ).toEqual([
      [first.name, 'account', 'remediated'],
      [second.name, 'account', 'rejected'],
      [orgRun.name, 'organization', 'remediated'],
      ['lost-run', 'account', 'backed-out'],
    ]);
    expect(report.runs[0].evidence).toBe(`s3://${BUCKET}/runs/${first.name}/`);
    expect(report.runs[3]).toMatchObject({
      approvers: ['sec@example.com'],
      evidenceProblem: `no evidence.json in s3://${BUCKET}/runs/lost-run/: the run ended before its Report task wrote it`,
    });
    expect(run.stderr).toContain('warning: run lost-run: no evidence.json in');

    // Two pages of the account workflow's list (the second reached back before the period), one of the organization's.
    const lists = sfn
      .commandCalls(ListExecutionsCommand)
      .map((c) => [c.args[0].input.stateMachineArn, c.args[0].input.nextToken]);
    expect(lists).toEqual(
      expect.arrayContaining([
        [STATE_MACHINE_ARN, undefined],
        [STATE_MACHINE_ARN, 'page-2'],
        [ORG_ARN, undefined],
      ]),
    );
    expect(lists).toHaveLength(3);
    // One object per run: the organization run's summary, not its accounts' evidence.
    expect(getObjectKeys().sort()).toEqual(
      [first.name, second.name, orgRun.name, 'lost-run'].map((n) => `runs/${n}/evidence.json`).sort(),
    );
    // The histories read: only the run without evidence.
    expect(
      new Set(sfn.commandCalls(GetExecutionHistoryCommand).map((c) => c.args[0].input.executionArn)),
    ).toEqual(new Set([executionArn('lost-run')]));

    // The organization's accounts in the trend (by OU) and at the end: the unreachable one named.
    expect(report.trend.map((g: { label: string }) => g.label)).toEqual(
      expect.arrayContaining(['account 111122223333', 'OU ou-a1b2-workload1']),
    );
    expect(report.open).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          accountId: SAMPLE_ORG_ACCOUNTS.legacy,
          userName: null,
          why: 'account-unreachable',
        }),
      ]),
    );
    expect(report.gaps.map((g: { run: string | null }) => g.run)).toEqual(
      expect.arrayContaining([second.name, orgRun.name, 'lost-run']),
    );
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain(
      `https://s3.console.aws.amazon.com/s3/buckets/${BUCKET}?prefix=runs%2F${first.name}%2F`,
    );
  });

  it("completes an organization summary written before its rows kept what stood at the end from that account's evidence only", async () => {
    const key = `runs/${orgRun.name}/evidence.json`;
    const summary = JSON.parse(readFileSync(join(orgHome, key), 'utf8')) as OrgEvidence;
    const old = {
      ...summary,
      accounts: summary.accounts.map(
        ({ asOf: _a, thresholdDays: _t, exceptions: _x, open: _o, ...row }) => row,
      ),
    };
    serveBucket({ [key]: JSON.stringify(old) });
    const run = await runCli([
      ...AUDIT,
      '--account',
      SAMPLE_ORG_ACCOUNTS.payments,
      '--out',
      mkdtempSync(join(tmpdir(), 'o-')),
    ]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.runs.map((r: { name: string }) => r.name)).toEqual([orgRun.name, 'lost-run']);
    expect(getObjectKeys()).toContain(
      `runs/${orgRun.name}/accounts/${SAMPLE_ORG_ACCOUNTS.payments}/evidence.json`,
    );
    expect(getObjectKeys().filter((k) => k.includes('/accounts/'))).toHaveLength(1);
    expect(report.trend.map((g: { label: string }) => g.label)).toEqual([
      `account ${SAMPLE_ORG_ACCOUNTS.payments}`,
    ]);
  });
});
