import { describe, expect, it } from 'vitest';
import { accountItems } from '../../handlers/core/approval/account-groups.js';
import {
  callbackOutput,
  decidePost,
  MAX_REASON_LENGTH,
  type PostInput,
  parseFormBody,
  type RawForm,
  statusOf,
  viewApproval,
} from '../../handlers/core/approval/decision.js';
import { approvalIdFor, formToken, issueLinks } from '../../handlers/core/approval/links.js';
import type { ApprovalRecord, DecisionRecord } from '../../handlers/core/shared/types.js';
import { EXECUTION_ID, PLAN_KEY, samplePlan } from '../helpers/memory-ports.js';
import { orgAccountId, sampleOrgPlan } from '../helpers/org-plan.js';

const KEY = 'signing-key-for-tests';
const NOW = new Date('2025-06-01T13:00:00.000Z');
const APPROVAL_ID = approvalIdFor(EXECUTION_ID);
const ISSUED = issueLinks('https://approve.example.com/prod', APPROVAL_ID, [
  'a@example.com',
  'b@example.com',
]);
const SECRET_A = new URL(ISSUED[0]?.url ?? '').searchParams.get('k') ?? '';
const SECRET_B = new URL(ISSUED[1]?.url ?? '').searchParams.get('k') ?? '';
const HASH_A = ISSUED[0]?.link.secretHash ?? '';
const HASH_B = ISSUED[1]?.link.secretHash ?? '';
const PLAN_IDS = samplePlan().items.map((item) => item.id);

function record(overrides: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return {
    approvalId: APPROVAL_ID,
    executionId: EXECUTION_ID,
    planKey: PLAN_KEY,
    accountId: '123456789012',
    taskToken: 'TASK-TOKEN-secret',
    approvers: ISSUED.map((i) => i.link),
    createdAt: '2025-06-01T12:00:00.000Z',
    expiresAt: '2025-06-02T12:00:00.000Z',
    status: 'pending',
    ...overrides,
  };
}

const earlier: DecisionRecord = {
  decision: 'approved',
  approver: 'b@example.com',
  decidedAt: '2025-06-01T12:30:00.000Z',
  sourceIp: '198.51.100.1',
  userAgent: 'UA',
  selection: PLAN_IDS,
};

function form(
  fields: [string, string][],
  csrf: string | null = formToken(KEY, APPROVAL_ID, HASH_A),
): RawForm {
  const all: [string, string][] = csrf === null ? fields : [['csrf', csrf], ...fields];
  return parseFormBody(new URLSearchParams(all).toString());
}

function post(fields: [string, string][], overrides: Partial<PostInput> = {}): ReturnType<typeof decidePost> {
  return decidePost({
    record: record(),
    secret: SECRET_A,
    signingKey: KEY,
    planItemIds: PLAN_IDS,
    form: form(fields),
    client: { sourceIp: '203.0.113.7', userAgent: 'Mozilla/5.0 (test)', fetchSite: 'same-origin' },
    now: NOW,
    ...overrides,
  });
}

const approveAll: [string, string][] = [
  ['action', 'approve'],
  ...PLAN_IDS.map((id): [string, string] => ['item', id]),
];

describe('viewApproval (GET)', () => {
  it('shows the form to a holder of a valid link, naming the approver it was issued to', () => {
    expect(viewApproval(record(), SECRET_B, NOW)).toEqual({ kind: 'form', approver: ISSUED[1]?.link });
  });

  it('answers not-found alike for no approval, a wrong secret and no secret', () => {
    expect(viewApproval(null, SECRET_A, NOW)).toEqual({ kind: 'not-found' });
    expect(viewApproval(record(), 'A'.repeat(43), NOW)).toEqual({ kind: 'not-found' });
    expect(viewApproval(record(), undefined, NOW)).toEqual({ kind: 'not-found' });
  });

  it('says who decided when it is decided, and that it expired when it has', () => {
    const decided = record({ status: 'approved', decision: earlier });

    expect(viewApproval(decided, SECRET_A, NOW)).toEqual({ kind: 'already-decided', approval: decided });
    expect(viewApproval(record(), SECRET_A, new Date('2025-06-02T12:00:00.000Z'))).toEqual({
      kind: 'expired',
      expiresAt: '2025-06-02T12:00:00.000Z',
    });
  });

  it('treats an unreadable expiry as expired', () => {
    expect(viewApproval(record({ expiresAt: 'soon' }), SECRET_A, NOW).kind).toBe('expired');
  });
});

describe('decidePost (POST)', () => {
  it('approves everything ticked, recording approver, time, source, browser and selection', () => {
    const outcome = post(approveAll);

    expect(outcome).toEqual({
      kind: 'decided',
      approver: ISSUED[0]?.link,
      decision: {
        decision: 'approved',
        approver: 'a@example.com',
        decidedAt: NOW.toISOString(),
        sourceIp: '203.0.113.7',
        userAgent: 'Mozilla/5.0 (test)',
        selection: PLAN_IDS,
      },
    });
  });

  it('approves a subset: the selection is exactly the ticked ids, in plan order, once each', () => {
    const ticked = [PLAN_IDS[3], PLAN_IDS[0], PLAN_IDS[3]] as string[];

    const outcome = post([['action', 'approve'], ...ticked.map((id): [string, string] => ['item', id])]);

    expect(outcome.kind === 'decided' && outcome.decision.selection).toEqual([PLAN_IDS[0], PLAN_IDS[3]]);
  });

  it('rejects with a reason, selecting nothing, whatever is ticked', () => {
    const outcome = post([
      ...approveAll.slice(1),
      ['action', 'reject'],
      ['reason', '  Carol is on leave.\r\n '],
    ]);

    expect(outcome.kind === 'decided' && outcome.decision).toMatchObject({
      decision: 'rejected',
      selection: [],
      reason: 'Carol is on leave.',
    });
  });

  it('keeps an optional reason given with an approval', () => {
    const outcome = post([...approveAll, ['reason', 'ticket SEC-42']]);

    expect(outcome.kind === 'decided' && outcome.decision.reason).toBe('ticket SEC-42');
  });

  it('refuses a rejection without a reason (400, the form again with the error)', () => {
    const outcome = post([
      ['action', 'reject'],
      ['reason', '   '],
    ]);

    expect(outcome).toMatchObject({ kind: 'invalid', error: expect.stringMatching(/reason to reject/) });
    expect(statusOf(outcome)).toBe(400);
    expect(post([['action', 'reject']])).toMatchObject({ kind: 'invalid' });
  });

  it('refuses an approval with nothing ticked', () => {
    expect(post([['action', 'approve']])).toMatchObject({
      kind: 'invalid',
      error: expect.stringMatching(/Tick at least one/),
    });
  });

  it('refuses ids that are not in the plan, and keeps what was asked to show it again', () => {
    const outcome = post([
      ['action', 'approve'],
      ['item', PLAN_IDS[0] ?? ''],
      ['item', 'mallory/AKIAEVIL'],
    ]);

    expect(outcome).toMatchObject({
      kind: 'invalid',
      error: expect.stringMatching(/not in this plan/),
      selected: [PLAN_IDS[0], 'mallory/AKIAEVIL'],
    });
  });

  it('refuses a missing, unknown or repeated action', () => {
    expect(post(approveAll.slice(1)).kind).toBe('invalid');
    expect(post([['action', 'delete'], ...approveAll.slice(1)]).kind).toBe('invalid');
    expect(post([['action', 'reject'], ...approveAll, ['reason', 'x']]).kind).toBe('invalid');
  });

  it(`refuses a reason over ${MAX_REASON_LENGTH} characters or with control characters`, () => {
    expect(
      post([
        ['action', 'reject'],
        ['reason', 'x'.repeat(MAX_REASON_LENGTH)],
      ]).kind,
    ).toBe('decided');
    expect(
      post([
        ['action', 'reject'],
        ['reason', 'x'.repeat(MAX_REASON_LENGTH + 1)],
      ]),
    ).toMatchObject({
      kind: 'invalid',
      error: expect.stringMatching(/too long/),
    });
    expect(
      post([
        ['action', 'reject'],
        ['reason', 'no\u0000pe'],
      ]),
    ).toMatchObject({ kind: 'invalid' });
  });

  it('refuses a reason it cannot show faithfully, naming the character and where it is', () => {
    const reasons: [string, RegExp][] = [
      ['fine\u202Eenif', /U\+202E RIGHT-TO-LEFT OVERRIDE at position 5/],
      ['a\u2066b', /U\+2066 LEFT-TO-RIGHT ISOLATE at position 2/],
      ['next\u0085line', /U\+0085 NEXT LINE at position 5/],
      ['zero\u200Bwidth', /U\+200B ZERO WIDTH SPACE at position 5/],
      ['esc\u001b]0;title\u0007', /U\+001B ESCAPE at position 4/],
      ['line\u2028sep', /U\+2028 LINE SEPARATOR/],
    ];
    for (const [reason, error] of reasons) {
      expect(
        post([
          ['action', 'reject'],
          ['reason', reason],
        ]),
      ).toMatchObject({ kind: 'invalid', error });
    }
    expect(
      post([
        ['action', 'reject'],
        ['reason', 'two\r\nlines\tand a tab, café 日本'],
      ]).kind,
    ).toBe('decided');
  });

  it('forbids a form without the token, with a wrong one, or with the token of another link', () => {
    const without = post(approveAll, { form: form(approveAll, null) });
    const wrong = post(approveAll, { form: form(approveAll, 'x'.repeat(43)) });
    const otherLink = post(approveAll, { form: form(approveAll, formToken(KEY, APPROVAL_ID, HASH_B)) });
    const twice = post(approveAll, {
      form: {
        ...form(approveAll),
        csrf: [formToken(KEY, APPROVAL_ID, HASH_A), formToken(KEY, APPROVAL_ID, HASH_A)],
      },
    });

    for (const outcome of [without, wrong, otherLink, twice]) expect(outcome).toEqual({ kind: 'forbidden' });
    expect(statusOf(without)).toBe(403);
  });

  it('forbids a request the browser marks cross-site or same-site, even with a valid token', () => {
    for (const fetchSite of ['cross-site', 'same-site', 'Cross-Site']) {
      const outcome = post(approveAll, { client: { sourceIp: 'x', userAgent: 'y', fetchSite } });
      expect(outcome).toEqual({ kind: 'forbidden' });
    }
    expect(post(approveAll, { client: { sourceIp: 'x', userAgent: 'y', fetchSite: 'none' } }).kind).toBe(
      'decided',
    );
    expect(post(approveAll, { client: { sourceIp: 'x', userAgent: 'y' } }).kind).toBe('decided');
  });

  it('answers not-found before anything else for a wrong link or an unknown approval', () => {
    expect(post(approveAll, { secret: 'B'.repeat(43) })).toEqual({ kind: 'not-found' });
    expect(post(approveAll, { record: null })).toEqual({ kind: 'not-found' });
  });

  it('refuses a second decision naming the first, and a decision after expiry', () => {
    const decided = record({ status: 'approved', decision: earlier });

    const again = post(approveAll, { record: decided });
    const late = post(approveAll, { now: new Date('2025-06-02T12:00:00.001Z') });

    expect(again).toEqual({ kind: 'already-decided', approval: decided });
    expect(statusOf(again)).toBe(409);
    expect(late).toEqual({ kind: 'expired', expiresAt: '2025-06-02T12:00:00.000Z' });
    expect(statusOf(late)).toBe(410);
  });

  it('keeps at most 512 characters of the user agent', () => {
    const outcome = post(approveAll, { client: { sourceIp: 'x', userAgent: 'u'.repeat(2000) } });

    expect(outcome.kind === 'decided' && outcome.decision.userAgent).toHaveLength(512);
  });
});

describe('callbackOutput', () => {
  it('counts approved and not approved items for the workflow', () => {
    expect(callbackOutput(APPROVAL_ID, { ...earlier, selection: PLAN_IDS.slice(0, 3) }, 4)).toEqual({
      decision: 'approved',
      approvalId: APPROVAL_ID,
      approver: 'b@example.com',
      decidedAt: earlier.decidedAt,
      approvedCount: 3,
      notApprovedCount: 1,
    });
    expect(callbackOutput(APPROVAL_ID, { ...earlier, decision: 'rejected', selection: [] }, 4)).toMatchObject(
      {
        decision: 'rejected',
        approvedCount: 0,
        notApprovedCount: 4,
      },
    );
  });
});

describe('parseFormBody', () => {
  it('keeps every value of a repeated field', () => {
    expect(parseFormBody('item=a%2Fb&item=c&action=approve&reason=a+b')).toEqual({
      item: ['a/b', 'c'],
      action: ['approve'],
      reason: ['a b'],
    });
  });
});

describe('keeping a whole account out (organization runs)', () => {
  const plan = sampleOrgPlan({ accounts: 3, perAccount: 2 });
  const ids = plan.items.map((item) => item.id);
  const accounts = accountItems(plan);
  const kept = orgAccountId(1);
  const orgPost = (fields: [string, string][]) => post(fields, { planItemIds: ids, accountItems: accounts });
  const tickAll = ids.map((id): [string, string] => ['item', id]);

  it('approves none of its credentials, even ticked, and records the account kept out', () => {
    const outcome = orgPost([['action', 'approve'], ...tickAll, ['keep-account', kept]]);

    expect(outcome.kind).toBe('decided');
    const decision = outcome.kind === 'decided' ? outcome.decision : null;
    expect(decision?.selection).toEqual(plan.items.filter((i) => i.accountId !== kept).map((i) => i.id));
    expect(decision?.keptOutAccounts).toEqual([kept]);
    expect(callbackOutput(APPROVAL_ID, decision as DecisionRecord, ids.length)).toMatchObject({
      approvedCount: 4,
      notApprovedCount: 2,
      keptOutAccountCount: 1,
    });
  });

  it('refuses an account that is not in the plan with a 400 naming the field, and keeps what was asked', () => {
    for (const stranger of ['999999999999', orgAccountId(3), orgAccountId(4), '<script>']) {
      const outcome = orgPost([['action', 'approve'], ...tickAll, ['keep-account', stranger]]);

      expect(outcome.kind).toBe('invalid');
      expect(statusOf(outcome)).toBe(400);
      const error = outcome.kind === 'invalid' ? outcome.error : '';
      expect(error).toContain('keep-account');
      expect(error).toContain('not an account with credentials in this plan');
      expect(error).not.toContain('<script>');
      expect(outcome).toMatchObject({ selected: ids, keptOut: [stranger] });
    }
  });

  it('refuses keep-account in a single-account plan, where there is no account to keep out', () => {
    const outcome = post([...approveAll, ['keep-account', '123456789012']]);

    expect(outcome.kind).toBe('invalid');
    expect(outcome.kind === 'invalid' && outcome.error).toContain('keep-account');
  });

  it('refuses to approve when every ticked credential is in an account kept out', () => {
    const only = plan.items.filter((i) => i.accountId === kept).map((i): [string, string] => ['item', i.id]);
    const outcome = orgPost([['action', 'approve'], ...only, ['keep-account', kept]]);

    expect(outcome.kind === 'invalid' && outcome.error).toContain(
      'Every ticked credential is in an account kept out',
    );
  });

  it('records no account kept out with a rejection', () => {
    const outcome = orgPost([
      ['action', 'reject'],
      ['reason', 'no'],
      ['keep-account', kept],
    ]);

    expect(outcome.kind === 'decided' && outcome.decision).toMatchObject({
      decision: 'rejected',
      selection: [],
    });
    expect(outcome.kind === 'decided' && outcome.decision.keptOutAccounts).toBeUndefined();
  });
});
