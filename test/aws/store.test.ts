import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approvalTtl, DynamoStore } from '../../handlers/aws/store.js';
import type {
  ApprovalRecord,
  DecisionRecord,
  LedgerEntry,
  OwnerWarningRecord,
} from '../../handlers/core/shared/types.js';
import { thrown } from '../helpers/thrown.js';

const TABLE = 'credsweep-table';
const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:credsweep:run-1';
const docMock = mockClient(DynamoDBDocumentClient);
const meta = { $metadata: {} };

const approval: ApprovalRecord = {
  approvalId: 'apr-1',
  executionId: EXECUTION,
  planKey: 'runs/run-1/plan.json',
  accountId: '123456789012',
  taskToken: 'token-secret',
  approvers: [{ approver: 'sec@example.com', secretHash: 'abc123' }],
  createdAt: '2025-03-01T10:00:00.000Z',
  expiresAt: '2025-03-02T10:00:00.000Z',
  status: 'pending',
};

const decision: DecisionRecord = {
  decision: 'approved',
  approver: 'sec@example.com',
  decidedAt: '2025-03-01T11:00:00.000Z',
  sourceIp: '203.0.113.7',
  userAgent: 'Mozilla/5.0',
  selection: ['item-1'],
};

function ledgerEntry(itemId: string, overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    executionId: EXECUTION,
    itemId,
    userName: 'alice',
    credential: 'access-key-1',
    accessKeyId: 'AKIAONE',
    action: 'deactivate-access-key',
    status: 'intended',
    before: 'Active',
    recordedAt: '2025-03-01T12:00:00.000Z',
    ...overrides,
  };
}

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

describe('DynamoStore', () => {
  let store: DynamoStore;

  beforeEach(() => {
    docMock.reset();
    store = new DynamoStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })), TABLE);
  });

  afterEach(() => {
    docMock.reset();
  });

  describe('approvals', () => {
    it('puts the approval under APPROVAL#<id> with a ttl 30 days after expiry', async () => {
      // Prepare
      docMock.on(PutCommand).resolves({ ...meta });

      // Act
      await store.putApproval(approval);

      // Assess
      const expectedTtl = Date.parse('2025-03-02T10:00:00.000Z') / 1000 + 30 * 86_400;
      expect(approvalTtl(approval.expiresAt)).toBe(expectedTtl);
      expect(docMock).toHaveReceivedCommandExactlyOnceWith(PutCommand, {
        TableName: TABLE,
        Item: { ...approval, pk: 'APPROVAL#apr-1', sk: 'APPROVAL', ttl: expectedTtl },
      });
    });

    it('refuses an approval whose expiresAt is not a date', async () => {
      // Act
      const err = await thrown(() => store.putApproval({ ...approval, expiresAt: 'tomorrow' }));

      // Assess
      expect(err.message).toContain('tomorrow');
      expect(docMock).not.toHaveReceivedCommand(PutCommand);
    });

    it('reads an approval consistently and strips the table attributes', async () => {
      // Prepare
      docMock
        .on(GetCommand)
        .resolves({ Item: { ...approval, pk: 'APPROVAL#apr-1', sk: 'APPROVAL', ttl: 1 }, ...meta });

      // Act
      const found = await store.getApproval('apr-1');

      // Assess
      expect(docMock).toHaveReceivedCommandExactlyOnceWith(GetCommand, {
        TableName: TABLE,
        Key: { pk: 'APPROVAL#apr-1', sk: 'APPROVAL' },
        ConsistentRead: true,
      });
      expect(found).toEqual(approval);
    });

    it('returns null for an unknown approval', async () => {
      // Prepare
      docMock.on(GetCommand).resolves({ ...meta });

      // Act
      const found = await store.getApproval('nope');

      // Assess
      expect(found).toBeNull();
    });

    it('records the decision that reaches the quorum with a conditional update while pending', async () => {
      // Prepare
      const decided = { ...approval, status: 'approved', approvals: [decision], decision };
      docMock.on(UpdateCommand).resolves({
        Attributes: { ...decided, pk: 'APPROVAL#apr-1', sk: 'APPROVAL', ttl: 1 },
        ...meta,
      });

      // Act
      const result = await store.decideApproval(
        'apr-1',
        { status: 'approved', approvals: [decision], decision },
        0,
      );

      // Assess
      expect(docMock).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
        TableName: TABLE,
        Key: { pk: 'APPROVAL#apr-1', sk: 'APPROVAL' },
        UpdateExpression: 'SET #status = :status, #approvals = :approvals, #decision = :decision',
        ConditionExpression:
          '#status = :pending AND (attribute_not_exists(#approvals) OR size(#approvals) = :count)',
        ExpressionAttributeNames: { '#status': 'status', '#approvals': 'approvals', '#decision': 'decision' },
        ExpressionAttributeValues: {
          ':status': 'approved',
          ':approvals': [decision],
          ':decision': decision,
          ':pending': 'pending',
          ':count': 0,
        },
        ReturnValues: 'ALL_NEW',
      });
      expect(result).toEqual({ applied: true, approval: decided });
    });

    it('counts an approval short of the quorum only over the approvals it was counted against', async () => {
      // Prepare
      const second = { ...decision, approver: 'bo@example.com' };
      docMock.on(UpdateCommand).resolves({
        Attributes: { ...approval, approvals: [decision, second], pk: 'APPROVAL#apr-1', sk: 'APPROVAL' },
        ...meta,
      });

      // Act
      await store.decideApproval('apr-1', { status: 'pending', approvals: [decision, second] }, 1);

      // Assess
      expect(docMock).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
        TableName: TABLE,
        Key: { pk: 'APPROVAL#apr-1', sk: 'APPROVAL' },
        UpdateExpression: 'SET #status = :status, #approvals = :approvals',
        ConditionExpression: '#status = :pending AND size(#approvals) = :count',
        ExpressionAttributeNames: { '#status': 'status', '#approvals': 'approvals' },
        ExpressionAttributeValues: {
          ':status': 'pending',
          ':approvals': [decision, second],
          ':pending': 'pending',
          ':count': 1,
        },
        ReturnValues: 'ALL_NEW',
      });
    });

    it('marks a decision delivered only once it is decided', async () => {
      // Prepare
      docMock.on(UpdateCommand).rejectsOnce(conditionFailed()).resolves(meta);

      // Act
      await store.markDelivered('apr-1', '2025-06-01T12:00:05.000Z');
      await store.markDelivered('apr-1', '2025-06-01T12:00:06.000Z');

      // Assess
      expect(docMock).toHaveReceivedCommandWith(UpdateCommand, {
        TableName: TABLE,
        Key: { pk: 'APPROVAL#apr-1', sk: 'APPROVAL' },
        UpdateExpression: 'SET #deliveredAt = :deliveredAt',
        ConditionExpression: '#status <> :pending',
        ExpressionAttributeNames: { '#status': 'status', '#deliveredAt': 'deliveredAt' },
        ExpressionAttributeValues: { ':deliveredAt': '2025-06-01T12:00:06.000Z', ':pending': 'pending' },
      });
    });

    it('marks an approval mailed only while it is pending, and ignores one already decided', async () => {
      // Prepare
      docMock.on(UpdateCommand).rejectsOnce(conditionFailed()).resolves(meta);

      // Act
      await store.markMailed('apr-1', '2025-06-01T12:00:05.000Z');
      await store.markMailed('apr-1', '2025-06-01T12:00:06.000Z');

      // Assess
      expect(docMock).toHaveReceivedCommandWith(UpdateCommand, {
        TableName: TABLE,
        Key: { pk: 'APPROVAL#apr-1', sk: 'APPROVAL' },
        UpdateExpression: 'SET #mailedAt = :mailedAt',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status', '#mailedAt': 'mailedAt' },
        ExpressionAttributeValues: { ':mailedAt': '2025-06-01T12:00:06.000Z', ':pending': 'pending' },
      });
      expect(docMock).toHaveReceivedCommandTimes(UpdateCommand, 2);
    });

    it('points a pending approval at a new task token, setting nothing else; false once decided', async () => {
      // Prepare
      docMock.on(UpdateCommand).resolvesOnce(meta).rejects(conditionFailed());

      // Act
      const pending = await store.replaceTaskToken('apr-1', 'NEW-TOKEN');
      const decided = await store.replaceTaskToken('apr-1', 'NEWER-TOKEN');

      // Assess
      expect([pending, decided]).toEqual([true, false]);
      expect(docMock).toHaveReceivedCommandWith(UpdateCommand, {
        TableName: TABLE,
        Key: { pk: 'APPROVAL#apr-1', sk: 'APPROVAL' },
        UpdateExpression: 'SET #taskToken = :taskToken',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status', '#taskToken': 'taskToken' },
        ExpressionAttributeValues: { ':taskToken': 'NEW-TOKEN', ':pending': 'pending' },
      });
    });

    it('returns the earlier decision, not applied, when the approval was already decided', async () => {
      // Prepare
      const earlier: ApprovalRecord = {
        ...approval,
        status: 'rejected',
        decision: {
          ...decision,
          decision: 'rejected',
          approver: 'other@example.com',
          selection: [],
          reason: 'no',
        },
      };
      docMock
        .on(UpdateCommand)
        .rejects(conditionFailed())
        .on(GetCommand)
        .resolves({ Item: { ...earlier, pk: 'APPROVAL#apr-1', sk: 'APPROVAL', ttl: 1 }, ...meta });

      // Act
      const result = await store.decideApproval(
        'apr-1',
        { status: 'approved', approvals: [decision], decision },
        0,
      );

      // Assess
      expect(result).toEqual({ applied: false, approval: earlier });
      expect(docMock).toHaveReceivedCommandExactlyOnceWith(GetCommand, {
        TableName: TABLE,
        Key: { pk: 'APPROVAL#apr-1', sk: 'APPROVAL' },
        ConsistentRead: true,
      });
    });

    it('throws NotFound when deciding an approval that does not exist', async () => {
      // Prepare
      docMock
        .on(UpdateCommand)
        .rejects(conditionFailed())
        .on(GetCommand)
        .resolves({ ...meta });

      // Act
      const err = await thrown(() =>
        store.decideApproval('ghost', { status: 'approved', approvals: [decision], decision }, 0),
      );

      // Assess
      expect(err.name).toBe('NotFound');
      expect(err.message).toContain('ghost');
    });

    it('lets other DynamoDB errors of the decision through', async () => {
      // Prepare
      const throttled = Object.assign(new Error('slow down'), {
        name: 'ProvisionedThroughputExceededException',
      });
      docMock.on(UpdateCommand).rejects(throttled);

      // Act
      const err = await thrown(() =>
        store.decideApproval('apr-1', { status: 'approved', approvals: [decision], decision }, 0),
      );

      // Assess
      expect(err.name).toBe('ProvisionedThroughputExceededException');
      expect(docMock).not.toHaveReceivedCommand(GetCommand);
    });
  });

  describe('ledger', () => {
    it('records an intent with a put-if-absent', async () => {
      // Prepare
      const entry = ledgerEntry('item-1');
      docMock.on(PutCommand).resolves({ ...meta });

      // Act
      const stored = await store.recordIntent(entry);

      // Assess
      expect(stored).toEqual(entry);
      expect(docMock).toHaveReceivedCommandExactlyOnceWith(PutCommand, {
        TableName: TABLE,
        Item: { ...entry, pk: `LEDGER#${EXECUTION}`, sk: 'ITEM#item-1' },
        ConditionExpression: 'attribute_not_exists(pk)',
      });
    });

    it('returns the first intent when the same item is recorded again', async () => {
      // Prepare
      const first = ledgerEntry('item-1', { recordedAt: '2025-03-01T12:00:00.000Z' });
      const retry = ledgerEntry('item-1', { recordedAt: '2025-03-01T12:05:00.000Z', before: 'Inactive' });
      docMock
        .on(PutCommand)
        .resolvesOnce({ ...meta })
        .rejects(conditionFailed())
        .on(GetCommand)
        .resolves({ Item: { ...first, pk: `LEDGER#${EXECUTION}`, sk: 'ITEM#item-1' }, ...meta });

      // Act
      const one = await store.recordIntent(first);
      const two = await store.recordIntent(retry);

      // Assess
      expect(one).toEqual(first);
      expect(two).toEqual(first);
      expect(docMock).toHaveReceivedCommandTimes(PutCommand, 2);
      expect(docMock).toHaveReceivedCommandExactlyOnceWith(GetCommand, {
        TableName: TABLE,
        Key: { pk: `LEDGER#${EXECUTION}`, sk: 'ITEM#item-1' },
        ConsistentRead: true,
      });
    });

    it('replaces an existing entry on update, on condition that it exists', async () => {
      // Prepare
      const changed = ledgerEntry('item-1', {
        status: 'changed',
        after: 'Inactive',
        changedAt: '2025-03-01T12:01:00.000Z',
      });
      docMock.on(PutCommand).resolves({ ...meta });

      // Act
      await store.updateLedger(changed);

      // Assess
      expect(docMock).toHaveReceivedCommandExactlyOnceWith(PutCommand, {
        TableName: TABLE,
        Item: { ...changed, pk: `LEDGER#${EXECUTION}`, sk: 'ITEM#item-1' },
        ConditionExpression: 'attribute_exists(pk)',
      });
    });

    it('refuses to record an outcome for an intent that was never recorded', async () => {
      // Prepare
      docMock.on(PutCommand).rejects(conditionFailed());

      // Act
      const err = await thrown(() => store.updateLedger(ledgerEntry('item-9', { status: 'changed' })));

      // Assess
      expect(err.name).toBe('NotFound');
      expect(err.message).toContain('item-9');
    });

    it('lists every entry of an execution across pages', async () => {
      // Prepare
      const a = ledgerEntry('item-1');
      const b = ledgerEntry('item-2', { credential: 'console-password', action: 'delete-login-profile' });
      const c = ledgerEntry('item-3', { status: 'skipped', skipReason: 'used-since-report' });
      const page2Key = { pk: `LEDGER#${EXECUTION}`, sk: 'ITEM#item-2' };
      docMock
        .on(QueryCommand)
        .resolvesOnce({
          Items: [
            { ...a, pk: `LEDGER#${EXECUTION}`, sk: 'ITEM#item-1' },
            { ...b, pk: `LEDGER#${EXECUTION}`, sk: 'ITEM#item-2' },
          ],
          LastEvaluatedKey: page2Key,
          ...meta,
        })
        .resolvesOnce({ Items: [{ ...c, pk: `LEDGER#${EXECUTION}`, sk: 'ITEM#item-3' }], ...meta });

      // Act
      const entries = await store.listLedger(EXECUTION);

      // Assess
      expect(entries).toEqual([a, b, c]);
      const inputs = docMock.commandCalls(QueryCommand).map((call) => call.args[0].input);
      const query = {
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :item)',
        ExpressionAttributeValues: { ':pk': `LEDGER#${EXECUTION}`, ':item': 'ITEM#' },
        ConsistentRead: true,
      };
      expect(inputs).toEqual([
        { ...query, ExclusiveStartKey: undefined },
        { ...query, ExclusiveStartKey: page2Key },
      ]);
    });

    it('lists nothing for an execution without entries', async () => {
      // Prepare
      docMock.on(QueryCommand).resolves({ Items: [], ...meta });

      // Act
      const entries = await store.listLedger(EXECUTION);

      // Assess
      expect(entries).toEqual([]);
      expect(docMock).toHaveReceivedCommandOnce(QueryCommand);
    });
  });
});

describe('DynamoStore: last change of a credential and the account guard', () => {
  let store: DynamoStore;
  beforeEach(() => {
    docMock.reset();
    store = new DynamoStore(docMock as unknown as DynamoDBDocumentClient, TABLE);
  });
  afterEach(() => docMock.reset());

  const change = {
    credentialKey: '123456789012/alice/AKIAONE',
    executionId: EXECUTION,
    change: 'disabled' as const,
    at: '2025-03-01T12:00:01.000Z',
  };
  const lock = {
    accountId: '123456789012',
    holder: EXECUTION,
    since: '2025-03-01T12:00:00.000Z',
    expiresAt: '2025-03-01T13:00:00.000Z',
  };

  it('claims a restore with a write conditional on the change it read, and reports a lost race', async () => {
    docMock.on(PutCommand).resolvesOnce(meta).rejectsOnce(conditionFailed());
    const restore = {
      ...change,
      executionId: `${EXECUTION}-b`,
      change: 'restored' as const,
      backoutOf: EXECUTION,
    };

    await expect(store.setLastChange(restore, change)).resolves.toBe(true);
    await expect(store.setLastChange(restore, change)).resolves.toBe(false);

    expect(docMock).toHaveReceivedCommandWith(PutCommand, {
      TableName: TABLE,
      Item: { ...restore, pk: 'CHANGE#123456789012/alice/AKIAONE', sk: 'LAST' },
      ConditionExpression: 'executionId = :executionId AND #change = :change AND #at = :at',
      ExpressionAttributeValues: { ':executionId': EXECUTION, ':change': 'disabled', ':at': change.at },
    });
  });

  it('writes a first change only when none is stored, and any change unconditionally without expected', async () => {
    docMock.on(PutCommand).resolves(meta);
    await store.setLastChange(change, null);
    await store.setLastChange(change);
    const calls = docMock.commandCalls(PutCommand).map((c) => c.args[0].input.ConditionExpression);
    expect(calls).toEqual(['attribute_not_exists(pk)', undefined]);
  });

  it('takes the guard when free, its own or expired; otherwise returns the holder read consistently', async () => {
    const other = { ...lock, holder: `${EXECUTION}-other` };
    docMock.on(PutCommand).rejects(conditionFailed());
    docMock.on(GetCommand).resolves({ Item: { ...other, pk: 'LOCK#123456789012', sk: 'LOCK' } });

    await expect(store.holdLock(lock)).resolves.toEqual(other);

    expect(docMock).toHaveReceivedCommandWith(PutCommand, {
      ConditionExpression: 'attribute_not_exists(pk) OR holder = :holder OR expiresAt <= :since',
      ExpressionAttributeValues: { ':holder': EXECUTION, ':since': lock.since },
    });
    expect(docMock).toHaveReceivedCommandWith(GetCommand, {
      Key: { pk: 'LOCK#123456789012', sk: 'LOCK' },
      ConsistentRead: true,
    });
  });

  it('releases the guard only for its holder, and quietly when another holds it', async () => {
    docMock.on(DeleteCommand).rejects(conditionFailed());
    await expect(store.releaseLock('123456789012', EXECUTION)).resolves.toBeUndefined();
    expect(docMock).toHaveReceivedCommandWith(DeleteCommand, {
      Key: { pk: 'LOCK#123456789012', sk: 'LOCK' },
      ConditionExpression: 'holder = :holder',
      ExpressionAttributeValues: { ':holder': EXECUTION },
    });
  });
});

describe('DynamoStore: the lifecycle (owner warnings, ledger by access key)', () => {
  let store: DynamoStore;
  beforeEach(() => {
    docMock.reset();
    store = new DynamoStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })), TABLE);
  });
  afterEach(() => docMock.reset());

  const warning: OwnerWarningRecord = {
    accountId: '123456789012',
    credentialKey: 'key/AKIAONE',
    userName: 'alice',
    credential: 'access-key-1',
    accessKeyId: 'AKIAONE',
    owner: 'owner@example.com',
    warnedAt: '2025-03-01T09:00:00.000Z',
    executionId: EXECUTION,
    disableFrom: '2025-03-08T09:00:00.000Z',
  };

  it('records a warning under WARNING#<account>/<credential>, replacing the earlier one', async () => {
    // Prepare
    docMock.on(PutCommand).resolves({ ...meta });

    // Act
    await store.putWarning(warning);

    // Assess
    expect(docMock).toHaveReceivedCommandExactlyOnceWith(PutCommand, {
      TableName: TABLE,
      Item: { ...warning, pk: 'WARNING#123456789012/key/AKIAONE', sk: 'WARNING' },
    });
    expect(docMock.commandCalls(PutCommand)[0]?.args[0].input.ConditionExpression).toBeUndefined();
  });

  it('reads a warning consistently and strips the table attributes; null when there is none', async () => {
    // Prepare
    docMock
      .on(GetCommand)
      .resolvesOnce({ Item: { ...warning, pk: 'WARNING#123456789012/key/AKIAONE', sk: 'WARNING' }, ...meta })
      .resolvesOnce({ ...meta });

    // Act
    const found = await store.getWarning('123456789012', 'key/AKIAONE');
    const missing = await store.getWarning('123456789012', 'password/bob');

    // Assess
    expect(found).toEqual(warning);
    expect(missing).toBeNull();
    expect(docMock.commandCalls(GetCommand).map((c) => c.args[0].input)).toEqual([
      {
        TableName: TABLE,
        Key: { pk: 'WARNING#123456789012/key/AKIAONE', sk: 'WARNING' },
        ConsistentRead: true,
      },
      {
        TableName: TABLE,
        Key: { pk: 'WARNING#123456789012/password/bob', sk: 'WARNING' },
        ConsistentRead: true,
      },
    ]);
  });

  it("lists a key's ledger entries of every run from the byAccessKey index, across pages", async () => {
    // Prepare: the deactivation by one run and its backout's record by another.
    const earlier = ledgerEntry('item-1', { status: 'changed', changedAt: '2025-01-01T12:00:00.000Z' });
    const later = ledgerEntry('item-1', {
      executionId: `${EXECUTION}-backout`,
      status: 'restored',
      recordedAt: '2025-01-02T12:00:00.000Z',
    });
    const page2Key = { pk: `LEDGER#${EXECUTION}`, sk: 'ITEM#item-1', accessKeyId: 'AKIAONE' };
    docMock
      .on(QueryCommand)
      .resolvesOnce({
        Items: [{ ...earlier, pk: `LEDGER#${EXECUTION}`, sk: 'ITEM#item-1' }],
        LastEvaluatedKey: page2Key,
        ...meta,
      })
      .resolvesOnce({ Items: [{ ...later, pk: `LEDGER#${EXECUTION}-backout`, sk: 'ITEM#item-1' }], ...meta });

    // Act
    const entries = await store.listKeyLedger('AKIAONE');

    // Assess
    expect(entries).toEqual([earlier, later]);
    const query = {
      TableName: TABLE,
      IndexName: 'byAccessKey',
      KeyConditionExpression: 'accessKeyId = :id',
      ExpressionAttributeValues: { ':id': 'AKIAONE' },
    };
    expect(docMock.commandCalls(QueryCommand).map((c) => c.args[0].input)).toEqual([
      { ...query, ExclusiveStartKey: undefined },
      { ...query, ExclusiveStartKey: page2Key },
    ]);
    // A global secondary index cannot be read consistently (DynamoDB refuses ConsistentRead on one).
    expect(docMock.commandCalls(QueryCommand)[0]?.args[0].input.ConsistentRead).toBeUndefined();
  });
});
