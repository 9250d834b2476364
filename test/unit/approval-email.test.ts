import { describe, expect, it } from 'vitest';
import { approvalSubject, EMAIL_MAX_ROWS, renderApprovalEmail } from '../../handlers/core/approval/email.js';
import { escapeHtml } from '../../handlers/core/shared/html.js';
import type { PlanItem } from '../../handlers/core/shared/types.js';
import { samplePlan } from '../helpers/memory-ports.js';
import { sampleOrgPlan } from '../helpers/org-plan.js';

const HOSTILE = '<img src=x onerror=alert(1)>';
const LINK = 'https://approve.example.com/prod/approvals/0b6f3c2e-1d2a-8c4b-9e3f-5a6b7c8d9e0f?k=abc';
const EXPIRES = '2025-06-02T12:00:00.000Z';

function hostileItem(overrides: Partial<PlanItem> = {}): PlanItem {
  return {
    id: `${HOSTILE}/AKIA${HOSTILE}`,
    userName: HOSTILE,
    credential: 'access-key-1',
    accessKeyId: `AKIA${HOSTILE}`,
    lastUsed: HOSTILE,
    daysUnused: 45,
    reason: 'unused',
    ...overrides,
  };
}

describe('approval email', () => {
  it('says in the subject how many credentials, in which account', () => {
    expect(approvalSubject(samplePlan())).toBe(
      'credsweep: approve disabling 4 unused credentials in 123456789012',
    );
    expect(approvalSubject(samplePlan(samplePlan().items.slice(0, 1)))).toBe(
      'credsweep: approve disabling 1 unused credential in 123456789012',
    );
  });

  it('lists every credential with user, credential, last used, days unused and why, in text and HTML', () => {
    const mail = renderApprovalEmail({
      plan: samplePlan(),
      approver: 'a@example.com',
      link: LINK,
      expiresAt: EXPIRES,
    });

    for (const body of [mail.text, mail.html]) {
      for (const heading of ['User', 'Credential', 'Last used', 'Days unused', 'Why'])
        expect(body).toContain(heading);
      expect(body).toContain('carol');
      expect(body).toContain('console password');
      expect(body).toContain('access key 1 (AKIAIOSFODNN7CAROL01)');
      expect(body).toContain('2025-03-02');
      expect(body).toContain('91');
      expect(body).toContain('never used since it was created');
      expect(body).toContain('unused for 30+ days');
    }
    expect(mail.html).toContain('ci+deploy@build');
    expect(mail.text).toContain('ci+deploy@build');
  });

  it('says what approve, reject and no answer do, when it expires, how to back out, and gives the link', () => {
    const mail = renderApprovalEmail({
      plan: samplePlan(),
      approver: 'a@example.com',
      link: LINK,
      expiresAt: EXPIRES,
    });

    for (const body of [mail.text, mail.html]) {
      expect(body).toContain('Approve');
      expect(body).toContain('Reject');
      expect(body).toContain('No answer');
      expect(body).toContain('expires at 2025-06-02 12:00 UTC and nothing is changed');
      expect(body).toContain(`credsweep backout ${samplePlan().executionId}`);
      expect(body).toContain('30 days or more');
      expect(body).toContain('Opening it changes nothing');
    }
    expect(mail.text).toContain(LINK);
    expect(mail.html).toContain(`href="${LINK}"`);
  });

  it('escapes every field of the HTML: user, key id, dates, account, execution, approver, link', () => {
    const plan = {
      ...samplePlan([hostileItem(), hostileItem({ credential: 'console-password', accessKeyId: undefined })]),
      accountId: HOSTILE,
      executionId: HOSTILE,
      asOf: HOSTILE,
      reportGeneratedAt: HOSTILE,
    };

    const mail = renderApprovalEmail({
      plan,
      approver: `"${HOSTILE}"@example.com`,
      link: `https://x.example.com/"><script>alert(1)</script>`,
      expiresAt: HOSTILE,
    });

    expect(mail.html).not.toMatch(/<img|<script|onerror=alert\(1\)>/);
    expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(mail.html).toContain('&quot;&gt;&lt;script&gt;');
    expect(mail.html.match(/<a /g)).toHaveLength(1);
    expect(mail.subject).toBe(`credsweep: approve disabling 2 unused credentials in ${HOSTILE}`);
  });

  it('does not make a link of anything but http(s)', () => {
    const mail = renderApprovalEmail({
      plan: samplePlan(),
      approver: 'a@example.com',
      link: 'javascript:alert(1)',
      expiresAt: EXPIRES,
    });

    expect(mail.html).not.toContain('href=');
  });

  it('replaces control and bidirectional-override characters, so names cannot disguise themselves or add lines', () => {
    const plan = samplePlan([hostileItem({ userName: 'eve\u202Egnp.exe\r\nBcc: x', id: 'eve/console' })]);

    const mail = renderApprovalEmail({ plan, approver: 'a@example.com', link: LINK, expiresAt: EXPIRES });

    expect(mail.html).not.toContain('\u202E');
    expect(mail.text).not.toContain('\u202E');
    expect(mail.text).not.toContain('\r');
    expect(mail.text).toContain('eve\uFFFDgnp.exe Bcc: x');
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });

  it(`lists at most ${EMAIL_MAX_ROWS} credentials and points to the page for the rest`, () => {
    const items = Array.from({ length: EMAIL_MAX_ROWS + 5 }, (_, i) =>
      hostileItem({ id: `user${i}/console`, userName: `user${i}`, credential: 'console-password' }),
    );

    const mail = renderApprovalEmail({
      plan: samplePlan(items),
      approver: 'a@example.com',
      link: LINK,
      expiresAt: EXPIRES,
    });

    expect(mail.html).toContain(`user${EMAIL_MAX_ROWS - 1}<`);
    expect(mail.html).not.toContain(`user${EMAIL_MAX_ROWS}<`);
    expect(mail.text).toContain('… and 5 more, all listed on the approval page.');
    expect(mail.subject).toContain(`${EMAIL_MAX_ROWS + 5} unused credentials`);
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML specials and the backtick', () => {
    expect(escapeHtml(`<a href="x" title='y'>&\`</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;',
    );
  });
});

describe('the organization approval mail', () => {
  it('sums the organization up in its first paragraph and says the page can keep an account out', () => {
    const plan = sampleOrgPlan({ accounts: 4, perAccount: 3 });
    const mail = renderApprovalEmail({ plan, approver: 'a@example.com', link: LINK, expiresAt: EXPIRES });
    const summary =
      '4 accounts in 3 OUs: 8 console passwords and 3 access keys proposed, 1 access key to DELETE (cannot be undone); 1 credential held because the owner was warned, 1 tag to fix. 1 other account had nothing to do.';

    expect(mail.text).toContain(summary);
    expect(mail.html).toContain(summary);
    expect(mail.text).toContain('can keep a whole account out');
    expect(
      renderApprovalEmail({ plan: samplePlan(), approver: 'a@example.com', link: LINK, expiresAt: EXPIRES })
        .text,
    ).not.toContain('keep a whole account out');
  });
});
