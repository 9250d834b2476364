/**
 * Screenshots for docs/approver-guide.md: the approval email, the approval page and the page after
 * approving, rendered by the real templates and the local approval server over in-memory ports, in
 * headless Debian Chromium. Run: `npx tsx scripts/screenshots.ts` (needs /usr/bin/chromium).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApprovalServer } from '../cli/local/approval-server.js';
import { requestApproval } from '../handlers/request-approval.js';
import { CHROMIUM, launchChromium } from '../test/helpers/chromium.js';
import { EXECUTION_ID, linksIn, memoryPorts, PLAN_KEY, putPlan } from '../test/helpers/memory-ports.js';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'images');

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is not installed (apt-get install -y chromium)`);
  mkdirSync(OUT, { recursive: true });

  const ports = memoryPorts({ approverEmails: ['alice.sec@example.com'] });
  const plan = await putPlan(ports);
  const server = await startApprovalServer(ports, { port: 0 });
  ports.settings.approvalBaseUrl = server.url;
  await requestApproval(
    { taskToken: 'screenshot-task-token', executionId: EXECUTION_ID, planKey: PLAN_KEY },
    ports,
  );
  const [mail] = ports.mail.sent;
  const link = mail ? linksIn(mail)[0] : undefined;
  if (!mail || !link) throw new Error('requestApproval sent no mail with a link');

  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });

    await page.setContent(
      `<div style="font:13px/1.5 sans-serif;color:#444;border-bottom:1px solid #ddd;padding:10px 16px;max-width:860px;margin:0 auto">` +
        `<b>From:</b> credsweep@example.com<br><b>To:</b> ${mail.to.join(', ')}<br><b>Subject:</b> ${mail.subject.replace(/</g, '&lt;')}</div>` +
        mail.html,
    );
    await page.screenshot({ path: join(OUT, 'approval-email.png'), fullPage: true });

    await page.goto(link);
    const kept = plan.items[2];
    await page
      .getByRole('checkbox', { name: `Disable ${kept?.userName} access key 2 (${kept?.accessKeyId})` })
      .uncheck();
    await page
      .getByLabel(/^Reason/)
      .fill('SEC-1234: quarterly review; the CI key stays until the pipeline moves.');
    await page.screenshot({ path: join(OUT, 'approval-page.png'), fullPage: true });

    await page.getByRole('button', { name: 'Approve ticked credentials' }).click();
    await page.getByRole('heading', { name: 'Approved', exact: true }).waitFor();
    await page.screenshot({ path: join(OUT, 'approval-approved.png'), fullPage: true });
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(`Wrote approval-email.png, approval-page.png and approval-approved.png to ${OUT}`);
}

await main();
