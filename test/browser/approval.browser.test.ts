/**
 * The approval page in a real browser: Debian's Chromium, headless, driven by playwright-core, on
 * the page served by the local approval server over in-memory ports. Skipped (with a message) only
 * when /usr/bin/chromium is not installed; `.ci/run` installs it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ApprovalServer, startApprovalServer } from '../../cli/local/approval-server.js';
import { approvalIdFor } from '../../handlers/core/approval/links.js';
import type { Plan } from '../../handlers/core/shared/types.js';
import { requestApproval } from '../../handlers/request-approval.js';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import {
  EXECUTION_ID,
  linksIn,
  type MemoryPorts,
  memoryPorts,
  PLAN_KEY,
  putPlan,
} from '../helpers/memory-ports.js';

const available = chromiumAvailable('the approval page browser tests');

const TOKEN = 'browser-test-task-token';
const APPROVAL_ID = approvalIdFor(EXECUTION_ID);

describe.skipIf(!available)('approval page in headless Chromium', () => {
  let browser: Browser;
  let server: ApprovalServer;
  let ports: MemoryPorts;
  let plan: Plan;
  let link: string;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    ports = memoryPorts({ approverEmails: ['alice.sec@example.com'] }, new Date().toISOString());
    plan = await putPlan(ports);
    server = await startApprovalServer(ports, { port: 0 });
    ports.settings.approvalBaseUrl = server.url;
    await requestApproval({ taskToken: TOKEN, executionId: EXECUTION_ID, planKey: PLAN_KEY }, ports);
    const [mail] = ports.mail.sent;
    link = mail ? (linksIn(mail)[0] ?? '') : '';
    page = await browser.newPage();
    problems = [];
    page.on('console', (message) => {
      // A refused resource (CSP) or a script error is a problem; a 4xx answer the test asks for is not.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        problems.push(message.text());
      }
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });

  afterEach(async () => {
    await page?.close();
    await server?.close();
  });

  it('opening the link decides nothing; unticking one credential and approving disables only the rest', async () => {
    expect(link.startsWith(`${server.url}/approvals/${APPROVAL_ID}?k=`)).toBe(true);
    for (let visit = 0; visit < 3; visit++) {
      const response = await page.goto(link);
      expect(response?.status()).toBe(200);
    }
    expect((await ports.store.getApproval(APPROVAL_ID))?.status).toBe('pending');
    expect(ports.callbacks.calls).toEqual([]);

    const checkboxes = page.locator('input[type=checkbox][name=item]');
    await expect.poll(() => checkboxes.count()).toBe(plan.items.length);
    for (const box of await checkboxes.all()) expect(await box.isChecked()).toBe(true);
    const approveButton = page.getByRole('button', { name: 'Approve ticked credentials' });
    const approveColor = "getComputedStyle(document.querySelector('button.approve')).backgroundColor";
    expect(await page.evaluate(approveColor)).toBe('rgb(31, 136, 61)');

    const kept = plan.items[2];
    await page
      .getByRole('checkbox', { name: `Disable ${kept?.userName} access key 2 (${kept?.accessKeyId})` })
      .uncheck();
    await approveButton.click();
    await page.getByRole('heading', { name: 'Approved', exact: true }).waitFor();

    expect(await page.textContent('body')).toContain(
      'Approved: 3 credentials will be disabled; 1 not approved',
    );
    const stored = await ports.store.getApproval(APPROVAL_ID);
    expect(stored?.status).toBe('approved');
    expect(stored?.decision).toMatchObject({
      decision: 'approved',
      approver: 'alice.sec@example.com',
      sourceIp: '127.0.0.1',
      userAgent: expect.stringMatching(/Chrome/),
      selection: plan.items.filter((item) => item.id !== kept?.id).map((item) => item.id),
    });
    expect(ports.callbacks.calls).toEqual([
      {
        kind: 'success',
        taskToken: TOKEN,
        output: {
          decision: 'approved',
          approvalId: APPROVAL_ID,
          approver: 'alice.sec@example.com',
          decidedAt: stored?.decision?.decidedAt,
          approvedCount: 3,
          notApprovedCount: 1,
        },
      },
    ]);

    const again = await page.goto(link);
    expect(again?.status()).toBe(409);
    expect(await page.textContent('body')).toContain('already approved by alice.sec@example.com');
    expect(ports.callbacks.calls).toHaveLength(1);
    expect(problems).toEqual([]);
  });

  it('rejecting needs a reason; with one, nothing is selected and the workflow is told "rejected"', async () => {
    await page.goto(link);
    const rejectButton = page.getByRole('button', { name: 'Reject all' });

    await rejectButton.click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('Give a reason to reject');
    expect((await ports.store.getApproval(APPROVAL_ID))?.status).toBe('pending');

    await page.getByLabel(/^Reason/).fill('Carol returns from leave next week; <b>not</b> now.');
    await rejectButton.click();
    await page.getByRole('heading', { name: 'Rejected', exact: true }).waitFor();

    expect(await page.textContent('body')).toContain('Carol returns from leave next week; <b>not</b> now.');
    const stored = await ports.store.getApproval(APPROVAL_ID);
    expect(stored?.decision).toMatchObject({
      decision: 'rejected',
      selection: [],
      reason: 'Carol returns from leave next week; <b>not</b> now.',
    });
    expect(ports.callbacks.calls).toHaveLength(1);
    expect(ports.callbacks.calls[0]?.output).toMatchObject({
      decision: 'rejected',
      approvedCount: 0,
      notApprovedCount: plan.items.length,
    });
    expect(problems).toEqual([]);
  });

  it('a form posted from another site is refused, even with a valid form token, and decides nothing', async () => {
    await page.goto(link);
    const csrf = await page.locator('input[name=csrf]').inputValue();
    const attacker = await browser.newPage();
    try {
      await attacker.setContent(
        `<form method="post" action="${link}"><input name="csrf" value="${csrf}">` +
          `<input name="action" value="approve"><input name="item" value="${plan.items[0]?.id}">` +
          '<button>go</button></form>',
      );
      const [response] = await Promise.all([
        attacker.waitForResponse((r) => r.url() === link && r.request().method() === 'POST'),
        attacker.click('button'),
      ]);

      expect(response.status()).toBe(403);
      expect(await response.request().headerValue('sec-fetch-site')).toBe('cross-site');
    } finally {
      await attacker.close();
    }
    expect((await ports.store.getApproval(APPROVAL_ID))?.status).toBe('pending');
    expect(ports.callbacks.calls).toEqual([]);
  });
});
