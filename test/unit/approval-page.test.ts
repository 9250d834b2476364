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
import { orgAccountId, sampleOrgPlan } from '../helpers/org-plan.js';

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

describe('the organization approval page', () => {
  const plan = sampleOrgPlan({ accounts: 4, perAccount: 3 });
  const formOf = (extra: Partial<Parameters<typeof renderFormPage>[0]> = {}) =>
    renderFormPage({ plan, record, approver: APPROVER, csrfToken: 'csrf-token', ...extra });
  const summaryOf = (html: string) => /<table class="summary">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
  const rowOf = (html: string, label: string) =>
    new RegExp(`<tr><th scope="row" class="account-name">${label}</th>(.*?)</tr>`).exec(html)?.[1] ?? '';

  it('opens with a summary per OU and account: passwords, keys, deletions, owners warned, tags to fix', () => {
    const html = formOf();
    const summary = summaryOf(html);

    expect(html.indexOf('class="summary"')).toBeLessThan(html.indexOf('class="items"'));
    expect(html).toContain(
      '4 accounts in 3 OUs: 8 console passwords and 3 access keys proposed, 1 access key to DELETE (cannot be undone); 1 credential held because the owner was warned, 1 tag to fix. 1 other account had nothing to do.',
    );
    expect(summary).toContain('OU ou-a1b2-workloads: 2 accounts');
    const cellsOf = (row: string) =>
      [...row.matchAll(/<td class="num[^"]*"[^>]*>(\d+)<\/td>/g)].map((m) => m[1]);
    // payments-prod: 2 passwords, 1 key, no deletion, 1 owner warned, no tag to fix.
    expect(cellsOf(rowOf(summary, 'payments-prod \\(200000000000\\)'))).toEqual(['2', '1', '0', '1', '0']);
    // workload-0001: its key is proposed for deletion.
    expect(cellsOf(rowOf(summary, 'workload-0001-eu-central-1-production \\(200000000001\\)'))).toEqual([
      '2',
      '0',
      '1',
      '0',
      '0',
    ]);
    // workload-0003: one tag to fix.
    expect(cellsOf(rowOf(summary, 'workload-0003-eu-central-1-production \\(200000000003\\)'))[4]).toBe('1');
    expect(summary).not.toContain('legacy-unreachable');
  });

  it('has one "keep out" box per account with credentials proposed, unticked, inside the form', () => {
    const html = formOf();
    const boxes = [...html.matchAll(/<input type="checkbox" name="keep-account" value="(\d+)"([^>]*)>/g)];

    expect(boxes.map((b) => b[1])).toEqual(
      [0, 1, 2, 3].map(orgAccountId).sort((a, b) => {
        const ou = (id: string) => plan.organization?.accounts.find((x) => x.accountId === id)?.ou ?? '';
        return ou(a).localeCompare(ou(b));
      }),
    );
    expect(boxes.every((b) => !b[2]?.includes('checked'))).toBe(true);
    expect(html.indexOf('name="keep-account"')).toBeGreaterThan(html.indexOf('<form method="post">'));
    expect(html.indexOf('name="keep-account"')).toBeLessThan(html.indexOf('</form>'));
  });

  it('after a refused form keeps the accounts ticked; an account an earlier approver kept out stays out', () => {
    const earlierApproval: DecisionRecord = {
      ...decision,
      selection: plan.items.filter((i) => i.accountId !== orgAccountId(2)).map((i) => i.id),
      keptOutAccounts: [orgAccountId(2)],
    };
    const html = formOf({
      keptOut: [orgAccountId(1)],
      record: { ...record, approvalsRequired: 2, approvals: [earlierApproval] },
    });

    expect(html).toMatch(new RegExp(`value="${orgAccountId(1)}" checked aria-label`));
    expect(html).toMatch(new RegExp(`value="${orgAccountId(2)}" checked disabled`));
    expect(html).toContain('(kept out by an earlier approver)');
  });

  it('marks a deletion in its own row of the credential table', () => {
    const html = formOf();
    const deleted = plan.items.find((i) => i.action === 'delete-access-key');
    const row = [...html.matchAll(/<tr class="delete">(.*?)<\/tr>/g)].map((m) => m[1] ?? '');

    expect(row).toHaveLength(1);
    expect(row[0]).toContain(`value="${deleted?.id}"`);
    expect(row[0]).toContain('<span class="badge delete">DELETE · cannot be undone</span>');
  });
});

describe('the confirmation page counts what will change', () => {
  it('counts disables and deletions apart and calls the unticked "not approved"', () => {
    const plan = sampleOrgPlan({ accounts: 2, perAccount: 3 });
    const unticked = plan.items[0]?.id;
    const html = renderDecidedPage(plan, {
      ...decision,
      selection: plan.items.filter((i) => i.id !== unticked).map((i) => i.id),
    });

    expect(html).toContain(
      'Approved: 4 credentials will be disabled and 1 access key deleted (cannot be undone); 1 not approved, left as it is.',
    );
    expect(html).toContain('<h2>Not approved (left as they are)</h2>');
    expect(html).not.toMatch(/skipped/i);
  });

  it('counts password resets apart, and a deletion alone', () => {
    const plan = sampleOrgPlan({ accounts: 2, perAccount: 3 });
    const reset = {
      ...plan,
      items: plan.items.map((i) =>
        i.credential === 'console-password' ? { ...i, action: 'reset-login-profile' as const } : i,
      ),
    };
    const all = plan.items.map((i) => i.id);
    const deletion = plan.items.filter((i) => i.action === 'delete-access-key').map((i) => i.id);

    expect(renderDecidedPage(reset, { ...decision, selection: all })).toContain(
      'Approved: 1 credential will be disabled, 4 console passwords reset (cannot be undone) and 1 access key deleted (cannot be undone).',
    );
    expect(renderDecidedPage(plan, { ...decision, selection: deletion })).toContain(
      'Approved: 1 access key will be deleted (cannot be undone); 5 not approved, left as they are.',
    );
  });

  it('names the accounts kept out, and does not list their credentials one by one', () => {
    const plan = sampleOrgPlan({ accounts: 3, perAccount: 2 });
    const kept = orgAccountId(1);
    const html = renderDecidedPage(plan, {
      ...decision,
      selection: plan.items.filter((i) => i.accountId !== kept).map((i) => i.id),
      keptOutAccounts: [kept],
    });

    expect(html).toContain('Accounts kept out (none of their credentials is approved)');
    expect(html).toContain(`<li>workload-0001-eu-central-1-production (${kept})</li>`);
    expect(html).not.toContain('<h2>Not approved (left as they are)</h2>');
    expect(html).toContain('; 2 not approved, left as they are.');
  });
});
