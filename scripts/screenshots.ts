/**
 * Screenshots for docs/approver-guide.md: the approval email, the approval page and the page after
 * approving, rendered by the real templates and the local approval server over in-memory ports; the
 * organization approval page (summary, keep out, a deletion) and the same page on a 390 px phone; and
 * for docs/compliance.md, the Security Hub section of report.html after a demo run on
 * samples/security-hub-account.json; and the report of `credsweep audit` over the weekly runs of
 * test/e2e/audit.test.ts (docs/images/audit-report.png). In headless Debian Chromium. Run: `npx tsx scripts/screenshots.ts`
 * (needs /usr/bin/chromium); `… scripts/screenshots.ts audit` makes only that one.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { auditModel } from '../cli/audit/model.js';
import { readPeriod } from '../cli/audit/read.js';
import { renderAuditHtml } from '../cli/audit/render-html.js';
import { startApprovalServer } from '../cli/local/approval-server.js';
import { type ApprovalMode, loadLocalAccount, runDemo } from '../cli/local/demo-run.js';
import { parseSeed } from '../cli/local/seed.js';
import { localRuns } from '../cli/runs.js';
import type { Plan } from '../handlers/core/shared/types.js';
import { requestApproval } from '../handlers/request-approval.js';
import { AUDIT_SEED } from '../test/helpers/audit-seed.js';
import { CHROMIUM, launchChromium } from '../test/helpers/chromium.js';
import {
  EXECUTION_ID,
  linksIn,
  memoryPorts,
  PLAN_KEY,
  putPlan,
  samplePlan,
} from '../test/helpers/memory-ports.js';
import { sampleOrgPlan } from '../test/helpers/org-plan.js';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'images');

/** `plan` served for approval by one approver on the local approval server: the mail and its link. */
async function served(plan?: Plan) {
  const ports = memoryPorts({ approverEmails: ['alice.sec@example.com'], deleteApprovalsRequired: 1 });
  await putPlan(ports, plan);
  const server = await startApprovalServer(ports, { port: 0 });
  ports.settings.approvalBaseUrl = server.url;
  await requestApproval(
    { taskToken: 'screenshot-task-token', executionId: EXECUTION_ID, planKey: PLAN_KEY },
    ports,
  );
  const [mail] = ports.mail.sent;
  const link = mail ? linksIn(mail)[0] : undefined;
  if (!mail || !link) throw new Error('requestApproval sent no mail with a link');
  return { server, mail, link };
}

async function main(): Promise<void> {
  const plan = samplePlan();
  const { server, mail, link } = await served(plan);

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

/** The organization approval page, on a desktop (its top: the summary) and on a 390 px phone. */
async function organization(): Promise<void> {
  const plan = sampleOrgPlan({ accounts: 4, perAccount: 3 });
  const { server, link } = await served(plan);
  const kept = plan.organization?.accounts[3];
  const browser = await launchChromium();
  try {
    const desktop = await browser.newPage({ viewport: { width: 1000, height: 1250 } });
    await desktop.goto(link);
    await desktop.getByRole('checkbox', { name: `Keep ${kept?.name} (${kept?.accountId}) out` }).check();
    await desktop.screenshot({ path: join(OUT, 'approval-organization.png') });
    await desktop.close();

    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    await phone.goto(link);
    await phone.evaluate("document.querySelector('tr.delete').scrollIntoView({ block: 'center' })");
    await phone.screenshot({ path: join(OUT, 'approval-phone.png') });
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(`Wrote approval-organization.png and approval-phone.png to ${OUT}`);
}

/** The Security Hub findings of report.html after an approved run on the sample account with findings. */
async function securityHubEvidence(): Promise<void> {
  const seedFile = join(
    dirname(fileURLToPath(import.meta.url)),
    '..',
    'samples',
    'security-hub-account.json',
  );
  const home = mkdtempSync(join(tmpdir(), 'credsweep-screenshot-'));
  const result = await runDemo({
    seed: parseSeed(readFileSync(seedFile, 'utf8'), seedFile),
    now: new Date('2026-11-26T12:00:00Z'),
    home,
    approval: 'auto-approve',
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(pathToFileURL(join(result.evidenceDir, 'report.html')).href);
    // The heading and everything up to the next section.
    const section = page.locator('h2#security-hub');
    // Wrap the heading and everything up to the next section (the page has no DOM types here: a string).
    await page.evaluate(`(() => {
      const start = document.getElementById('security-hub');
      const box = document.createElement('section');
      box.id = 'security-hub-shot';
      start.before(box);
      let node = start;
      while (node && !(node !== start && node.tagName === 'H2')) {
        const next = node.nextElementSibling;
        box.append(node);
        node = next;
      }
    })()`);
    await section.waitFor();
    await page.locator('#security-hub-shot').screenshot({ path: join(OUT, 'security-hub-evidence.png') });
  } finally {
    await browser.close();
  }
  console.log(`Wrote security-hub-evidence.png to ${OUT}`);
}

/** report.html of `credsweep audit --from 2026-10-01 --to 2026-11-30 --every 7` after the e2e's five runs. */
async function auditReport(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'credsweep-screenshot-audit-'));
  const runs: [string, ApprovalMode][] = [
    ['2026-10-05', 'auto-approve'],
    ['2026-10-12', 'auto-reject'],
    ['2026-10-19', 'auto-approve'],
    ['2026-11-09', 'auto-approve'],
    ['2026-11-16', 'auto-approve'],
  ];
  for (const [i, [day, approval]] of runs.entries()) {
    const seed = i === 0 ? AUDIT_SEED : loadLocalAccount(home);
    await runDemo({
      seed,
      now: new Date(`${day}T09:00:00Z`),
      home,
      approval,
      startedBy: 'alice (credsweep start)',
    });
  }
  const period = { from: '2026-10-01', to: '2026-11-30', every: 7 };
  const source = localRuns(home);
  const model = auditModel({
    period,
    cadence: '--every',
    where: source.where,
    account: null,
    runs: await readPeriod(source, new Date('2026-10-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z')),
  });
  const file = join(home, 'report.html');
  writeFileSync(file, await renderAuditHtml(model, new Date('2026-12-01T08:00:00Z')));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(pathToFileURL(file).href);
    await page.screenshot({ path: join(OUT, 'audit-report.png'), fullPage: true });
  } finally {
    await browser.close();
  }
  console.log(`Wrote audit-report.png to ${OUT}`);
}

if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is not installed (apt-get install -y chromium)`);
mkdirSync(OUT, { recursive: true });
const only = process.argv[2];
if (!only || only === 'approval') await main();
if (!only || only === 'organization') await organization();
if (!only || only === 'security-hub') await securityHubEvidence();
if (!only || only === 'audit') await auditReport();
