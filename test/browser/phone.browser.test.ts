/**
 * The approval pages on a phone (issue 24) and keeping a whole account out (issue 22), in headless
 * Chromium at 390 px wide (an iPhone 12–15 in portrait): the organization form, the account form
 * and the confirmation page never scroll sideways, whatever the length of the ARNs and user names;
 * a deletion is marked in its own row; a "keep out" box keeps an account out without any script.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ApprovalServer, startApprovalServer } from '../../cli/local/approval-server.js';
import { approvalIdFor } from '../../handlers/core/approval/links.js';
import type { Plan, PlanItem } from '../../handlers/core/shared/types.js';
import { requestApproval } from '../../handlers/request-approval.js';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import {
  EXECUTION_ID,
  linksIn,
  type MemoryPorts,
  memoryPorts,
  PLAN_KEY,
  putPlan,
  samplePlan,
} from '../helpers/memory-ports.js';
import { orgAccountId, sampleOrgPlan } from '../helpers/org-plan.js';

const available = chromiumAvailable('the approval page phone tests');

const PHONE = { width: 390, height: 844 };
const APPROVAL_ID = approvalIdFor(EXECUTION_ID);
const scrollWidth = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth');

/** Four credentials of users with IAM's longest names (64 characters). */
function longNamesPlan(): Plan {
  const items = samplePlan().items.map(
    (item, i): PlanItem => ({
      ...item,
      userName: `${item.userName}-integration-pipeline@build.eu-central-1.example.com`.slice(0, 64),
      id: `${i}/${'x'.repeat(120)}`,
    }),
  );
  return samplePlan(items);
}

describe.skipIf(!available)('approval pages at 390 px in headless Chromium', () => {
  let browser: Browser;
  let server: ApprovalServer | undefined;
  let page: Page | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    await page?.close();
    await server?.close();
  });

  /** Serves `plan` for approval by one approver and opens the mailed link at phone width. */
  async function open(plan: Plan): Promise<{ ports: MemoryPorts; page: Page }> {
    const ports = memoryPorts(
      { approverEmails: ['alice.sec@example.com'], deleteApprovalsRequired: 1 },
      new Date().toISOString(),
    );
    await putPlan(ports, plan);
    server = await startApprovalServer(ports, { port: 0 });
    ports.settings.approvalBaseUrl = server.url;
    await requestApproval({ taskToken: 'phone-token', executionId: EXECUTION_ID, planKey: PLAN_KEY }, ports);
    const [mail] = ports.mail.sent;
    page = await browser.newPage({ viewport: PHONE });
    const response = await page.goto(mail ? (linksIn(mail)[0] ?? '') : '');
    expect(response?.status()).toBe(200);
    return { ports, page };
  }

  it('the organization page of 40 accounts fits 390 px: tables stack, a deletion is marked in its row', async () => {
    const plan = sampleOrgPlan({ accounts: 40, perAccount: 4 });
    const { page } = await open(plan);

    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
    // Stacked: the credential table's cells are blocks, each with its column's name before it.
    const display = "getComputedStyle(document.querySelector('table.items td')).display";
    expect(await page.evaluate<string>(display)).toBe('block');
    const deleted = plan.items.find((i) => i.action === 'delete-access-key');
    const row = page.locator('tr', { has: page.locator(`input[value="${deleted?.id}"]`) });
    await expect.poll(() => row.locator('.badge.delete').isVisible()).toBe(true);
    expect(await row.locator('.badge.delete').textContent()).toBe('DELETE · cannot be undone');
    const box = await row.boundingBox();
    expect((box?.x ?? 0) + (box?.width ?? Number.POSITIVE_INFINITY)).toBeLessThanOrEqual(PHONE.width);
    // Every account's keep-out box is on the screen's width, and so is the Approve button.
    for (const keep of (await page.locator('input[name="keep-account"]').all()).slice(0, 5)) {
      const at = await keep.boundingBox();
      expect((at?.x ?? 0) + (at?.width ?? 0)).toBeLessThanOrEqual(PHONE.width);
    }
    const approve = await page.getByRole('button', { name: 'Approve ticked credentials' }).boundingBox();
    expect((approve?.x ?? 0) + (approve?.width ?? 0)).toBeLessThanOrEqual(PHONE.width);
  });

  it('the account page with 64-character user names and its confirmation fit 390 px', async () => {
    const { page } = await open(longNamesPlan());

    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await page.getByRole('button', { name: 'Approve ticked credentials' }).click();
    await page.getByRole('heading', { name: 'Approved', exact: true }).waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
  });

  it('keeping an account out on the page approves none of its credentials; the confirmation names it', async () => {
    const plan = sampleOrgPlan({ accounts: 3, perAccount: 3 });
    const kept = orgAccountId(1);
    const { ports, page } = await open(plan);

    await page
      .getByRole('checkbox', { name: `Keep ${plan.organization?.accounts[1]?.name} (${kept}) out` })
      .check();
    await page.getByRole('button', { name: 'Approve ticked credentials' }).click();
    await page.getByRole('heading', { name: 'Approved', exact: true }).waitFor();

    const stored = await ports.store.getApproval(APPROVAL_ID);
    expect(stored?.decision?.keptOutAccounts).toEqual([kept]);
    expect(stored?.decision?.selection).toEqual(
      plan.items.filter((i) => i.accountId !== kept).map((i) => i.id),
    );
    const body = (await page.textContent('body')) ?? '';
    expect(body).toContain('Approved: 6 credentials will be disabled; 3 not approved, left as they are.');
    expect(body).toContain(`Accounts kept out (none of their credentials is approved)`);
    expect(body).toContain(`workload-0001-eu-central-1-production (${kept})`);
    expect(ports.callbacks.calls[0]?.output).toMatchObject({ approvedCount: 6, keptOutAccountCount: 1 });
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
  });
});
