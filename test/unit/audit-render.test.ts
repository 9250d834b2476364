/**
 * The period report's files with hostile text in them: user names, a rejection reason, who started a
 * run and an exemption tag's value come from outside (IAM, approvers, tags). report.html escapes
 * them, its charts hold none of them, the CSV files neutralise formulas and control characters.
 */
import { describe, expect, it } from 'vitest';
import type { RunFacts } from '../../cli/audit/facts.js';
import { auditModel } from '../../cli/audit/model.js';
import { exceptionsCsv, openCsv, runsCsv } from '../../cli/audit/render-csv.js';
import { evidenceHref, renderAuditHtml } from '../../cli/audit/render-html.js';

const HOSTILE = '<img src=x onerror=alert(1)>\u202e\u001b[31m';
const FORMULA = '=HYPERLINK("http://x","y")';

const run: RunFacts = {
  name: 'run-20261012T0900Z-ab12',
  executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:credsweep:run-20261012T0900Z-ab12',
  workflow: 'account',
  status: 'FAILED',
  startedAt: '2026-10-12T09:00:00.000Z',
  stoppedAt: '2026-10-12T09:10:00.000Z',
  kind: 'ad-hoc',
  startedBy: HOSTILE,
  mode: 'remediate',
  outcome: 'rejected',
  decision: 'rejected',
  approvers: [`${FORMULA}@example.com`],
  decidedAt: '2026-10-12T09:05:00.000Z',
  reason: `</td></tr><script>alert(1)</script>${HOSTILE}`,
  counts: { findings: 1, proposed: 1, approved: 0, changed: 0, restored: 0, deleted: 0 },
  evidence: 's3://bucket/runs/run-20261012T0900Z-ab12/',
  evidenceProblem: null,
  error: null,
  accounts: [
    {
      accountId: '111122223333',
      name: null,
      ou: null,
      outcome: 'rejected',
      asOf: '2026-10-12T09:00:00.000Z',
      counts: { findings: 1, proposed: 1, approved: 0, changed: 0, restored: 0, deleted: 0 },
      daysToChange: [],
      exceptions: [
        {
          kind: 'exempt-tag-invalid',
          userName: FORMULA,
          credential: null,
          accessKeyId: null,
          until: null,
          lastUsed: null,
          owner: null,
          expired: false,
          value: HOSTILE,
        },
      ],
      open: [
        {
          userName: HOSTILE,
          credential: 'access-key-1',
          accessKeyId: 'AKIA1',
          lastUsed: null,
          daysUnused: 40,
          why: 'rejected',
          until: null,
        },
      ],
    },
  ],
};

const model = auditModel({
  period: { from: '2026-10-01', to: '2026-10-31', every: 7 },
  cadence: '--every',
  where: `/tmp/${HOSTILE}`,
  account: null,
  runs: [run],
});

describe('the audit report with text from outside', () => {
  it('escapes every value in report.html and keeps it out of the charts', async () => {
    const html = await renderAuditHtml(model, new Date('2026-11-01T00:00:00Z'));
    expect(html).not.toMatch(/<img|<script/);
    expect(html).not.toContain('\u202e');
    expect(html).not.toContain('\u001b');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;\ufffd\ufffd[31m');
    expect(html).toContain('&lt;/td&gt;&lt;/tr&gt;&lt;script&gt;');
    for (const svg of html.match(/<svg[\s\S]*?<\/svg>/g) ?? []) {
      expect(svg).not.toMatch(/<img|<script|HYPERLINK|onerror/);
    }
    expect(html.match(/<svg/g)).toHaveLength(2);
  });

  it('writes formula-looking cells as text and control characters as U+FFFD in the CSV files', () => {
    expect(runsCsv(model)).toContain(`,"'=HYPERLINK(""http://x"",""y"")@example.com",`);
    expect(exceptionsCsv(model)).toContain(`,"'=HYPERLINK(""http://x"",""y"")",`);
    for (const csv of [runsCsv(model), exceptionsCsv(model), openCsv(model)]) {
      expect(csv).not.toContain('\u202e');
      expect(csv).not.toContain('\u001b');
    }
    expect(openCsv(model)).toContain('<img src=x onerror=alert(1)>\ufffd\ufffd[31m');
  });

  it('links a run to its evidence in the S3 console or in its local folder', () => {
    expect(evidenceHref('s3://my-bucket/runs/run-a/')).toBe(
      'https://s3.console.aws.amazon.com/s3/buckets/my-bucket?prefix=runs%2Frun-a%2F',
    );
    expect(evidenceHref('/tmp/home/runs/run a/')).toBe('file:///tmp/home/runs/run%20a/report.html');
    expect(evidenceHref(null)).toBeNull();
  });
});
