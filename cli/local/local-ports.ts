/**
 * Local implementations of the ports, behind the same interfaces as the AWS adapters:
 * JSON files for the store, files for blobs (the run directory), an outbox directory for mail,
 * private files for secrets, and in-process waiters for task callbacks.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { applyUpdate, approvalWritable } from '../../handlers/core/approval/quorum.js';
import { lockTakeable } from '../../handlers/core/change/account-guard.js';
import { lastChangeIs } from '../../handlers/core/change/last-change.js';
import { CredsweepError } from '../../handlers/core/shared/errors.js';
import type {
  AccountLock,
  ApprovalRecord,
  ApprovalUpdate,
  LastChange,
  LedgerEntry,
  OwnerWarningRecord,
} from '../../handlers/core/shared/types.js';
import type {
  BlobPort,
  MailPort,
  RunStarterPort,
  SecretsPort,
  StorePort,
  TaskCallbackPort,
} from '../../handlers/ports/index.js';
import type { MailMessage } from '../../handlers/ports/mail.js';
import { assertItemFits } from './dynamodb-limits.js';
import { withFileLock } from './file-lock.js';
import { listJson, readJson, safeName, writeFileAtomic } from './files.js';

export class FileStore implements StorePort {
  constructor(private readonly dir: string) {}

  private approvalPath = (id: string) => join(this.dir, 'approvals', `${safeName(id)}.json`);
  private ledgerDir = (executionId: string) =>
    join(this.dir, 'ledger', safeName(executionId.split(':').pop() ?? executionId));

  async putApproval(approval: ApprovalRecord): Promise<void> {
    assertItemFits({ ...approval });
    writeFileAtomic(this.approvalPath(approval.approvalId), JSON.stringify(approval, null, 2), 0o600);
  }

  async getApproval(approvalId: string): Promise<ApprovalRecord | null> {
    return readJson<ApprovalRecord>(this.approvalPath(approvalId));
  }

  /**
   * The same rule as DynamoDB's condition (approvalWritable). Read, check and write run with no await
   * between them: the local approval server answers in this one process, so two approvers posting at
   * the same instant are counted one after the other, never over each other.
   */
  async decideApproval(approvalId: string, update: ApprovalUpdate, expectedApprovals: number) {
    const approval = readJson<ApprovalRecord>(this.approvalPath(approvalId));
    if (!approval) throw new CredsweepError('NotFound', `no approval ${approvalId}`);
    if (!approvalWritable(approval, expectedApprovals)) return { applied: false, approval };
    const decided = applyUpdate(approval, update);
    assertItemFits({ ...decided });
    writeFileAtomic(this.approvalPath(approvalId), JSON.stringify(decided, null, 2), 0o600);
    return { applied: true, approval: decided };
  }

  async markDelivered(approvalId: string, deliveredAt: string): Promise<void> {
    const approval = readJson<ApprovalRecord>(this.approvalPath(approvalId));
    if (!approval || approval.status === 'pending') return;
    writeFileAtomic(
      this.approvalPath(approvalId),
      JSON.stringify({ ...approval, deliveredAt }, null, 2),
      0o600,
    );
  }

  async replaceTaskToken(approvalId: string, taskToken: string): Promise<boolean> {
    const approval = readJson<ApprovalRecord>(this.approvalPath(approvalId));
    if (approval?.status !== 'pending') return false;
    writeFileAtomic(
      this.approvalPath(approvalId),
      JSON.stringify({ ...approval, taskToken }, null, 2),
      0o600,
    );
    return true;
  }

  async markMailed(approvalId: string, mailedAt: string): Promise<void> {
    const approval = await this.getApproval(approvalId);
    if (approval?.status === 'pending') await this.putApproval({ ...approval, mailedAt });
  }

  async recordIntent(entry: LedgerEntry): Promise<LedgerEntry> {
    const path = join(this.ledgerDir(entry.executionId), `${safeName(entry.itemId)}.json`);
    const existing = readJson<LedgerEntry>(path);
    if (existing) return existing;
    writeFileAtomic(path, JSON.stringify(entry, null, 2));
    return entry;
  }

  async updateLedger(entry: LedgerEntry): Promise<void> {
    writeFileAtomic(
      join(this.ledgerDir(entry.executionId), `${safeName(entry.itemId)}.json`),
      JSON.stringify(entry, null, 2),
    );
  }

  async listLedger(executionId: string): Promise<LedgerEntry[]> {
    return listJson<LedgerEntry>(this.ledgerDir(executionId));
  }

  private lastChangePath = (key: string) => join(this.dir, 'last-change', `${safeName(key)}.json`);
  private lockPath = (accountId: string) => join(this.dir, 'locks', `${safeName(accountId)}.json`);

  async getLastChange(credentialKey: string): Promise<LastChange | null> {
    return readJson<LastChange>(this.lastChangePath(credentialKey));
  }

  /**
   * The read, the check and the write of a conditional write run with no await between them, under
   * the store's lock file: as atomic as DynamoDB's conditional writes, across the processes of a home
   * (two backouts at once) as within one.
   */
  private conditionally<T>(write: () => T): T {
    mkdirSync(this.dir, { recursive: true });
    return withFileLock(join(this.dir, 'conditional-writes.lock'), write);
  }

  async setLastChange(change: LastChange, expected?: LastChange | null): Promise<boolean> {
    const path = this.lastChangePath(change.credentialKey);
    return this.conditionally(() => {
      if (!lastChangeIs(readJson<LastChange>(path), expected)) return false;
      writeFileAtomic(path, JSON.stringify(change, null, 2));
      return true;
    });
  }

  async holdLock(lock: AccountLock): Promise<AccountLock> {
    const path = this.lockPath(lock.accountId);
    return this.conditionally(() => {
      const current = readJson<AccountLock>(path);
      if (!lockTakeable(current, lock)) return current as AccountLock;
      writeFileAtomic(path, JSON.stringify(lock, null, 2));
      return lock;
    });
  }

  async releaseLock(accountId: string, holder: string): Promise<void> {
    const path = this.lockPath(accountId);
    this.conditionally(() => {
      if (readJson<AccountLock>(path)?.holder === holder) rmSync(path, { force: true });
    });
  }

  /** Every run's ledger, read for the key (a local home holds few runs; AWS queries an index). */
  async listKeyLedger(accessKeyId: string): Promise<LedgerEntry[]> {
    const root = join(this.dir, 'ledger');
    const runs = existsSync(root) ? readdirSync(root) : [];
    return runs
      .flatMap((run) => listJson<LedgerEntry>(join(root, run)))
      .filter((entry) => entry.accessKeyId === accessKeyId)
      .sort((a, b) => a.recordedAt.localeCompare(b.recordedAt));
  }

  private warningPath = (accountId: string, credentialKey: string) =>
    join(this.dir, 'warnings', `${safeName(`${accountId}-${credentialKey}`)}.json`);

  async getWarning(accountId: string, credentialKey: string): Promise<OwnerWarningRecord | null> {
    return readJson<OwnerWarningRecord>(this.warningPath(accountId, credentialKey));
  }

  async putWarning(warning: OwnerWarningRecord): Promise<void> {
    writeFileAtomic(
      this.warningPath(warning.accountId, warning.credentialKey),
      JSON.stringify(warning, null, 2),
    );
  }
}

/** Blobs are files under the local home, so `runs/<name>/evidence.json` is a path a person can open. */
export class FileBlobs implements BlobPort {
  constructor(private readonly dir: string) {}

  async put(key: string, body: string): Promise<void> {
    writeFileAtomic(join(this.dir, key), body);
  }

  async get(key: string): Promise<string> {
    try {
      return readFileSync(join(this.dir, key), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new CredsweepError('NoSuchKey', `no blob ${key}`);
      throw err;
    }
  }
}

/** Mail goes to files in the outbox: the message as JSON, and its HTML for a browser. */
export class Outbox implements MailPort {
  private count = 0;
  /** `now`: the run's clock (cli/local/clock.ts), which names the files. */
  constructor(
    readonly dir: string,
    private readonly now: () => Date = () => new Date(),
    private readonly onSend?: (message: MailMessage, file: string) => void,
  ) {}

  async send(message: MailMessage): Promise<void> {
    const stamp = this.now().toISOString().replace(/[:.]/g, '-');
    // Two runs of one home at the same --now could stamp the same instant: never write over a mail.
    let base: string;
    do base = join(this.dir, `${stamp}-${String(++this.count).padStart(3, '0')}`);
    while (existsSync(`${base}.json`));
    // An approval mail holds the approver's link key: readable by its owner only, as a mailbox is.
    writeFileAtomic(`${base}.json`, JSON.stringify(message, null, 2), 0o600);
    writeFileAtomic(`${base}.html`, message.html, 0o600);
    this.onSend?.(message, `${base}.json`);
  }

  messages(): MailMessage[] {
    return listJson<MailMessage>(this.dir);
  }
}

/** Secrets are files readable only by their owner (0600); the signing key is made once per home. */
export class FileSecrets implements SecretsPort {
  constructor(private readonly dir: string) {}

  async putSecret(name: string, value: string): Promise<string> {
    const path = join(this.dir, `${safeName(name)}.secret`);
    writeFileAtomic(path, value, 0o600);
    return path;
  }

  async getSigningKey(): Promise<string> {
    const path = join(this.dir, 'signing-key.secret');
    try {
      return readFileSync(path, 'utf8');
    } catch {
      const key = randomBytes(32).toString('base64url');
      writeFileAtomic(path, key, 0o600);
      return key;
    }
  }
}

interface Waiter {
  resolve: (output: unknown) => void;
  reject: (err: Error) => void;
}

/**
 * The local stand-in for SendTaskSuccess/SendTaskFailure: the engine registers a waiter for the
 * task token of a `.waitForTaskToken` task; the approval handler answers it through this port.
 */
export class LocalTaskCallbacks implements TaskCallbackPort {
  private readonly waiters = new Map<string, Waiter>();
  private readonly closed = new Set<string>();

  wait(taskToken: string): Promise<unknown> {
    return new Promise((resolve, reject) => this.waiters.set(taskToken, { resolve, reject }));
  }

  /** The task timed out or the run ended: later answers get TaskTimedOut, as in AWS. */
  close(taskToken: string): void {
    this.waiters.delete(taskToken);
    this.closed.add(taskToken);
  }

  private take(taskToken: string): Waiter {
    const waiter = this.waiters.get(taskToken);
    if (waiter) {
      this.close(taskToken);
      return waiter;
    }
    if (this.closed.has(taskToken)) throw new CredsweepError('TaskTimedOut', 'Task Timed Out');
    throw new CredsweepError('TaskDoesNotExist', 'Task does not exist anymore');
  }

  async sendSuccess(taskToken: string, output: unknown): Promise<void> {
    this.take(taskToken).resolve(output);
  }

  async sendFailure(taskToken: string, error: string, cause: string): Promise<void> {
    this.take(taskToken).reject(new CredsweepError(error, cause));
  }
}

/**
 * The local stand-in for starting a run from Security Hub (handlers/start-from-security-hub.ts):
 * Security Hub sends no events to a laptop, so no local task starts runs; locally a run is
 * started with `credsweep start --local --users ...`, which this message names.
 */
export class LocalRunStarter implements RunStarterPort {
  async start(name: string): Promise<string> {
    throw new CredsweepError(
      'PortNotAvailable',
      `runs are started from Security Hub events only in AWS (asked to start ${name}); locally, use \`credsweep start --local --users NAME,...\``,
    );
  }

  async startOrganization(name: string): Promise<string> {
    return this.start(name);
  }
}
