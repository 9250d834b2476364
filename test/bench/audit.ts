/**
 * `credsweep audit` over a quarter of weekly organization runs: 13 runs of the real organization ASL
 * over 1,000 accounts in one local home, then the audit of that quarter. Counted: the evidence files
 * read locally, and the AWS requests the same audit sends (ListExecutions, GetObject), the SDK mocked
 * at its boundary and serving the local home's objects key for key; timed (medians): reading the
 * period, the whole audit (read, rules, report.html with its charts, the CSV files), and for
 * comparison reading every account's own evidence of every run.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { auditModel } from '../../cli/audit/model.js';
import { readPeriod } from '../../cli/audit/read.js';
import { exceptionsCsv, gapsCsv, openCsv, runsCsv } from '../../cli/audit/render-csv.js';
import { renderAuditHtml } from '../../cli/audit/render-html.js';
import { awsRuns } from '../../cli/aws/runs.js';
import { runDemo } from '../../cli/local/demo-run.js';
import { listExecutions } from '../../cli/local/executions.js';
import { localRuns, type RunSource } from '../../cli/runs.js';
import type { OrgEvidence } from '../../handlers/core/organization/org-evidence.js';
import { largeOrganizationSeed } from '../helpers/large-organization.js';
import { median, medianMs } from './stats.js';

const WEEK_MS = 7 * 86_400_000;
const FIRST = new Date('2026-10-05T09:00:00Z');
const PERIOD = { from: '2026-10-01', to: '2026-12-31', every: 7 };
const FROM = new Date(`${PERIOD.from}T00:00:00Z`);
const TO = new Date('2027-01-01T00:00:00Z');

export interface AuditBench {
  runs: number;
  accounts: number;
  /** Local evidence files the audit read. */
  localReads: number;
  /** AWS requests of the same audit, by operation. */
  awsRequests: Record<string, number>;
  readMs: number;
  auditMs: number;
  htmlBytes: number;
  /** Reading every account's evidence of every run instead, as `evidence` per run would. */
  perAccountReads: number;
  perAccountMs: number;
  /** Building the 13 runs (not part of the audit). */
  setupMs: number;
}

function counting(source: RunSource): { source: RunSource; reads: () => number } {
  let reads = 0;
  return {
    source: {
      ...source,
      file: (run, path) => {
        reads += 1;
        return source.file(run, path);
      },
    },
    reads: () => reads,
  };
}

async function wholeAudit(source: RunSource): Promise<number> {
  const runs = await readPeriod(source, FROM, TO);
  const model = auditModel({ period: PERIOD, cadence: '--every', where: source.where, account: null, runs });
  const html = await renderAuditHtml(model, new Date());
  for (const csv of [runsCsv, gapsCsv, exceptionsCsv, openCsv]) csv(model);
  return html.length;
}

/** The same audit through the AWS RunSource, the SDK answering from the local home. */
async function awsRequests(home: string, runs: number): Promise<Record<string, number>> {
  const sfn = mockClient(SFNClient);
  const s3 = mockClient(S3Client);
  const account = 'arn:aws:states:us-east-1:100000000000:stateMachine:credsweep';
  const org = `${account}-organization`;
  const executions = listExecutions(home).map((e) => ({
    executionArn: `${org.replace(':stateMachine:', ':execution:')}:${e.name}`,
    stateMachineArn: org,
    name: e.name,
    status: e.status,
    startDate: new Date(e.startDate),
    ...(e.stopDate ? { stopDate: new Date(e.stopDate) } : {}),
  }));
  sfn.on(ListExecutionsCommand, { stateMachineArn: account }).resolves({ $metadata: {}, executions: [] });
  sfn.on(ListExecutionsCommand, { stateMachineArn: org }).resolves({ $metadata: {}, executions });
  s3.on(GetObjectCommand).callsFake((input) => {
    const text = readFileSync(join(home, String(input.Key)), 'utf8');
    return {
      $metadata: {},
      Body: Object.assign(Readable.from([text]), { transformToString: async () => text }),
    };
  });
  try {
    const source = awsRuns({
      stateMachineArn: account,
      organizationStateMachineArn: org,
      bucketName: 'bench-bucket',
      stackName: null,
    });
    const read = await readPeriod(source, FROM, TO);
    if (read.length !== runs) throw new Error(`bench audit over AWS read ${read.length} runs, not ${runs}`);
    return {
      ListExecutions: sfn.commandCalls(ListExecutionsCommand).length,
      GetObject: s3.commandCalls(GetObjectCommand).length,
      other:
        sfn.calls().length +
        s3.calls().length -
        sfn.commandCalls(ListExecutionsCommand).length -
        s3.commandCalls(GetObjectCommand).length,
    };
  } finally {
    sfn.restore();
    s3.restore();
  }
}

export async function benchAudit(accounts = 1000, weeks = 13): Promise<AuditBench> {
  const home = mkdtempSync(join(tmpdir(), 'credsweep-bench-audit-'));
  const setupStarted = Date.now();
  for (let week = 0; week < weeks; week++) {
    const now = new Date(FIRST.getTime() + week * WEEK_MS);
    const seed = largeOrganizationSeed({
      accounts,
      usersPerAccount: 5,
      staleFraction: 0.05,
      now,
      seed: 42 + week,
    });
    await runDemo({ seed, now, home, approval: 'auto-approve', maxCredentialsTotal: 100_000 });
  }
  const setupMs = Date.now() - setupStarted;

  const once = counting(localRuns(home));
  const htmlBytes = await wholeAudit(once.source);
  const localReads = once.reads();
  const local = localRuns(home);
  const readMs = await medianMs(3, () => readPeriod(local, FROM, TO));
  const auditMs = await medianMs(3, () => wholeAudit(local));

  const names = listExecutions(home).map((e) => e.name);
  const perAccount = async () => {
    let reads = 0;
    for (const name of names) {
      const ref = { execution: { executionArn: `x:${name}` } };
      const summary = JSON.parse((await local.file(ref, 'evidence.json')) ?? '{}') as OrgEvidence;
      for (const a of summary.accounts) {
        JSON.parse((await local.file(ref, `accounts/${a.accountId}/evidence.json`)) ?? 'null');
        reads += 1;
      }
    }
    return reads;
  };
  const perAccountReads = await perAccount();
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await perAccount();
    times.push(performance.now() - started);
  }
  return {
    runs: names.length,
    accounts,
    localReads,
    awsRequests: await awsRequests(home, names.length),
    readMs,
    auditMs,
    htmlBytes,
    perAccountReads: perAccountReads + names.length,
    perAccountMs: median(times),
    setupMs,
  };
}
