/**
 * One local run of the real workflow against the sandbox account: the same ASL, the same handlers,
 * local ports. Used by `credsweep demo`, by `npm start` and by the end-to-end tests.
 */
import { join, resolve } from 'node:path';
import { backoutSkipWhy } from '../../handlers/core/change/last-change.js';
import type { Evidence } from '../../handlers/core/evidence/schema.js';
import type { OrgEvidence } from '../../handlers/core/organization/org-evidence.js';
import { RUN_NAME_REUSED } from '../../handlers/core/plan/run-identity.js';
import { shellWord } from '../../handlers/core/shared/commands.js';
import {
  type ConsoleAction,
  DEFAULT_BATCH_SIZE,
  DEFAULT_EXEMPT_TAG_KEY,
  DEFAULT_MAX_CREDENTIALS,
  DEFAULT_THRESHOLD_DAYS,
  PASSWORD_SECRET_PREFIX,
} from '../../handlers/core/shared/defaults.js';
import { InputError } from '../../handlers/core/shared/errors.js';
import { runRequestSchema } from '../../handlers/core/shared/request.js';
import { accountRunId } from '../../handlers/core/shared/run-ids.js';
import { accountsKey, evidenceKey, runPrefix } from '../../handlers/core/shared/run-keys.js';
import type { LedgerEntry } from '../../handlers/core/shared/types.js';
import type { Ports, Settings } from '../../handlers/ports/index.js';
import { startApprovalServer } from './approval-server.js';
import { actAsApprover } from './auto-approver.js';
import { type SandboxClock, sandboxClock } from './clock.js';
import { type EngineResult, type FailAt, runLocal } from './engine.js';
import type { EventLog } from './event-log.js';
import { LOCAL_STATE_MACHINES, reserveExecution, saveExecution, toHistoryEvent } from './executions.js';
import { HomeSandbox, loadLocalAccount, seedHome, takeInLegacyHome } from './home-sandbox.js';
import {
  FileBlobs,
  FileSecrets,
  FileStore,
  LocalRunStarter,
  LocalTaskCallbacks,
  Outbox,
} from './local-ports.js';
import { SandboxAccount } from './sandbox-account.js';
import { NO_ORGANIZATION, SandboxOrganization } from './sandbox-organization.js';
import { withSdkRetry } from './sdk-retry.js';
import { type AnySeed, isOrganizationSeed } from './seed.js';

export { loadLocalAccount } from './home-sandbox.js';

/** Keeps the run's execution record (the sandbox's changes were saved as they were made). */
function keep(
  home: string,
  input: Record<string, unknown>,
  clock: SandboxClock,
  startedAt: Date,
  result: EngineResult,
  name: string,
) {
  saveExecution(home, {
    executionArn: result.executionId,
    name,
    stateMachineArn: result.executionId.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, ''),
    status: result.status,
    startDate: startedAt.toISOString(),
    stopDate: clock().toISOString(),
    input,
    output: result.output,
    error: result.error?.Error ?? null,
    cause: result.error?.Cause ?? null,
    events: result.events.map((event) => toHistoryEvent(onClock(event, clock))),
  });
}

export type ApprovalMode = 'auto-approve' | 'auto-reject' | 'manual' | 'none';

/**
 * The built-in local configuration's approvers: two people, so a plan that deletes (which needs
 * deleteApprovalsRequired, 2) can be approved in a demo. `--approvers` replaces them.
 */
export const LOCAL_APPROVERS = ['security-approver@example.com', 'second-approver@example.com'] as const;

export interface DemoOptions {
  /**
   * An account seed, or an organization seed (then the organization workflow runs): the home's
   * accounts of the same ids start again from it. Without one the run works on the home's accounts
   * as they are: those of the run it backs out (`backoutOf`), else the last demo's.
   */
  seed?: AnySeed;
  now: Date;
  /** Directory the local run keeps its store, blobs (evidence), outbox and secrets in. */
  home: string;
  approval: ApprovalMode;
  days?: number;
  maxCredentials?: number;
  users?: string[];
  exemptUsers?: string[];
  dryRun?: boolean;
  /** Lifecycle overrides of the run input (docs/lifecycle.md). */
  warnDays?: number;
  deleteAfterDays?: number;
  consoleAction?: ConsoleAction;
  failAt?: FailAt;
  crashOnceAt?: FailAt;
  /** Organization runs: the member account `failAt`/`crashOnceAt` hits. */
  faultAccount?: string;
  /** The definition to run instead of the package's (an earlier version of it, in the limits' tests). */
  aslTemplate?: string;
  /** Organization runs: only these accounts, only the accounts of these OUs, and the run's limit. */
  accounts?: string[];
  ous?: string[];
  maxCredentialsTotal?: number;
  /**
   * Organization runs: the hub is the organization's Security Hub administrator, so every account's
   * findings are updated through the hub's Security Hub (default: through each member findings role).
   */
  securityHubAdministrator?: boolean;
  approvalTimeoutSeconds?: number;
  /** The local deployment's approvers (default: LOCAL_APPROVERS, two people); each gets their own mail and link. */
  approvers?: string[];
  /** Raises the run's approval quorum (the run input's approvalsRequired). */
  approvalsRequired?: number;
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
  /** Organization runs: the member account of the credential. */
  accountId?: string;
  userName: string;
  credential: LedgerEntry['credential'];
  accessKeyId: string | null;
  action: LedgerEntry['action'];
  before: string;
  after: string | null;
  /** `skipped`: a backout left this change in place; `reason` says why. */
  status: LedgerEntry['status'];
  /** Why a backout did not restore it (status `skipped`), naming the run that really came later. */
  reason?: string;
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
  /** The largest combined result of a Map state, in bytes (the same 262,144-byte limit). */
  maxMapResultBytes: number;
  /** The largest history of any one execution (the run, or one of its Distributed Map children). */
  maxExecutionEvents: number;
  evidenceDir: string;
  /** Organization runs: the outcome of each account. */
  accounts?: DemoAccount[];
}

export interface DemoAccount {
  accountId: string;
  name: string;
  ou: string;
  outcome: string;
  changes: DemoChange[];
  error: { Error: string; Cause: string } | null;
}

const LINK = /https?:\/\/127\.0\.0\.1:\d+\/approvals\/[^\s"<>]+/;

export function demoExecutionName(now: Date): string {
  return `demo-${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${Math.random().toString(36).slice(2, 6)}`;
}

export async function runDemo(
  opts: DemoOptions,
): Promise<DemoResult & { sandbox: SandboxAccount; organization: SandboxOrganization | null }> {
  // Before anything runs or is written: the input is what the workflow accepts, and the name is new.
  const input: Record<string, unknown> = opts.backoutOf
    ? {
        mode: 'backout',
        backoutOf: opts.backoutOf,
        ...(opts.accounts ? { accounts: opts.accounts } : {}),
        ...(opts.users ? { users: opts.users } : {}),
        startedBy: opts.startedBy ?? 'credsweep backout --local',
      }
    : {
        ...(opts.days !== undefined ? { days: opts.days } : {}),
        ...(opts.maxCredentials !== undefined ? { maxCredentials: opts.maxCredentials } : {}),
        ...(opts.accounts ? { accounts: opts.accounts } : {}),
        ...(opts.ous ? { ous: opts.ous } : {}),
        ...(opts.maxCredentialsTotal !== undefined ? { maxCredentialsTotal: opts.maxCredentialsTotal } : {}),
        ...(opts.users ? { users: opts.users } : {}),
        ...(opts.dryRun ? { dryRun: true } : {}),
        ...(opts.warnDays !== undefined ? { warnDays: opts.warnDays } : {}),
        ...(opts.deleteAfterDays !== undefined ? { deleteAfterDays: opts.deleteAfterDays } : {}),
        ...(opts.consoleAction ? { consoleAction: opts.consoleAction } : {}),
        ...(opts.approvalsRequired !== undefined ? { approvalsRequired: opts.approvalsRequired } : {}),
        startedBy: opts.startedBy ?? 'credsweep demo',
      };
  const parsed = runRequestSchema.safeParse(input);
  if (!parsed.success) {
    throw new InputError(
      `invalid run input: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  // One clock for the whole run, from opts.now: names, records, mail files, events, the handlers.
  const clock = sandboxClock(opts.now);
  const startedAt = clock();
  const executionName = opts.executionName ?? demoExecutionName(startedAt);
  takeInLegacyHome(opts.home);
  const seed = opts.seed ?? loadLocalAccount(opts.home, opts.backoutOf);
  const hubAccountId = isOrganizationSeed(seed) ? seed.organization.managementAccountId : seed.accountId;
  const stateMachineName = LOCAL_STATE_MACHINES[isOrganizationSeed(seed) ? 'organization' : 'account'];
  const arn = `arn:aws:states:us-east-1:${hubAccountId}:execution:${stateMachineName}:${executionName}`;
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
  if (opts.seed) seedHome(opts.home, opts.seed);
  const sandboxOptions = {
    now: clock,
    store: new HomeSandbox(opts.home),
    ...(opts.throttleRate !== undefined ? { throttleRate: opts.throttleRate } : {}),
    ...(opts.rngSeed !== undefined ? { rngSeed: opts.rngSeed } : {}),
    ...(opts.denyUsers ? { denyUsers: opts.denyUsers } : {}),
    ...(opts.reportNeverCompletes ? { reportNeverCompletes: true } : {}),
    ...(opts.readLag !== undefined ? { readLag: opts.readLag } : {}),
    ...(opts.reportPollsUntilComplete !== undefined
      ? { reportPollsUntilComplete: opts.reportPollsUntilComplete }
      : {}),
  };
  const organization = isOrganizationSeed(seed)
    ? new SandboxOrganization(seed, { ...sandboxOptions, wrap: (iam) => withSdkRetry(iam) })
    : null;
  // The hub: the account seed's account, or the organization's management account.
  const sandbox =
    organization?.account(organization.managementAccountId) ??
    new SandboxAccount(seed as Exclude<AnySeed, { organization: unknown }>, sandboxOptions);
  const approvalTimeoutSeconds = opts.approvalTimeoutSeconds ?? 3600;
  const settings: Settings = {
    accountId: sandbox.accountId,
    approverEmails: opts.approvers ?? [...LOCAL_APPROVERS],
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
    // The commands a mail suggests read this home's runs.
    commandOptions: `--local --home ${shellWord(resolve(opts.home))}`,
    ...(organization && opts.securityHubAdministrator ? { securityHubAdministrator: true } : {}),
  };
  const links: { url: string; approver: string }[] = [];
  let linkArrived: () => void = () => undefined;
  const firstLink = new Promise<void>((resolve) => {
    linkArrived = resolve;
  });
  const outbox = new Outbox(join(opts.home, 'outbox'), clock, (message) => {
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
    securityHub:
      organization && opts.securityHubAdministrator ? organization.administratorHub() : sandbox.securityHub,
    runs: new LocalRunStarter(),
    organizations: organization ?? NO_ORGANIZATION,
    accounts: organization ?? NO_ORGANIZATION,
    settings,
    now: clock,
  };
  const server = await startApprovalServer(ports, { port: opts.port ?? 0 });
  settings.approvalBaseUrl = server.url;

  const approver =
    opts.approval === 'auto-approve' || opts.approval === 'auto-reject'
      ? firstLink.then(async () => {
          await opts.beforeDecision?.(sandbox);
          if (opts.approval === 'auto-reject') {
            const link = links[0];
            if (link) await actAsApprover(link.url, 'reject');
            return;
          }
          // As every approver, one after the other, until the quorum is reached.
          for (const link of links) {
            if ((await actAsApprover(link.url, 'approve')) === 'decided') break;
          }
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
      ...(organization ? { workflow: 'organization' as const } : {}),
      ...(opts.faultAccount ? { faultAccount: opts.faultAccount } : {}),
      ...(opts.aslTemplate ? { aslTemplate: opts.aslTemplate } : {}),
      ...(opts.failAt ? { failAt: opts.failAt } : {}),
      ...(opts.crashOnceAt ? { crashOnceAt: opts.crashOnceAt } : {}),
      ...(opts.onEvent ? { onEvent: (event: EventLog) => opts.onEvent?.(onClock(event, clock)) } : {}),
    });
    keep(opts.home, input, clock, startedAt, result, executionName);
    // No approval mail means no approver is acting (nothing to do, or stopped before approval).
    if (links.length > 0) {
      await approver.catch((err: Error) => {
        if (result.status === 'SUCCEEDED') throw err;
      });
    }
    // A reused name: the records under it are an earlier run's, never this one's.
    const own = result.error?.Error !== RUN_NAME_REUSED;
    const evidence = own
      ? await ports.blobs
          .get(evidenceKey(result.executionId))
          .then((text) => JSON.parse(text) as Evidence)
          .catch(() => null)
      : null;
    const accounts = organization && own ? await orgAccounts(ports, result.executionId) : undefined;
    const ledger = accounts
      ? accounts.flatMap((a) => a.ledger)
      : own
        ? await ports.store.listLedger(result.executionId)
        : [];
    return {
      status: result.status,
      outcome: evidence?.outcome ?? 'failed',
      executionName,
      error: result.error,
      changes: accounts ? accounts.flatMap((a) => a.changes) : changesOf(ledger),
      ...(accounts ? { accounts: accounts.map(({ ledger: _ledger, ...a }) => a) } : {}),
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
      maxMapResultBytes: result.maxMapResultBytes,
      maxExecutionEvents: result.maxExecutionEvents,
      evidenceDir: join(opts.home, runPrefix(result.executionId)),
      sandbox,
      organization,
    };
  } finally {
    await server.close();
  }
}

/** An engine event stamped by the run's clock instead of the real one. */
const onClock = (event: EventLog, clock: SandboxClock): EventLog => ({
  ...event,
  timestamp: clock.at(event.timestamp).getTime(),
});

function changesOf(ledger: LedgerEntry[], accountId?: string): DemoChange[] {
  return ledger
    .filter((e) => e.status === 'changed' || e.status === 'restored' || e.backoutSkip)
    .map((e) => ({
      ...(accountId ? { accountId } : {}),
      userName: e.userName,
      credential: e.credential,
      accessKeyId: e.accessKeyId ?? null,
      action: e.action,
      before: e.before,
      after: e.after ?? null,
      ...(e.backoutSkip
        ? { status: 'skipped' as const, reason: backoutSkipWhy(e.backoutSkip) }
        : { status: e.status }),
    }));
}

/** Each account of an organization run: its outcome (org evidence), its ledger and changes. */
async function orgAccounts(
  ports: Ports,
  executionId: string,
): Promise<(DemoAccount & { ledger: LedgerEntry[] })[]> {
  const listed = await ports.blobs
    .get(accountsKey(executionId))
    .then(
      (text) =>
        (JSON.parse(text) as { accounts: { accountId: string; name: string; ou: string }[] }).accounts,
    )
    .catch(() => []);
  const org = await ports.blobs
    .get(evidenceKey(executionId))
    .then((text) => JSON.parse(text) as OrgEvidence)
    .catch(() => null);
  const out: (DemoAccount & { ledger: LedgerEntry[] })[] = [];
  for (const account of listed) {
    const ledger = await ports.store.listLedger(accountRunId(executionId, account.accountId));
    const row = org?.accounts?.find((a) => a.accountId === account.accountId);
    out.push({
      accountId: account.accountId,
      name: account.name,
      ou: account.ou,
      outcome: row?.outcome ?? 'failed',
      changes: changesOf(ledger, account.accountId),
      error: row?.error ?? null,
      ledger,
    });
  }
  return out;
}
