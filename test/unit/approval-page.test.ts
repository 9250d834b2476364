import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { approvalIdFor, issueLinks } from '../../handlers/core/approval/links.js';
import {
  CONTENT_SECURITY_POLICY,
  renderAlreadyDecidedPage,
  renderCountedPage,
  renderDecidedPage,
  renderErrorPage,
  renderExpiredPage,
  renderForbiddenPage,
  renderFormPage,
  renderNotFoundPage,
  renderTooLargePage,
  renderTryAgainPage,
  renderWindowClosedPage,
  securityHeaders,
} from '../../handlers/core/approval/page.js';
import type { ApprovalRecord, DecisionRecord, PlanItem } from '../../handlers/core/shared/types.js';
import { EXECUTION_ID, PLAN_KEY, samplePlan } from '../helpers/memory-ports.js';

const HOSTILE = '<img src=x onerror=alert(1)>';
const APPROVAL_ID = approvalIdFor(EXECUTION_ID);
const [ISSUED] = issueLinks('https://approve.example.com/prod', APPROVAL_ID, ['a@example.com']);
const APPROVER = ISSUED?.link ?? { approver: 'a@example.com', secretHash: '0'.repeat(64) };
const TOKEN = 'TASK-TOKEN-must-never-appear';

const record: ApprovalRecord = {
  approvalId: APPROVAL_ID,
  executionId: EXECUTION_ID,
  planKey: PLAN_KEY,
  accountId: '123456789012',
  taskToken: TOKEN,
  approvers: [APPROVER],
  createdAt: '2025-06-01T12:00:00.000Z',
  expiresAt: '2025-06-02T12:00:00.000Z',
  status: 'pending',
};

const decision: DecisionRecord = {
  decision: 'approved',
  approver: 'a@example.com',
  decidedAt: '2025-06-01T12:34:00.000Z',
  sourceIp: '203.0.113.7',
  userAgent: 'UA',
  selection: samplePlan()
    .items.slice(1)
    .map((item) => item.id),
};

const hostileItem: PlanItem = {
  id: `${HOSTILE}/"><b>x</b>`,
  userName: HOSTILE,
  credential: 'access-key-2',
  accessKeyId: `"${HOSTILE}`,
  lastUsed: HOSTILE,
  daysUnused: 50,
  reason: 'unused',
};

const styleOf = (html: string) => /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';

const allPages = (): string[] => [
  renderFormPage({ plan: samplePlan(), record, approver: APPROVER, csrfToken: 'csrf-token' }),
  renderDecidedPage(samplePlan(), decision),
  renderDecidedPage(samplePlan(), { ...decision, decision: 'rejected', selection: [], reason: 'no' }),
  renderAlreadyDecidedPage({ ...record, status: 'approved', decision }),
  renderExpiredPage(record.expiresAt),
  renderWindowClosedPage(decision),
  renderTryAgainPage(APPROVAL_ID, decision, 'csrf-token'),
  renderCountedPage(samplePlan(), { ...record, approvalsRequired: 2, approvals: [decision] }, false),
  renderNotFoundPage(),
  renderForbiddenPage(),
  renderTooLargePage(),
  renderErrorPage(),
];

describe('security headers', () => {
  it('set a strict CSP, no-store, no-referrer, nosniff and DENY', () => {
    const headers = securityHeaders();

    expect(headers).toMatchObject({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
    });
    const directives = CONTENT_SECURITY_POLICY.split('; ');
    expect(directives).toEqual([
      "default-src 'none'",
      expect.stringMatching(/^style-src 'sha256-[A-Za-z0-9+/]{43}='$/),
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ]);
    expect(headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
  });

  it("allow exactly the page's one stylesheet, by its hash", () => {
    for (const html of allPages()) {
      const hash = createHash('sha256').update(styleOf(html)).digest('base64');
      expect(CONTENT_SECURITY_POLICY).toContain(`'sha256-${hash}'`);
      expect(html.match(/<style>/g)).toHaveLength(1);
    }
  });
});

describe('pages', () => {
  it('use no script, no inline style attribute, no external asset and never the task token', () => {
    for (const html of allPages()) {
      expect(html).not.toMatch(/<script|\son\w+=|style="|<link|<img|src=|https?:\/\//i);
      expect(html).not.toContain(TOKEN);
    }
  });

  it('form: lists passwords set again since a last sign-in N+ days ago as not proposed, with both dates', () => {
    const base = samplePlan();
    const plan = {
      ...base,
      analysis: {
        ...base.analysis,
        skipped: [
          {
            userName: 'dana',
            reason: 'reset-recently' as const,
            credential: 'console-password' as const,
            lastUsed: '2025-02-01T09:00:00.000Z',
            createdAt: '2025-05-28T10:00:00.000Z',
            daysUnused: 4,
          },
        ],
      },
    };

    const html = renderFormPage({ plan, record, approver: APPROVER, csrfToken: 'csrf-token' });

    expect(html).toContain('Not proposed: passwords set again since their last use');
    expect(html).toMatch(
      /<td[^>]*>dana<\/td><td[^>]*>console password<\/td><td[^>]*>2025-02-01<\/td><td[^>]*>2025-05-28<\/td><td[^>]*>4<\/td>/,
    );
    expect(html).not.toContain('value="dana/');
  });

  it('form: a ticked checkbox per credential, the csrf token, a reason box, Approve and Reject', () => {
    const plan = samplePlan();

    const html = renderFormPage({ plan, record, approver: APPROVER, csrfToken: 'csrf-token' });

    const boxes = [...html.matchAll(/<input type="checkbox"[^>]*>/g)].map((m) => m[0]);
    expect(boxes).toHaveLength(plan.items.length);
    for (const [index, item] of plan.items.entries()) {
      expect(boxes[index]).toContain(`name="item" value="${item.id}" checked`);
    }
    expect(html).toContain('<form method="post">');
    expect(html).toContain('<input type="hidden" name="csrf" value="csrf-token">');
    expect(html).toContain('<textarea id="reason" name="reason"');
    expect(html).toContain('<button type="submit" name="action" value="approve"');
    expect(html).toContain('<button type="submit" name="action" value="reject"');
    expect(html).toContain('a@example.com');
    expect(html).toContain('2025-06-02 12:00 UTC');
    expect(html).toContain(`credsweep backout ${EXECUTION_ID}`);
  });

  it('form after an error: shows it, keeps the ticks and the reason', () => {
    const plan = samplePlan();

    const html = renderFormPage({
      plan,
      record,
      approver: APPROVER,
      csrfToken: 'csrf-token',
      error: 'Give a reason to reject.',
      selected: [plan.items[1]?.id ?? ''],
      reason: 'half a reason',
    });

    expect(html).toContain('<div class="error" role="alert">Give a reason to reject.</div>');
    expect(html.match(/<input type="checkbox"[^>]* checked/g)).toHaveLength(1);
    expect(html).toContain(`value="${plan.items[1]?.id}" checked`);
    expect(html).toContain('>half a reason</textarea>');
  });

  it('escape every field: user, key id, item id, dates, account, execution, approver, error, reason', () => {
    const plan = {
      ...samplePlan([hostileItem]),
      accountId: HOSTILE,
      executionId: HOSTILE,
      reportGeneratedAt: HOSTILE,
    };
    const hostileDecision: DecisionRecord = {
      ...decision,
      approver: HOSTILE,
      decidedAt: HOSTILE,
      reason: `</textarea>${HOSTILE}`,
      selection: [],
    };

    const pages = [
      renderFormPage({
        plan,
        record: { ...record, expiresAt: HOSTILE },
        approver: { ...APPROVER, approver: HOSTILE },
        csrfToken: `"><${HOSTILE}`,
        error: HOSTILE,
        reason: `</textarea>${HOSTILE}`,
      }),
      renderDecidedPage(plan, hostileDecision),
      renderDecidedPage(plan, { ...hostileDecision, decision: 'rejected' }),
      renderAlreadyDecidedPage({ ...record, status: 'rejected', decision: hostileDecision }),
      renderExpiredPage(HOSTILE),
      renderWindowClosedPage(hostileDecision),
      renderTryAgainPage(HOSTILE, hostileDecision, HOSTILE),
    ];

    for (const html of pages) {
      expect(html).not.toMatch(/<img|<b>|<\/textarea><|"><</);
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    }
  });

  it('decided: what was approved and what was not, by whom and when', () => {
    const html = renderDecidedPage(samplePlan(), decision);

    expect(html).toContain('Approved: 3 credentials will be disabled; 1 not approved, left as it is.');
    expect(html).toContain('carol: console password');
    expect(html).toContain('2025-06-01 12:34 UTC');
  });

  it('rejected: nothing changes, the reason is shown', () => {
    const html = renderDecidedPage(samplePlan(), {
      ...decision,
      decision: 'rejected',
      selection: [],
      reason: 'On leave',
    });

    expect(html).toContain('Rejected: nothing will be changed.');
    expect(html).toContain('On leave');
  });

  it('already decided: names who decided and when', () => {
    const html = renderAlreadyDecidedPage({ ...record, status: 'approved', decision });

    expect(html).toContain('This request was already approved by a@example.com at 2025-06-01 12:34 UTC.');
  });

  it('expired: says so and that nothing changed', () => {
    const html = renderExpiredPage(record.expiresAt);

    expect(html).toContain('The approval window closed at 2025-06-02 12:00 UTC.');
    expect(html).toContain('Nothing was changed');
  });

  it('not found: reveals nothing about the approval', () => {
    const html = renderNotFoundPage();

    expect(html).toContain('<title>Not found</title>');
    expect(html).not.toContain(APPROVAL_ID);
    expect(/<main>([\s\S]*)<\/main>/.exec(html)?.[1]).not.toMatch(/expired|approv|decided/i);
  });
});
