/**
 * The whole local product in a real browser: `credsweep demo` without --auto-*, the approval link
 * taken from the mail in the local outbox, a person's clicks in headless Chromium, and the sandbox
 * account checked afterwards.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../cli/local/demo-run.js';
import { SAMPLE_EXEMPT_USERS, sampleSeed } from '../../cli/local/sample-account.js';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import { NOW } from '../helpers/seeds.js';

const available = chromiumAvailable('the demo browser tests');

/** The approval link in the newest mail of the outbox, as a person would copy it. */
function linkFromOutbox(home: string): string {
  const dir = join(home, 'outbox');
  const newest =
    readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort()
      .pop() ?? '';
  const mail = JSON.parse(readFileSync(join(dir, newest), 'utf8')) as { text: string };
  const link = /http:\/\/127\.0\.0\.1:\d+\/approvals\/\S+/.exec(mail.text)?.[0];
  if (!link) throw new Error('no approval link in the mail');
  return link;
}

describe.skipIf(!available)('credsweep demo, approved in a browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function demoWith(act: (link: string) => Promise<void>) {
    const home = mkdtempSync(join(tmpdir(), 'credsweep-browser-'));
    let clicked: Promise<void> = Promise.resolve();
    let acting = false;
    const result = await runDemo({
      seed: sampleSeed(NOW),
      now: NOW,
      home,
      approval: 'manual',
      exemptUsers: [...SAMPLE_EXEMPT_USERS],
      // The first approver's mail (the local configuration has two approvers; one approval decides).
      onApprovalLink: () => {
        if (!acting) clicked = act(linkFromOutbox(home));
        acting = true;
      },
    });
    await clicked;
    return result;
  }

  it('unticking one credential leaves exactly that one enabled in the account', async () => {
    const result = await demoWith(async (link) => {
      const page = await browser.newPage();
      for (let i = 0; i < 3; i++) await page.goto(link); // fetching the link decides nothing
      await page.getByRole('checkbox', { name: /bob\.martinez console password/i }).uncheck();
      await page.getByRole('button', { name: 'Approve ticked credentials' }).click();
      await page.getByRole('heading', { name: 'Approved', exact: true }).waitFor();
      await page.close();
    });
    expect(result).toMatchObject({ status: 'SUCCEEDED', outcome: 'remediated' });
    const after = result.sandbox.toSeed();
    const user = (name: string) => after.users.find((u) => u.userName === name);
    expect(user('bob.martinez')?.loginProfile).not.toBeNull();
    expect(user('carol.nguyen')?.loginProfile).toBeNull();
    expect(result.changes.map((c) => c.userName)).not.toContain('bob.martinez');
    expect(result.changes).toHaveLength(7);
  });

  it('rejecting with a reason changes nothing and records the reason', async () => {
    const result = await demoWith(async (link) => {
      const page = await browser.newPage();
      await page.goto(link);
      await page.getByLabel(/^Reason/).fill('Quarter-end freeze: not this week.');
      await page.getByRole('button', { name: 'Reject all' }).click();
      await page.getByRole('heading', { name: 'Rejected', exact: true }).waitFor();
      await page.close();
    });
    expect(result).toMatchObject({ status: 'FAILED', outcome: 'rejected', changes: [] });
    expect(result.sandbox.toSeed()).toEqual(sampleSeed(NOW));
    expect(readFileSync(join(result.evidenceDir, 'evidence.json'), 'utf8')).toContain(
      'Quarter-end freeze: not this week.',
    );
  });
});
