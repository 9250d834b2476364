/**
 * One local run of the real workflow against the sandbox account: the same ASL, the same handlers,
 * local ports. Used by `credsweep demo`, by `npm start` and by the end-to-end tests.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_EXEMPT_TAG_KEY,
  DEFAULT_MAX_CREDENTIALS,
  DEFAULT_THRESHOLD_DAYS,
  PASSWORD_SECRET_PREFIX,
} from '../../handlers/core/defaults.js';
import { CredsweepError, InputError } from '../../handlers/core/errors.js';
import type { Evidence } from '../../handlers/core/evidence.js';
import { evidenceKey } from '../../handlers/core/evidence.js';
import { runPrefix } from '../../handlers/core/plan.js';
import { runRequestSchema } from '../../handlers/core/request.js';
import type { LedgerEntry } from '../../handlers/core/types.js';
import type { Ports, Settings } from '../../handlers/ports/index.js';
import { startApprovalServer } from './approval-server.js';
import { actAsApprover } from './auto-approver.js';
import { type EngineResult, type EventLog, type FailAt, runLocal } from './engine.js';
import { reserveExecution, saveExecution, toHistoryEvent } from './executions.js';
import { writeFileAtomic } from './files.js';
import {
  FileBlobs,
  FileSecrets,
  FileStore,
  LocalRunStarter,
  LocalTaskCallbacks,
  Outbox,
} from './local-ports.js';
import { SandboxAccount } from './sandbox-account.js';
import { withSdkRetry } from './sdk-retry.js';
import { parseSeed, type Seed } from './seed.js';

/** The local account: every local run (demo, backout) starts from it and leaves its state in it. */
export const sandboxFile = (home: string) => join(home, 'sandbox.json');

export function loadLocalAccount(home: string): Seed {
  const path = sandboxFile(home);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new CredsweepError(
      'NoLocalAccount',
      `no local account in ${home}: run \`credsweep demo\` first (it keeps the account in ${path})`,
    );
  }
  return parseSeed(text, path);
}

function keep(
  home: string,
  sandbox: SandboxAccount,
  input: Record<string, unknown>,
  startedAt: Date,
  result: EngineResult,
  name: string,
) {
  writeFileAtomic(sandboxFile(home), `${JSON.stringify(sandbox.toSeed(), null, 2)}\n`);
  saveExecution(home, {
    executionArn: result.executionId,
    name,
    stateMachineArn: result.executionId.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, ''),
    status: result.status,
    startDate: startedAt.toISOString(),
    stopDate: new Date().toISOString(),
    input,
    output: result.output,
    error: result.error?.Error ?? null,
    cause: result.error?.Cause ?? null,
    events: result.events.map(toHistoryEvent),
  });
}

export type ApprovalMode = 'auto-approve' | 'auto-reject' | 'manual' | 'none';

export interface DemoOptions {
  seed: Seed;
  now: Date;
  /** Directory the local run keeps its store, blobs (evidence), outbox and secrets in. */
  home: string;
  approval: ApprovalMode;
  days?: number;
  maxCredentials?: number;
  users?: string[];
  exemptUsers?: string[];
  dryRun?: boolean;
  failAt?: FailAt;
  crashOnceAt?: FailAt;
  approvalTimeoutSeconds?: number;
  throttleRate?: number;
  rngSeed?: number;
  denyUsers?: string[];
  reportNeverCompletes?: boolean;
  reportPollsUntilComplete?: number;
  /** IAM's eventual consistency: reads of a just-changed user see the old state this many times. */
  readLag?: number;
  executionName?: string;
  /** Run in backout mode: restore what that earlier execution (ARN or name) changed. */
  backoutOf?: string;
  /** Who started the run, for the record (default: the command that ran it). */
  startedBy?: string;
  port?: number;
  onEvent?: (event: EventLog) => void;
  /** Called with each approver's link once the approval mail is in the outbox. */
  onApprovalLink?: (url: string, approver: string) => void;
  /** Lets a test act in the sandbox while the run waits for approval (e.g. use a credential). */
  beforeDecision?: (sandbox: SandboxAccount) => void | Promise<void>;
}

export interface DemoChange {
  userName: string;
  credential: LedgerEntry['credential'];
  accessKeyId: string | null;
  action: LedgerEntry['action'];
  before: string;
  after: string | null;
  status: LedgerEntry['status'];
}

export interface DemoResult {
  status: 'SUCCEEDED' | 'FAILED';
  outcome: string;
  executionName: string;
  error: { Error: string; Cause: string } | null;
  changes: DemoChange[];
  skippedAtRecheck: {
    userName: string;
    credential: string;
    accessKeyId: string | null;
    liveLastUsed: string | null;
  }[];
  transitions: number;
  maxPayloadBytes: number;
  evidenceDir: string;
}

const LINK = /https?:\/\/127\.0\.0\.1:\d+\/approvals\/[^\s"<>]+/;

export function demoExecutionName(now: Date): string {
  return `demo-${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${Math.random().toString(36).slice(2, 6)}`;
}

export async function runDemo(opts: DemoOptions): Promise<DemoResult & { sandbox: SandboxAccount }> {
  // Before anything runs or is written: the input is what the workflow accepts, and the name is new.
  const input: Record<string, unknown> = opts.backoutOf
    ? {
        mode: 'backout',
        backoutOf: opts.backoutOf,
        ...(opts.users ? { users: opts.users } : {}),
        startedBy: opts.startedBy ?? 'credsweep backout --local',
      }
    : {
        ...(opts.days !== undefined ? { days: opts.days } : {}),
        ...(opts.maxCredentials !== undefined ? { maxCredentials: opts.maxCredentials } : {}),
        ...(opts.users ? { users: opts.users } : {}),
        ...(opts.dryRun ? { dryRun: true } : {}),
        startedBy: opts.startedBy ?? 'credsweep demo',
      };
  const parsed = runRequestSchema.safeParse(input);
  if (!parsed.success) {
    throw new InputError(
      `invalid run input: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const executionName = opts.executionName ?? demoExecutionName(opts.now);
  const startedAt = new Date();
  const arn = `arn:aws:states:us-east-1:${opts.seed.accountId}:execution:credsweep-remediation:${executionName}`;
  reserveExecution(opts.home, {
    executionArn: arn,
    name: executionName,
    stateMachineArn: arn.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, ''),
    status: 'RUNNING',
    pid: process.pid,
    startDate: startedAt.toISOString(),
    stopDate: null,
    input,
    output: null,
    error: null,
    cause: null,
    events: [],
  });
  const started = Date.now();
  const clock = () => new Date(opts.now.getTime() + (Date.now() - started));
  const sandbox = new SandboxAccount(opts.seed, {
    now: clock,
    ...(opts.throttleRate !== undefined ? { throttleRate: opts.throttleRate } : {}),
    ...(opts.rngSeed !== undefined ? { rngSeed: opts.rngSeed } : {}),
    ...(opts.denyUsers ? { denyUsers: opts.denyUsers } : {}),
    ...(opts.reportNeverCompletes ? { reportNeverCompletes: true } : {}),
    ...(opts.readLag !== undefined ? { readLag: opts.readLag } : {}),
    ...(opts.reportPollsUntilComplete !== undefined
      ? { reportPollsUntilComplete: opts.reportPollsUntilComplete }
      : {}),
  });
  const approvalTimeoutSeconds = opts.approvalTimeoutSeconds ?? 3600;
  const settings: Settings = {
    accountId: opts.seed.accountId,
    approverEmails: ['security-approver@example.com'],
    senderEmail: 'credsweep@example.com',
    approvalBaseUrl: 'http://127.0.0.1',
    approvalTimeoutSeconds,
    thresholdDays: DEFAULT_THRESHOLD_DAYS,
    maxCredentials: DEFAULT_MAX_CREDENTIALS,
    batchSize: DEFAULT_BATCH_SIZE,
    exemptUsers: opts.exemptUsers ?? [],
    exemptTagKey: DEFAULT_EXEMPT_TAG_KEY,
    passwordSecretPrefix: PASSWORD_SECRET_PREFIX,
    // The sandbox's read lag counts reads, not seconds: re-reading needs no real wait.
    rereadDelaysMs: [2, 4, 8],
    evidenceLocation: `${resolve(opts.home)}/`,
  };
  const links: { url: string; approver: string }[] = [];
  let linkArrived: () => void = () => undefined;
  const firstLink = new Promise<void>((resolve) => {
    linkArrived = resolve;
  });
  const outbox = new Outbox(join(opts.home, 'outbox'), (message) => {
    const url = LINK.exec(message.text)?.[0];
    if (!url) return;
    for (const approver of message.to) {
      links.push({ url, approver });
      opts.onApprovalLink?.(url, approver);
    }
    linkArrived();
  });
  const callbacks = new LocalTaskCallbacks();
  const ports: Ports = {
    iam: withSdkRetry(sandbox),
    store: new FileStore(join(opts.home, 'store')),
    blobs: new FileBlobs(opts.home),
    mail: outbox,
    secrets: new FileSecrets(join(opts.home, 'secrets')),
    callbacks,
    securityHub: sandbox.securityHub,
    runs: new LocalRunStarter(),
    settings,
    now: clock,
  };
  const server = await startApprovalServer(ports, { port: opts.port ?? 0 });
  settings.approvalBaseUrl = server.url;

  const approver =
    opts.approval === 'auto-approve' || opts.approval === 'auto-reject'
      ? firstLink.then(async () => {
          await opts.beforeDecision?.(sandbox);
          const link = links[0];
          if (link) await actAsApprover(link.url, opts.approval === 'auto-approve' ? 'approve' : 'reject');
        })
      : opts.beforeDecision
        ? firstLink.then(() => opts.beforeDecision?.(sandbox))
        : Promise.resolve();

  try {
    const result = await runLocal({
      ports,
      callbacks,
      executionName,
      input,
      approvalTimeoutSeconds,
      ...(opts.failAt ? { failAt: opts.failAt } : {}),
      ...(opts.crashOnceAt ? { crashOnceAt: opts.crashOnceAt } : {}),
      ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
    });
    keep(opts.home, sandbox, input, startedAt, result, executionName);
    // No approval mail means no approver is acting (nothing to do, or stopped before approval).
    if (links.length > 0) {
      await approver.catch((err: Error) => {
        if (result.status === 'SUCCEEDED') throw err;
      });
    }
    const evidence = await ports.blobs
      .get(evidenceKey(result.executionId))
      .then((text) => JSON.parse(text) as Evidence)
      .catch(() => null);
    const ledger = await ports.store.listLedger(result.executionId);
    return {
      status: result.status,
      outcome: evidence?.outcome ?? 'failed',
      executionName,
      error: result.error,
      changes: ledger
        .filter((e) => e.status === 'changed' || e.status === 'restored')
        .map((e) => ({
          userName: e.userName,
          credential: e.credential,
          accessKeyId: e.accessKeyId ?? null,
          action: e.action,
          before: e.before,
          after: e.after ?? null,
          status: e.status,
        })),
      skippedAtRecheck: ledger
        .filter((e) => e.skipReason === 'used-since-report')
        .map((e) => ({
          userName: e.userName,
          credential: e.credential,
          accessKeyId: e.accessKeyId ?? null,
          liveLastUsed: e.liveLastUsed ?? null,
        })),
      transitions: result.transitions,
      maxPayloadBytes: result.maxPayloadBytes,
      evidenceDir: join(opts.home, runPrefix(result.executionId)),
      sandbox,
    };
  } finally {
    await server.close();
  }
}
