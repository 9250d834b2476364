/**
 * Two people for one run (issue 26), in a real browser: `credsweep demo --approvers alma,bo
 * --approvals-required 2` on an account with six stale access keys. Alma unticks one and approves:
 * her page says another approval is needed and nothing has changed, and her link cannot approve
 * again. Bo approves everything offered: exactly the five both approved are deactivated.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../cli/local/demo-run.js';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import { NOW, sixStaleSeed } from '../helpers/seeds.js';

const available = chromiumAvailable('the quorum browser test');
const ALMA = 'alma.sec@example.com';
const BO = 'bo.sec@example.com';

/** Every mail of the outbox, oldest first. */
function outbox(home: string): { to: string[]; subject: string; text: string }[] {
  const dir = join(home, 'outbox');
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')));
}

describe.skipIf(!available)('an approval quorum of two, in a browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('changes exactly what both approvers approved, and only after the second approval', async () => {
    const home = mkdtempSync(join(tmpdir(), 'credsweep-quorum-'));
    const links = new Map<string, string>();
    const seen: Record<string, string> = {};
    let acted: Promise<void> = Promise.resolve();

    const act = async () => {
      const alma = await browser.newPage();
      await alma.goto(links.get(ALMA) ?? '');
      await alma.getByRole('checkbox', { name: /quorum-6/ }).uncheck();
      await alma.getByRole('button', { name: 'Approve ticked credentials' }).click();
      await alma.getByRole('heading', { name: 'Your approval is recorded' }).waitFor();
      seen.almaAfter = (await alma.locator('main').textContent()) ?? '';
      seen.ledgerAfterAlma = String(existsSync(join(home, 'store', 'ledger')));

      // Her link again: it cannot approve a second time.
      const again = await alma.goto(links.get(ALMA) ?? '');
      seen.almaAgainStatus = String(again?.status());
      seen.almaAgain = (await alma.locator('main').textContent()) ?? '';
      seen.almaAgainButtons = String(
        await alma.getByRole('button', { name: 'Approve ticked credentials' }).count(),
      );
      await alma.close();

      const bo = await browser.newPage();
      await bo.goto(links.get(BO) ?? '');
      seen.boForm = (await bo.locator('#progress').textContent()) ?? '';
      await bo.getByRole('button', { name: 'Approve ticked credentials' }).click();
      await bo.getByRole('heading', { name: 'Approved', exact: true }).waitFor();
      seen.boAfter = (await bo.locator('main').textContent()) ?? '';
      await bo.close();
    };

    const result = await runDemo({
      seed: sixStaleSeed(),
      now: NOW,
      home,
      approval: 'manual',
      approvers: [ALMA, BO],
      approvalsRequired: 2,
      onApprovalLink: (url, approver) => {
        links.set(approver, url);
        if (links.size === 2) acted = act();
      },
    });
    await acted;

    expect(seen.almaAfter).toContain(
      'Nothing has changed yet: 1 more approval from another approver is needed',
    );
    expect(seen.almaAfter).toContain(`${ALMA} approved 5 of 6`);
    expect(seen.ledgerAfterAlma).toBe('false');
    expect(seen.almaAgainStatus).toBe('409');
    expect(seen.almaAgain).toContain('You have already approved');
    expect(seen.almaAgainButtons).toBe('0');
    expect(seen.boForm).toContain(`${ALMA} approved 5 of 6`);
    expect(seen.boForm).toContain('approving now approves those 5');
    expect(seen.boAfter).toContain('Approved: 5 credentials will be disabled; 1 not approved');
    expect(result).toMatchObject({ status: 'SUCCEEDED', outcome: 'remediated' });
    expect(result.changes.map((c) => c.userName).sort()).toEqual([
      'quorum-1',
      'quorum-2',
      'quorum-3',
      'quorum-4',
      'quorum-5',
    ]);
    const after = result.sandbox.toSeed();
    expect(after.users.find((u) => u.userName === 'quorum-6')?.accessKeys[0]?.status).toBe('Active');
    const mails = outbox(home);
    expect(mails.filter((m) => /\/approvals\//.test(m.text)).map((m) => m.to)).toEqual([[ALMA], [BO]]);
    expect(mails.find((m) => m.subject.includes('1 of 2 approvals'))?.to).toEqual([BO]);
    const evidence = readFileSync(join(result.evidenceDir, 'evidence.json'), 'utf8');
    expect(evidence).toContain(ALMA);
    expect(evidence).toContain(BO);
  });
});
