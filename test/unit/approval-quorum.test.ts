import { describe, expect, it } from 'vitest';
import {
  agreedSelection,
  applyUpdate,
  approvalWritable,
  countDecision,
  mayRedeliver,
  progressNote,
  stillNeeded,
} from '../../handlers/core/approval/quorum.js';
import { quorumOf } from '../../handlers/core/shared/request.js';
import type { ApprovalRecord, DecisionRecord } from '../../handlers/core/shared/types.js';

const ITEMS = ['a', 'b', 'c', 'd', 'e', 'f'];

const pending = (approvalsRequired: number, approvals: DecisionRecord[] = []): ApprovalRecord => ({
  approvalId: 'apr-1',
  executionId: 'arn:aws:states:eu-west-1:123456789012:execution:sm:run-1',
  planKey: 'runs/run-1/plan.json',
  accountId: '123456789012',
  taskToken: 'TOKEN',
  approvers: [
    { approver: 'alma.sec@example.com', secretHash: '1'.repeat(64) },
    { approver: 'bo.sec@example.com', secretHash: '2'.repeat(64) },
    { approver: 'cy.sec@example.com', secretHash: '3'.repeat(64) },
  ],
  createdAt: '2025-06-01T10:00:00.000Z',
  expiresAt: '2025-06-02T10:00:00.000Z',
  status: 'pending',
  approvalsRequired,
  approvals,
});

const approval = (
  approver: string,
  selection: string[],
  at = '2025-06-01T10:02:00.000Z',
): DecisionRecord => ({
  decision: 'approved',
  approver,
  decidedAt: at,
  sourceIp: '198.51.100.7',
  userAgent: 'Firefox',
  selection,
});

const rejection = (approver: string): DecisionRecord => ({
  ...approval(approver, []),
  decision: 'rejected',
  reason: 'not now',
});

describe('counting approvals', () => {
  it('counts a first approval of two without deciding anything', () => {
    // Prepare
    const record = pending(2);

    // Act
    const outcome = countDecision(record, approval('alma.sec@example.com', ['a', 'b', 'c', 'd', 'e']));

    // Assess
    expect(outcome).toMatchObject({ kind: 'counted', reached: false, update: { status: 'pending' } });
    if (outcome.kind !== 'counted') throw new Error('not counted');
    expect(outcome.update.decision).toBeUndefined();
    expect(stillNeeded(applyUpdate(record, outcome.update))).toBe(1);
  });

  it('decides with the intersection of what every counted approver ticked, in plan order', () => {
    // Prepare
    const record = pending(2, [approval('alma.sec@example.com', ['a', 'b', 'c', 'd', 'e'])]);

    // Act
    const outcome = countDecision(record, approval('bo.sec@example.com', ['e', 'd', 'c', 'b', 'a', 'f']));

    // Assess
    expect(outcome).toMatchObject({
      kind: 'counted',
      reached: true,
      update: {
        status: 'approved',
        decision: { approver: 'bo.sec@example.com', selection: ['a', 'b', 'c', 'd', 'e'] },
      },
    });
  });

  it('keeps out, in the decision, every account any counted approver kept out', () => {
    // Prepare: alma kept account 2 out (its items e, f are not in her selection)
    const record = pending(2, [
      { ...approval('alma.sec@example.com', ['a', 'b', 'c', 'd']), keptOutAccounts: ['222222222222'] },
    ]);

    // Act: bo keeps account 1 out as well
    const outcome = countDecision(record, {
      ...approval('bo.sec@example.com', ['c', 'd']),
      keptOutAccounts: ['111111111111'],
    });

    // Assess
    if (outcome.kind !== 'counted') throw new Error('not counted');
    expect(outcome.update.decision).toMatchObject({
      selection: ['c', 'd'],
      keptOutAccounts: ['222222222222', '111111111111'],
    });
  });

  it("names the accounts kept out in a later approver's note", () => {
    const record = pending(2, [
      { ...approval('alma.sec@example.com', ['a', 'b']), keptOutAccounts: ['222222222222', '333333333333'] },
    ]);

    expect(progressNote(record, ITEMS.length)).toContain(
      'approved 2 of 6 at 2025-06-01 10:02 UTC, keeping 2 accounts out',
    );
  });

  it('counts a person once, whatever the case of their address', () => {
    // Prepare
    const record = pending(2, [approval('alma.sec@example.com', ['a'])]);

    // Act
    const outcome = countDecision(record, approval('ALMA.sec@Example.com', ['a']));

    // Assess
    expect(outcome).toMatchObject({
      kind: 'already-counted',
      approval: { approver: 'alma.sec@example.com' },
    });
  });

  it('lets any approver who has not approved reject the run, keeping the approvals counted so far', () => {
    // Prepare
    const record = pending(3, [approval('alma.sec@example.com', ['a'])]);

    // Act
    const outcome = countDecision(record, rejection('cy.sec@example.com'));

    // Assess
    expect(outcome).toMatchObject({
      kind: 'counted',
      reached: true,
      update: { status: 'rejected', decision: { decision: 'rejected', approver: 'cy.sec@example.com' } },
    });
    if (outcome.kind === 'counted') expect(outcome.update.approvals).toHaveLength(1);
  });

  it('counts nothing once decided', () => {
    expect(
      countDecision({ ...pending(1), status: 'rejected' }, approval('bo.sec@example.com', ['a'])),
    ).toEqual({
      kind: 'already-decided',
    });
  });

  it('decides at once with a quorum of one (the deployment default)', () => {
    const outcome = countDecision(
      { ...pending(1), approvalsRequired: undefined },
      approval('bo.sec@example.com', ['a']),
    );
    expect(outcome).toMatchObject({ kind: 'counted', reached: true, update: { status: 'approved' } });
  });

  it('tells a later approver who approved what, and what approving now approves', () => {
    const record = pending(2, [approval('alma.sec@example.com', ['a', 'b', 'c', 'd', 'e'])]);

    expect(progressNote(record, ITEMS.length)).toBe(
      'alma.sec@example.com approved 5 of 6 at 2025-06-01 10:02 UTC; approving now approves those 5 (the other 1 cannot be approved any more). Your approval is the last one needed.',
    );
    expect(progressNote(pending(2), ITEMS.length)).toBeNull();
  });

  it('intersects any number of selections; null before anyone approved', () => {
    expect(agreedSelection([])).toBeNull();
    expect(
      agreedSelection([approval('x', ['a', 'b', 'c']), approval('y', ['b', 'c']), approval('z', ['c', 'a'])]),
    ).toEqual(['c']);
  });
});

describe('the store condition: two approvers at the same instant', () => {
  it('writes only over the approvals an update was counted against; the loser counts again and both count once', () => {
    // Prepare: both read the same record, with no approval yet
    let stored = pending(2);
    const seenByAlma = stored;
    const seenByBo = stored;
    const write = (seen: ApprovalRecord, decision: DecisionRecord) => {
      const counted = countDecision(seen, decision);
      if (counted.kind !== 'counted') return { applied: false, counted };
      if (!approvalWritable(stored, seen.approvals?.length ?? 0)) return { applied: false, counted };
      stored = applyUpdate(stored, counted.update);
      return { applied: true, counted };
    };

    // Act
    const alma = write(seenByAlma, approval('alma.sec@example.com', ['a', 'b']));
    const boFirst = write(seenByBo, approval('bo.sec@example.com', ['b', 'c']));
    const boAgain = write(stored, approval('bo.sec@example.com', ['b', 'c']));

    // Assess
    expect(alma.applied).toBe(true);
    expect(boFirst.applied).toBe(false);
    expect(boAgain.applied).toBe(true);
    expect(stored.approvals?.map((a) => a.approver)).toEqual(['alma.sec@example.com', 'bo.sec@example.com']);
    expect(stored.status).toBe('approved');
    expect(stored.decision?.selection).toEqual(['b']);
  });
});

describe('redelivering a decision', () => {
  it('only by its decider, only while undelivered', () => {
    const decided: ApprovalRecord = {
      ...pending(1),
      status: 'rejected',
      decision: rejection('bo.sec@example.com'),
    };

    expect(mayRedeliver(decided, 'bo.sec@example.com')).toBe(true);
    expect(mayRedeliver(decided, 'alma.sec@example.com')).toBe(false);
    expect(mayRedeliver({ ...decided, deliveredAt: '2025-06-01T10:03:00.000Z' }, 'bo.sec@example.com')).toBe(
      false,
    );
    expect(mayRedeliver(pending(1), 'bo.sec@example.com')).toBe(false);
  });
});

describe('quorumOf: the quorum of a run', () => {
  const settings = { approverEmails: ['a@x.com', 'b@x.com', 'c@x.com'] };

  it('is approvalsRequired, or deleteApprovalsRequired when the plan deletes (defaults 1 and 2)', () => {
    expect(quorumOf({}, settings, false)).toBe(1);
    expect(quorumOf({}, settings, true)).toBe(2);
    expect(quorumOf({}, { ...settings, approvalsRequired: 3 }, true)).toBe(3);
  });

  it('may be raised by the run input, never lowered', () => {
    expect(quorumOf({ approvalsRequired: 2 }, settings, false)).toBe(2);
    expect(quorumOf({ deleteApprovalsRequired: 3 }, settings, true)).toBe(3);
    expect(() => quorumOf({ approvalsRequired: 1 }, { ...settings, approvalsRequired: 2 }, false)).toThrow(
      /approvalsRequired 1 would lower the deployment's quorum \(2\)/,
    );
    expect(() => quorumOf({ deleteApprovalsRequired: 1 }, settings, true)).toThrow(
      /deleteApprovalsRequired 1 would lower/,
    );
  });

  it('refuses a quorum the approvers cannot reach, naming both settings', () => {
    expect(() => quorumOf({ approvalsRequired: 4 }, settings, false)).toThrow(
      /4 approvals are required \(approvalsRequired 4, deleteApprovalsRequired 2\) but only 3 approvers are configured \(approverEmails\)/,
    );
    expect(() => quorumOf({}, { approverEmails: ['a@x.com', 'A@X.com'] }, true)).toThrow(
      /only 1 approver is configured/,
    );
  });
});
