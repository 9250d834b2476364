/**
 * One approval record is one DynamoDB item, and DynamoDB holds at most 400 KB in one (Constraints,
 * "Items"). A decided record keeps the ticked plan item ids once in the decision and once per counted
 * approval, so a large enough plan cannot be decided: the run must stop before anyone is asked, not
 * fail when the last approver clicks. The local store holds records to DynamoDB's size as DynamoDB
 * counts it (CapacityUnitCalculations), so the guard is checked against the model, not against itself.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { itemBytes } from '../../cli/local/dynamodb-limits.js';
import { FileStore } from '../../cli/local/local-ports.js';
import { countDecision } from '../../handlers/core/approval/quorum.js';
import { guardApprovalSize } from '../../handlers/core/plan/analyze-run.js';
import { approvalRecordProblem } from '../../handlers/core/shared/quotas.js';
import type { ApprovalRecord, DecisionRecord, Plan } from '../../handlers/core/shared/types.js';

/** Organization item ids as BuildOrgPlan makes them: `<account>/<user>/<key id>`. */
const ids = (n: number) =>
  Array.from(
    { length: n },
    (_, i) => `${String(100_000_000_000 + (i % 997))}/svc-user-${i}/AKIA${String(i).padStart(16, '0')}`,
  );

const record = (approvalsRequired: number): ApprovalRecord => ({
  approvalId: 'a1',
  executionId: 'arn:aws:states:eu-west-1:111122223333:execution:credsweep-organization:big',
  planKey: 'runs/big/plan.json',
  accountId: '111122223333',
  taskToken: 't'.repeat(1024),
  approvers: ['alma@example.com', 'bo@example.com', 'cy@example.com'].map((approver) => ({
    approver,
    secretHash: 'h'.repeat(64),
  })) as ApprovalRecord['approvers'],
  createdAt: '2026-12-07T09:00:00.000Z',
  expiresAt: '2026-12-10T09:00:00.000Z',
  status: 'pending',
  approvalsRequired,
});

const approve = (approver: string, selection: string[]): DecisionRecord => ({
  decision: 'approved',
  approver,
  decidedAt: '2026-12-07T10:00:00.000Z',
  sourceIp: '203.0.113.7',
  userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)'.padEnd(400, ' x'),
  reason: 'r'.repeat(1000),
  selection,
});

/** Every approver approves everything, through the local store: the record as DynamoDB would hold it. */
async function decideAll(items: string[], approvalsRequired: number): Promise<ApprovalRecord> {
  const store = new FileStore(mkdtempSync(join(tmpdir(), 'approval-size-')));
  await store.putApproval(record(approvalsRequired));
  const people = ['alma@example.com', 'bo@example.com', 'cy@example.com'].slice(0, approvalsRequired);
  for (const [i, person] of people.entries()) {
    const now = (await store.getApproval('a1')) as ApprovalRecord;
    const outcome = countDecision(now, approve(person, items));
    if (outcome.kind !== 'counted') throw new Error(outcome.kind);
    const written = await store.decideApproval('a1', outcome.update, i);
    if (!written.applied) throw new Error('not applied');
  }
  return (await store.getApproval('a1')) as ApprovalRecord;
}

const plan = (items: string[], approvalsRequired: number, dryRun = false) =>
  ({ items: items.map((id) => ({ id })), approvalsRequired, dryRun }) as unknown as Plan;

describe('the approval record fits one DynamoDB item', () => {
  it('a plan the guard lets through can be decided: the full record stays within 400 KB', async () => {
    for (const quorum of [1, 2, 3]) {
      // The largest plan of these ids the guard accepts at this quorum.
      let n = 1;
      while (!approvalRecordProblem(ids(n * 2), quorum)) n *= 2;
      let hi = n * 2;
      while (hi - n > 1) {
        const mid = Math.floor((n + hi) / 2);
        if (approvalRecordProblem(ids(mid), quorum)) hi = mid;
        else n = mid;
      }
      const decided = await decideAll(ids(n), quorum);
      expect(decided.status).toBe('approved');
      expect(itemBytes({ ...decided })).toBeLessThanOrEqual(400 * 1024);
    }
  });

  it("the local store refuses a record DynamoDB would refuse, with DynamoDB's own error", async () => {
    await expect(decideAll(ids(4000), 2)).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/^Item size has exceeded the maximum allowed size/),
    });
  });

  it('stops a run whose approval could not be recorded before anyone is asked; a dry run asks nobody', () => {
    expect(() => guardApprovalSize(plan(ids(4000), 2))).toThrow(
      /^This run cannot ask for approval: the approval of 4000 credentials by 2 approver\(s\) would need about \d+ KB in the approval record, more than the 400 KB DynamoDB holds in one item\. Nobody was asked and nothing was changed\./,
    );
    expect(() => guardApprovalSize(plan(ids(4000), 2, true))).not.toThrow();
    expect(() => guardApprovalSize(plan(ids(500), 2))).not.toThrow();
  });
});
