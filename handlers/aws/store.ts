/**
 * StorePort over one DynamoDB table (DocumentClient), keys `pk` (string) and `sk` (string).
 *
 * | item     | pk                      | sk               | other attributes                       |
 * |----------|-------------------------|------------------|----------------------------------------|
 * | approval | `APPROVAL#<approvalId>` | `APPROVAL`       | the ApprovalRecord, `ttl`              |
 * | ledger   | `LEDGER#<executionId>`  | `ITEM#<itemId>`  | the LedgerEntry                        |
 * | change   | `CHANGE#<credentialKey>`| `LAST`           | the LastChange of one credential       |
 * | guard    | `LOCK#<accountId>`      | `LOCK`           | the AccountLock (one run at a time)    |
 * | warning  | `WARNING#<account>/<credential>` | `WARNING` | the OwnerWarningRecord (docs/lifecycle.md) |
 *
 * The sparse global secondary index `byAccessKey` (partition `accessKeyId`, sort `recordedAt`) holds
 * the ledger entries about access keys: the delete stage asks which run deactivated a key.
 *
 * `ttl` (epoch seconds) is the approval's expiresAt plus 30 days; enable TTL on that attribute so
 * old approvals (which hold a task token) disappear. Ledger entries are evidence and never expire
 * (the delete stage reads deactivations `deleteAfterDays` old, so the ledger must outlive that).
 * Reads are strongly consistent: a conditional write that lost is followed by a read of the winner.
 * Approvals hold the Step Functions task token: it is stored here and never logged.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { KEY_INDEX } from '../core/shared/defaults.js';
import type {
  AccountLock,
  ApprovalRecord,
  ApprovalUpdate,
  LastChange,
  LedgerEntry,
  OwnerWarningRecord,
} from '../core/shared/types.js';
import type { StorePort } from '../ports/store.js';
import type { PortPermissions } from './permission-types.js';
import type { AwsEnv } from './ports.js';
import { DEFAULT_RETRY, memoize } from './retry.js';

/**
 * What each StorePort method needs from DynamoDB (docs/aws-adapters.md). The kind names the items:
 * approval records (`APPROVAL#...`), ledger entries (`LEDGER#...`) or owners' warnings
 * (`WARNING#...`), enforced with LeadingKeys, or the `byAccessKey` index.
 */
export const STORE_PERMISSIONS = {
  putApproval: { 'dynamodb:PutItem': 'approval-item' },
  getApproval: { 'dynamodb:GetItem': 'approval-item' },
  // UpdateItem; when the condition fails, the stored record is read back (GetItem).
  decideApproval: { 'dynamodb:UpdateItem': 'approval-item', 'dynamodb:GetItem': 'approval-item' },
  markDelivered: { 'dynamodb:UpdateItem': 'approval-item' },
  markMailed: { 'dynamodb:UpdateItem': 'approval-item' },
  replaceTaskToken: { 'dynamodb:UpdateItem': 'approval-item' },
  // PutItem if absent; on a retry, the entry first recorded is read back (GetItem).
  recordIntent: { 'dynamodb:PutItem': 'ledger-item', 'dynamodb:GetItem': 'ledger-item' },
  updateLedger: { 'dynamodb:PutItem': 'ledger-item' },
  listLedger: { 'dynamodb:Query': 'ledger-item' },
  getLastChange: { 'dynamodb:GetItem': 'change-item' },
  // PutItem, conditional when another change is expected.
  setLastChange: { 'dynamodb:PutItem': 'change-item' },
  // Conditional PutItem; when it is held by another run, that lock is read back (GetItem).
  holdLock: { 'dynamodb:PutItem': 'lock-item', 'dynamodb:GetItem': 'lock-item' },
  releaseLock: { 'dynamodb:DeleteItem': 'lock-item' },
  // The delete stage: the ledger entries about one key, from the byAccessKey index.
  listKeyLedger: { 'dynamodb:Query': 'ledger-key-index' },
  getWarning: { 'dynamodb:GetItem': 'warning-item' },
  putWarning: { 'dynamodb:PutItem': 'warning-item' },
} as const satisfies PortPermissions<StorePort>;

/** How long an approval item outlives its expiry before DynamoDB TTL removes it. */
export const APPROVAL_RETENTION_SECONDS = 30 * 24 * 60 * 60;

const APPROVAL_SK = 'APPROVAL';
const WARNING_SK = 'WARNING';
const ITEM_PREFIX = 'ITEM#';

export const approvalKey = (approvalId: string) => ({ pk: `APPROVAL#${approvalId}`, sk: APPROVAL_SK });
export const warningKey = (accountId: string, credentialKey: string) => ({
  pk: `WARNING#${accountId}/${credentialKey}`,
  sk: WARNING_SK,
});
export const ledgerKey = (executionId: string, itemId: string) => ({
  pk: `LEDGER#${executionId}`,
  sk: `${ITEM_PREFIX}${itemId}`,
});

export const lastChangeKey = (credentialKey: string) => ({ pk: `CHANGE#${credentialKey}`, sk: 'LAST' });
export const lockKey = (accountId: string) => ({ pk: `LOCK#${accountId}`, sk: 'LOCK' });

/** The approval's `ttl` attribute: expiresAt + 30 days, in epoch seconds. */
export function approvalTtl(expiresAt: string): number {
  const ms = Date.parse(expiresAt);
  if (Number.isNaN(ms)) throw new Error(`Approval expiresAt is not a date: ${expiresAt}`);
  return Math.floor(ms / 1000) + APPROVAL_RETENTION_SECONDS;
}

function isConditionalCheckFailed(err: unknown): boolean {
  return (
    err instanceof ConditionalCheckFailedException ||
    (err instanceof Error && err.name === 'ConditionalCheckFailedException')
  );
}

/** Drops the table's own attributes, leaving the record the port speaks. */
function withoutKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, ttl: _ttl, ...record } = item;
  return record as T;
}

function notFound(message: string): Error {
  const err = new Error(message);
  err.name = 'NotFound';
  return err;
}

export class DynamoStore implements StorePort {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putApproval(approval: ApprovalRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...approval, ...approvalKey(approval.approvalId), ttl: approvalTtl(approval.expiresAt) },
      }),
    );
  }
  /** Sends a conditional write: true if it was written, false if its condition failed. */
  private async written(command: PutCommand | UpdateCommand | DeleteCommand): Promise<boolean> {
    try {
      // The document client's send is typed per command; all three are conditional writes alike.
      await this.doc.send(command as PutCommand);
      return true;
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
      return false;
    }
  }

  async getApproval(approvalId: string): Promise<ApprovalRecord | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: approvalKey(approvalId), ConsistentRead: true }),
    );
    return out.Item ? withoutKeys<ApprovalRecord>(out.Item) : null;
  }

  /**
   * Writes status, approvals and (once decided) the decision only while the approval is pending and
   * holds exactly `expectedApprovals` approvals: `size(approvals)` is the version, since approvals
   * only grow while pending. When the condition fails (another approver's write won, or the run was
   * decided), reads the stored record: `applied: false` with it, or an error named NotFound.
   */
  async decideApproval(
    approvalId: string,
    update: ApprovalUpdate,
    expectedApprovals: number,
  ): Promise<{ applied: boolean; approval: ApprovalRecord }> {
    const counted =
      expectedApprovals === 0
        ? '(attribute_not_exists(#approvals) OR size(#approvals) = :count)'
        : 'size(#approvals) = :count';
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: approvalKey(approvalId),
          UpdateExpression: `SET #status = :status, #approvals = :approvals${update.decision ? ', #decision = :decision' : ''}`,
          ConditionExpression: `#status = :pending AND ${counted}`,
          ExpressionAttributeNames: {
            '#status': 'status',
            '#approvals': 'approvals',
            ...(update.decision ? { '#decision': 'decision' } : {}),
          },
          ExpressionAttributeValues: {
            ':status': update.status,
            ':approvals': update.approvals ?? [],
            ':pending': 'pending',
            ':count': expectedApprovals,
            ...(update.decision ? { ':decision': update.decision } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (!out.Attributes) throw new Error(`UpdateItem returned no attributes for approval ${approvalId}`);
      return { applied: true, approval: withoutKeys<ApprovalRecord>(out.Attributes) };
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
      const existing = await this.getApproval(approvalId);
      if (!existing) throw notFound(`No approval ${approvalId}`);
      return { applied: false, approval: existing };
    }
  }

  async markDelivered(approvalId: string, deliveredAt: string): Promise<void> {
    // Still pending (false): there was nothing to deliver; nothing to record.
    await this.written(
      new UpdateCommand({
        TableName: this.tableName,
        Key: approvalKey(approvalId),
        UpdateExpression: 'SET #deliveredAt = :deliveredAt',
        ConditionExpression: '#status <> :pending',
        ExpressionAttributeNames: { '#status': 'status', '#deliveredAt': 'deliveredAt' },
        ExpressionAttributeValues: { ':deliveredAt': deliveredAt, ':pending': 'pending' },
      }),
    );
  }

  async markMailed(approvalId: string, mailedAt: string): Promise<void> {
    // Already decided (false): the mail evidently reached someone; nothing to record.
    await this.written(
      new UpdateCommand({
        TableName: this.tableName,
        Key: approvalKey(approvalId),
        UpdateExpression: 'SET #mailedAt = :mailedAt',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status', '#mailedAt': 'mailedAt' },
        ExpressionAttributeValues: { ':mailedAt': mailedAt, ':pending': 'pending' },
      }),
    );
  }

  async replaceTaskToken(approvalId: string, taskToken: string): Promise<boolean> {
    return this.written(
      new UpdateCommand({
        TableName: this.tableName,
        Key: approvalKey(approvalId),
        UpdateExpression: 'SET #taskToken = :taskToken',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status', '#taskToken': 'taskToken' },
        ExpressionAttributeValues: { ':taskToken': taskToken, ':pending': 'pending' },
      }),
    );
  }

  /** Put-if-absent on (executionId, itemId); a retried task gets back the entry first recorded. */
  async recordIntent(entry: LedgerEntry): Promise<LedgerEntry> {
    const key = ledgerKey(entry.executionId, entry.itemId);
    const put = new PutCommand({
      TableName: this.tableName,
      Item: { ...entry, ...key },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    if (await this.written(put)) return entry;
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    if (!out.Item) {
      throw new Error(`Ledger entry ${entry.itemId} of ${entry.executionId} exists but could not be read`);
    }
    return withoutKeys<LedgerEntry>(out.Item);
  }

  /**
   * Replaces the entry. The write is conditional on the entry existing, so the write-ahead rule
   * holds: an outcome cannot be recorded for an intent that was never recorded (NotFound).
   */
  async updateLedger(entry: LedgerEntry): Promise<void> {
    const put = new PutCommand({
      TableName: this.tableName,
      Item: { ...entry, ...ledgerKey(entry.executionId, entry.itemId) },
      ConditionExpression: 'attribute_exists(pk)',
    });
    if (!(await this.written(put))) {
      throw notFound(
        `No ledger entry ${entry.itemId} of ${entry.executionId} to update; record the intent first`,
      );
    }
  }

  /** Every entry of the execution, in itemId order, following LastEvaluatedKey. */
  async listLedger(executionId: string): Promise<LedgerEntry[]> {
    const entries: LedgerEntry[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :item)',
          ExpressionAttributeValues: { ':pk': `LEDGER#${executionId}`, ':item': ITEM_PREFIX },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) entries.push(withoutKeys<LedgerEntry>(item));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return entries;
  }

  async getLastChange(credentialKey: string): Promise<LastChange | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: lastChangeKey(credentialKey), ConsistentRead: true }),
    );
    return out.Item ? withoutKeys<LastChange>(out.Item) : null;
  }

  /** A PutItem, conditional on the stored change when `expected` is given (null: none stored). */
  async setLastChange(change: LastChange, expected?: LastChange | null): Promise<boolean> {
    const condition =
      expected === undefined
        ? {}
        : expected === null
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: 'executionId = :executionId AND #change = :change AND #at = :at',
              ExpressionAttributeNames: { '#change': 'change', '#at': 'at' },
              ExpressionAttributeValues: {
                ':executionId': expected.executionId,
                ':change': expected.change,
                ':at': expected.at,
              },
            };
    return this.written(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...change, ...lastChangeKey(change.credentialKey) },
        ...condition,
      }),
    );
  }

  /** PutItem if free, the holder's own, or expired; else reads the holder's (strongly consistent). */
  async holdLock(lock: AccountLock): Promise<AccountLock> {
    const key = lockKey(lock.accountId);
    const put = new PutCommand({
      TableName: this.tableName,
      Item: { ...lock, ...key },
      ConditionExpression: 'attribute_not_exists(pk) OR holder = :holder OR expiresAt <= :since',
      ExpressionAttributeValues: { ':holder': lock.holder, ':since': lock.since },
    });
    if (await this.written(put)) return lock;
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    // Released between the two calls: try again; a second loss names the new holder.
    return out.Item ? withoutKeys<AccountLock>(out.Item) : this.holdLock(lock);
  }

  async releaseLock(accountId: string, holder: string): Promise<void> {
    // Not held (false: already released, or taken over after the lease): nothing to release.
    await this.written(
      new DeleteCommand({
        TableName: this.tableName,
        Key: lockKey(accountId),
        ConditionExpression: 'holder = :holder',
        ExpressionAttributeValues: { ':holder': holder },
      }),
    );
  }

  /** The key's entries from the `byAccessKey` index, oldest first (an index read is eventually consistent: fine for days-old changes). */
  async listKeyLedger(accessKeyId: string): Promise<LedgerEntry[]> {
    const entries: LedgerEntry[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: KEY_INDEX,
          KeyConditionExpression: 'accessKeyId = :id',
          ExpressionAttributeValues: { ':id': accessKeyId },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) entries.push(withoutKeys<LedgerEntry>(item));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return entries;
  }

  async getWarning(accountId: string, credentialKey: string): Promise<OwnerWarningRecord | null> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: warningKey(accountId, credentialKey),
        ConsistentRead: true,
      }),
    );
    return out.Item ? withoutKeys<OwnerWarningRecord>(out.Item) : null;
  }

  async putWarning(warning: OwnerWarningRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...warning, ...warningKey(warning.accountId, warning.credentialKey) },
      }),
    );
  }
}

/** DocumentClient over DynamoDB; undefined attributes (optional fields) are dropped, not rejected. */
export const dynamoDocumentClient = memoize(() =>
  DynamoDBDocumentClient.from(new DynamoDBClient({ ...DEFAULT_RETRY }), {
    marshallOptions: { removeUndefinedValues: true },
  }),
);

/** The store port (approvals and the ledger) of a Lambda that uses it. */
export const dynamoStorePort = (env: AwsEnv): StorePort =>
  new DynamoStore(dynamoDocumentClient(), env.TABLE_NAME);
