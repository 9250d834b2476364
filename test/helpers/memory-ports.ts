/**
 * In-memory ports for tests: a store with the conditional decide of the real ones, blobs, a mailbox
 * that keeps every message, a fixed signing key and task callbacks that record each call. A shared
 * `journal` lists the writes in order (e.g. `putApproval <id>` before `mail <to>`).
 */

import { NO_ORGANIZATION } from '../../cli/local/sandbox-organization.js';
import { SandboxSecurityHub } from '../../cli/local/sandbox-security-hub.js';
import type { ApprovalApiEvent } from '../../handlers/approval-api.js';
import { groupFields } from '../../handlers/core/approval/decision.js';
import { applyUpdate, approvalWritable } from '../../handlers/core/approval/quorum.js';
import { lockTakeable } from '../../handlers/core/change/account-guard.js';
import { lastChangeIs } from '../../handlers/core/change/last-change.js';
import { CredsweepError } from '../../handlers/core/shared/errors.js';
import type { RunRequest } from '../../handlers/core/shared/request.js';
import type {
  AccountLock,
  ApprovalRecord,
  ApprovalUpdate,
  LastChange,
  LedgerEntry,
  OwnerWarningRecord,
  Plan,
  PlanItem,
} from '../../handlers/core/shared/types.js';
import type {
  BlobPort,
  IamPort,
  MailPort,
  Ports,
  RunStarterPort,
  SecretsPort,
  Settings,
  StorePort,
  TaskCallbackPort,
} from '../../handlers/ports/index.js';
import type { MailMessage } from '../../handlers/ports/mail.js';

const copy = <T>(value: T): T => structuredClone(value);

export class MemoryStore implements StorePort {
  readonly approvals = new Map<string, ApprovalRecord>();
  readonly ledger = new Map<string, LedgerEntry>();
  decideCalls = 0;

  constructor(private readonly journal: string[]) {}

  async putApproval(approval: ApprovalRecord): Promise<void> {
    this.journal.push(`putApproval ${approval.approvalId}`);
    this.approvals.set(approval.approvalId, copy(approval));
  }

  async getApproval(approvalId: string): Promise<ApprovalRecord | null> {
    const found = this.approvals.get(approvalId);
    return found ? copy(found) : null;
  }

  async decideApproval(approvalId: string, update: ApprovalUpdate, expectedApprovals: number) {
    this.decideCalls++;
    const approval = this.approvals.get(approvalId);
    if (!approval) throw new CredsweepError('NotFound', `No approval ${approvalId}`);
    if (!approvalWritable(approval, expectedApprovals)) return { applied: false, approval: copy(approval) };
    const decided = applyUpdate(approval, copy(update));
    this.approvals.set(approvalId, decided);
    this.journal.push(`decideApproval ${approvalId}`);
    return { applied: true, approval: copy(decided) };
  }

  async markDelivered(approvalId: string, deliveredAt: string): Promise<void> {
    const approval = this.approvals.get(approvalId);
    if (!approval || approval.status === 'pending') return;
    this.approvals.set(approvalId, { ...approval, deliveredAt });
    this.journal.push(`markDelivered ${approvalId}`);
  }

  async markMailed(approvalId: string, mailedAt: string): Promise<void> {
    const approval = this.approvals.get(approvalId);
    if (approval?.status !== 'pending') return;
    this.approvals.set(approvalId, { ...approval, mailedAt });
    this.journal.push(`markMailed ${approvalId}`);
  }

  async replaceTaskToken(approvalId: string, taskToken: string): Promise<boolean> {
    const approval = this.approvals.get(approvalId);
    if (approval?.status !== 'pending') return false;
    this.approvals.set(approvalId, { ...approval, taskToken });
    this.journal.push(`replaceTaskToken ${approvalId}`);
    return true;
  }

  async recordIntent(entry: LedgerEntry): Promise<LedgerEntry> {
    const key = `${entry.executionId}|${entry.itemId}`;
    const existing = this.ledger.get(key);
    if (existing) return copy(existing);
    this.ledger.set(key, copy(entry));
    return entry;
  }

  async updateLedger(entry: LedgerEntry): Promise<void> {
    const key = `${entry.executionId}|${entry.itemId}`;
    if (!this.ledger.has(key)) throw new CredsweepError('NotFound', `No ledger entry ${key}`);
    this.ledger.set(key, copy(entry));
  }

  async listLedger(executionId: string): Promise<LedgerEntry[]> {
    return [...this.ledger.values()].filter((entry) => entry.executionId === executionId).map(copy);
  }

  readonly lastChanges = new Map<string, LastChange>();
  readonly locks = new Map<string, AccountLock>();

  async getLastChange(credentialKey: string): Promise<LastChange | null> {
    const found = this.lastChanges.get(credentialKey);
    return found ? copy(found) : null;
  }

  async setLastChange(change: LastChange, expected?: LastChange | null): Promise<boolean> {
    if (!lastChangeIs(this.lastChanges.get(change.credentialKey) ?? null, expected)) return false;
    this.lastChanges.set(change.credentialKey, copy(change));
    this.journal.push(`setLastChange ${change.credentialKey} ${change.change} ${change.executionId}`);
    return true;
  }

  async holdLock(lock: AccountLock): Promise<AccountLock> {
    const current = this.locks.get(lock.accountId) ?? null;
    if (!lockTakeable(current, lock)) return copy(current as AccountLock);
    this.locks.set(lock.accountId, copy(lock));
    return copy(lock);
  }

  async releaseLock(accountId: string, holder: string): Promise<void> {
    if (this.locks.get(accountId)?.holder === holder) this.locks.delete(accountId);
  }

  async listKeyLedger(accessKeyId: string): Promise<LedgerEntry[]> {
    return [...this.ledger.values()]
      .filter((entry) => entry.accessKeyId === accessKeyId)
      .sort((a, b) => a.recordedAt.localeCompare(b.recordedAt))
      .map(copy);
  }

  readonly warnings = new Map<string, OwnerWarningRecord>();

  async getWarning(accountId: string, credentialKey: string): Promise<OwnerWarningRecord | null> {
    const found = this.warnings.get(`${accountId}/${credentialKey}`);
    return found ? copy(found) : null;
  }

  async putWarning(warning: OwnerWarningRecord): Promise<void> {
    this.journal.push(`putWarning ${warning.credentialKey}`);
    this.warnings.set(`${warning.accountId}/${warning.credentialKey}`, copy(warning));
  }
}

export class MemoryBlobs implements BlobPort {
  readonly blobs = new Map<string, string>();

  async put(key: string, body: string, _contentType?: string): Promise<void> {
    this.blobs.set(key, body);
  }

  async get(key: string): Promise<string> {
    const body = this.blobs.get(key);
    if (body === undefined) throw new CredsweepError('NoSuchKey', `No blob ${key}`);
    return body;
  }
}

export class MemoryMail implements MailPort {
  readonly sent: MailMessage[] = [];
  /** When set, `send` throws it (after the messages before it were kept). */
  failWith: Error | null = null;

  constructor(private readonly journal: string[]) {}

  async send(message: MailMessage): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.journal.push(`mail ${message.to.join(',')}`);
    this.sent.push(copy(message));
  }
}

export class MemorySecrets implements SecretsPort {
  readonly secrets = new Map<string, string>();

  constructor(readonly signingKey = 'test-signing-key-0123456789abcdef') {}

  async putSecret(name: string, value: string): Promise<string> {
    this.secrets.set(name, value);
    return `memory://secrets/${name}`;
  }

  async getSigningKey(): Promise<string> {
    return this.signingKey;
  }
}

export interface CallbackCall {
  kind: 'success' | 'failure';
  taskToken: string;
  output?: unknown;
  error?: string;
  cause?: string;
}

/** Records every call; tokens in `closed` answer TaskTimedOut, as Step Functions does. */
export class RecordingCallbacks implements TaskCallbackPort {
  readonly calls: CallbackCall[] = [];
  readonly closed = new Set<string>();
  /** When set, every call throws an error of this name. */
  failWith: string | null = null;

  private check(taskToken: string): void {
    if (this.failWith) throw new CredsweepError(this.failWith, 'callback failed');
    if (this.closed.has(taskToken)) throw new CredsweepError('TaskTimedOut', 'Task Timed Out');
  }

  async sendSuccess(taskToken: string, output: unknown): Promise<void> {
    this.check(taskToken);
    this.calls.push({ kind: 'success', taskToken, output: copy(output) });
  }

  async sendFailure(taskToken: string, error: string, cause: string): Promise<void> {
    this.check(taskToken);
    this.calls.push({ kind: 'failure', taskToken, error, cause });
  }
}

/** Records each run started (the start-from-Security-Hub function's port) and answers with its ARN. */
export class RecordingRuns implements RunStarterPort {
  readonly started: { name: string; input: RunRequest; workflow: 'account' | 'organization' }[] = [];

  async start(name: string, input: RunRequest): Promise<string> {
    this.started.push({ name, input: copy(input), workflow: 'account' });
    return `arn:aws:states:us-east-1:123456789012:execution:credsweep:${name}`;
  }

  /** An organization deployment (it has the organization workflow); else startOrganization refuses, as AWS's adapter does. */
  organization = false;

  async startOrganization(name: string, input: RunRequest): Promise<string> {
    if (!this.organization) {
      throw new CredsweepError(
        'NotAnOrganization',
        'this deployment has no organization workflow (deploy with -c organization=true)',
      );
    }
    this.started.push({ name, input: copy(input), workflow: 'organization' });
    return `arn:aws:states:us-east-1:123456789012:execution:credsweep-organization:${name}`;
  }
}

const unusedIam = new Proxy({} as IamPort, {
  get(_target, name) {
    return () => Promise.reject(new Error(`IamPort.${String(name)} is not used by this test`));
  },
});

export interface MemoryPorts extends Ports {
  securityHub: SandboxSecurityHub;
  store: MemoryStore;
  blobs: MemoryBlobs;
  mail: MemoryMail;
  secrets: MemorySecrets;
  callbacks: RecordingCallbacks;
  runs: RecordingRuns;
  journal: string[];
  /** Moves the clock. */
  setNow(date: Date | string): void;
}

export function memoryPorts(
  overrides: Partial<Settings> = {},
  now = '2025-06-01T12:00:00.000Z',
): MemoryPorts {
  const journal: string[] = [];
  let clock = new Date(now);
  return {
    iam: unusedIam,
    store: new MemoryStore(journal),
    blobs: new MemoryBlobs(),
    mail: new MemoryMail(journal),
    secrets: new MemorySecrets(),
    callbacks: new RecordingCallbacks(),
    // The sandbox's Security Hub is in memory already: subscribed, with no findings unless a test adds them.
    securityHub: new SandboxSecurityHub('123456789012', [], () => new Date(clock)),
    runs: new RecordingRuns(),
    organizations: NO_ORGANIZATION,
    accounts: NO_ORGANIZATION,
    settings: {
      accountId: '123456789012',
      approverEmails: ['alice.sec@example.com', 'bob.sec@example.com'],
      senderEmail: 'credsweep@example.com',
      approvalBaseUrl: 'https://approve.example.com/prod',
      approvalTimeoutSeconds: 86_400,
      thresholdDays: 30,
      maxCredentials: 50,
      batchSize: 25,
      exemptUsers: [],
      exemptTagKey: 'credsweep:exempt',
      passwordSecretPrefix: 'credsweep/restored/',
      ...overrides,
    },
    now: () => new Date(clock),
    journal,
    setNow(date) {
      clock = new Date(date);
    },
  };
}

export const EXECUTION_ID = 'arn:aws:states:eu-west-1:123456789012:execution:credsweep:run-2025-06-01';
export const PLAN_KEY = 'runs/run-2025-06-01/plan.json';

/** A plan of `items` (default: four credentials of three users), as Analyze stores it. */
export function samplePlan(items?: PlanItem[]): Plan {
  const planItems: PlanItem[] = items ?? [
    {
      id: 'carol/console-password',
      userName: 'carol',
      credential: 'console-password',
      lastUsed: '2025-03-02T09:15:00Z',
      daysUnused: 91,
      reason: 'unused',
    },
    {
      id: 'carol/AKIAIOSFODNN7CAROL01',
      userName: 'carol',
      credential: 'access-key-1',
      accessKeyId: 'AKIAIOSFODNN7CAROL01',
      lastUsed: '2025-04-20T00:00:00Z',
      daysUnused: 42,
      reason: 'unused',
    },
    {
      id: 'ci+deploy@build/AKIAIOSFODNN7CIDEP01',
      userName: 'ci+deploy@build',
      credential: 'access-key-2',
      accessKeyId: 'AKIAIOSFODNN7CIDEP01',
      lastUsed: null,
      daysUnused: 120,
      reason: 'never-used',
    },
    {
      id: 'dave.ops/console-password',
      userName: 'dave.ops',
      credential: 'console-password',
      lastUsed: '2025-04-01T17:40:00Z',
      daysUnused: 61,
      reason: 'unused',
    },
  ];
  return {
    executionId: EXECUTION_ID,
    accountId: '123456789012',
    asOf: '2025-06-01T11:58:00.000Z',
    reportGeneratedAt: '2025-06-01T11:57:30.000Z',
    thresholdDays: 30,
    dryRun: false,
    analysis: {
      asOf: '2025-06-01T11:58:00.000Z',
      thresholdDays: 30,
      findings: planItems.map((item) => ({
        userName: item.userName,
        credential: item.credential,
        lastUsed: item.lastUsed,
        createdAt: item.createdAt ?? null,
        daysUnused: item.daysUnused,
        reason: item.reason,
      })),
      skipped: [],
    },
    items: planItems,
    unresolved: [],
  };
}

/** Stores `plan` under PLAN_KEY. */
export async function putPlan(ports: MemoryPorts, plan: Plan = samplePlan()): Promise<Plan> {
  await ports.blobs.put(PLAN_KEY, JSON.stringify(plan), 'application/json');
  return plan;
}

/** The links in a mail's text (one per approval mail). */
export function linksIn(message: MailMessage): string[] {
  return [...message.text.matchAll(/https?:\/\/\S+\/approvals\/[0-9a-f-]+\?k=[A-Za-z0-9_-]+/g)].map(
    (m) => m[0],
  );
}

export interface EventOptions {
  /** Form fields, sent as application/x-www-form-urlencoded. */
  form?: [string, string][];
  headers?: Record<string, string>;
  sourceIp?: string;
}

/** `headers` plus each default whose name (in any case) is not among them. */
function withDefaults(
  headers: Record<string, string>,
  defaults: Record<string, string>,
): Record<string, string> {
  const given = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
  const missing = Object.entries(defaults).filter(([name]) => !given.has(name.toLowerCase()));
  return { ...Object.fromEntries(missing), ...headers };
}

/**
 * The API Gateway REST proxy event for a request to `url` (a mailed link): the stage (`/prod`) is
 * dropped from the path, as API Gateway does.
 */
export function apiEvent(method: string, url: string, opts: EventOptions = {}): ApprovalApiEvent {
  const parsed = new URL(url);
  const path = parsed.pathname.replace(/^\/prod(?=\/)/, '');
  const multi = groupFields(parsed.searchParams);
  const single = Object.fromEntries(
    Object.entries(multi).map(([name, values]) => [name, values.at(-1) ?? '']),
  );
  const id = /^\/approvals\/([^/]+)$/.exec(path)?.[1];
  const body = opts.form ? new URLSearchParams(opts.form).toString() : null;
  return {
    httpMethod: method,
    path,
    pathParameters: id ? { id } : null,
    queryStringParameters: parsed.searchParams.size > 0 ? single : null,
    multiValueQueryStringParameters: parsed.searchParams.size > 0 ? multi : null,
    headers: withDefaults(opts.headers ?? {}, {
      'User-Agent': 'Mozilla/5.0 (test)',
      ...(opts.form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
    }),
    body,
    isBase64Encoded: false,
    requestContext: { identity: { sourceIp: opts.sourceIp ?? '203.0.113.7' } },
  };
}

/** The value of the hidden csrf field of a rendered form page. */
export function csrfIn(html: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no csrf field in the page');
  return match[1];
}
