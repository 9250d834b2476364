/** The pure renderers of the evidence: RFC 4180 CSV, escaped self-contained HTML, the approval view. */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { approvalEvidence } from '../../handlers/core/evidence/credential-records.js';
import { csvField, renderFindingsCsv } from '../../handlers/core/evidence/csv.js';
import { escapeHtml, renderReportHtml } from '../../handlers/core/evidence/html.js';
import type { CredentialRecord, Evidence } from '../../handlers/core/evidence/schema.js';
import { summaryMail } from '../../handlers/core/run/report-run.js';
import type { ApprovalRecord } from '../../handlers/core/shared/types.js';
import { FINDINGS_CSV_HEADER } from '../helpers/findings-csv.js';

const HOSTILE = `<script>alert("x")</script><img src=x onerror=alert(1)>&amp;'`;
const EXECUTION = 'arn:aws:states:eu-west-1:111122223333:execution:credsweep:run-20261126T1200Z-ab12';

function record(overrides: Partial<CredentialRecord>): CredentialRecord {
  return {
    itemId: 'alice/console-password',
    userName: 'alice',
    credential: 'console-password',
    accessKeyId: null,
    finding: {
      lastUsed: '2026-08-01T00:00:00.000Z',
      createdAt: '2025-01-01T00:00:00.000Z',
      daysUnused: 117,
      reason: 'unused',
    },
    approved: true,
    action: 'delete-login-profile',
    result: 'disabled',
    skipReason: null,
    before: 'login profile created 2025-01-01T00:00:00.000Z, reset required false',
    after: 'no login profile',
    recordedAt: '2026-11-26T12:05:00.000Z',
    changedAt: '2026-11-26T12:05:01.000Z',
    liveLastUsed: null,
    restored: null,
    backoutSkipped: null,
    verification: { ok: true, expected: 'no login profile', actual: 'no login profile' },
    deletion: null,
    ...overrides,
  };
}

function evidence(overrides: Partial<Evidence> = {}): Evidence {
  return {
    schemaVersion: 2,
    securityHub: null,
    execution: {
      id: EXECUTION,
      name: 'run-20261126T1200Z-ab12',
      accountId: '111122223333',
      region: 'eu-west-1',
      stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:credsweep',
      mode: 'remediate',
      startedBy: HOSTILE,
      request: { mode: 'remediate', days: 45, startedBy: HOSTILE },
    },
    outcome: 'rejected',
    summary: `Rejected by x ("${HOSTILE}"); nothing was changed.`,
    writtenAt: '2026-11-26T12:10:00.000Z',
    report: {
      generatedAt: '2026-11-26T12:00:00.000Z',
      asOf: '2026-11-26T12:00:05.000Z',
      thresholdDays: 45,
      dryRun: false,
    },
    findings: [],
    skipped: [{ userName: '=cmd|calc', reason: 'exempt' }],
    exempt: [{ userName: '=cmd|calc', by: 'exemption-list', until: null }],
    lifecycle: null,
    unresolved: [],
    approval: {
      approvalId: '0b6f3c8e-1111-8222-9333-444455556666',
      status: 'rejected',
      requestedAt: '2026-11-26T12:01:00.000Z',
      expiresAt: '2026-11-29T12:01:00.000Z',
      approvers: ['sec@example.com'],
      decision: {
        decision: 'rejected',
        approver: 'sec@example.com',
        decidedAt: '2026-11-26T12:09:00.000Z',
        sourceIp: '203.0.113.9',
        userAgent: HOSTILE,
        reason: HOSTILE,
        selection: [],
      },
    },
    changes: [],
    unchanged: [],
    skippedAtRecheck: [],
    verification: null,
    backout: null,
    error: null,
    counts: {
      findings: 0,
      skippedUsers: 1,
      resetRecently: 0,
      unresolved: 0,
      proposed: 0,
      approved: 0,
      disabled: 0,
      restored: 0,
      skippedAtRecheck: 0,
      notApproved: 0,
      verified: 0,
      verificationFailed: 0,
      ownersWarned: 0,
      heldForWarning: 0,
      deleted: 0,
    },
    ...overrides,
  };
}

describe('report.html', () => {
  it('escapes every value that comes from outside: reason, user agent, started by, user names', () => {
    const html = renderReportHtml(
      evidence({
        changes: [record({ userName: 'x+<b>@y', before: HOSTILE })],
        error: { Error: '<Err>', Cause: HOSTILE },
      }),
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>@y');
    expect(html).toContain(escapeHtml(HOSTILE));
    expect(html).toContain('x+&lt;b&gt;@y');
    expect(html).toContain('&lt;Err&gt;');
    // An entity in the data is shown as text, not decoded.
    expect(html).toContain('&amp;amp;');
  });

  it('is one self-contained page: inline CSS with a print stylesheet, nothing loaded from elsewhere', () => {
    const html = renderReportHtml(evidence());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).toContain('@media print');
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).not.toMatch(/<link|<script|\burl\(|@import|https?:\/\//i);
    expect(html).toContain('<title>credsweep run run-20261126T1200Z-ab12: Rejected</title>');
  });

  it('shows before, after, restoration and verification of a change', () => {
    const html = renderReportHtml(
      evidence({
        outcome: 'backed-out',
        changes: [
          record({
            userName: 'bob',
            credential: 'access-key-1',
            accessKeyId: 'AKIAEXAMPLE000000001',
            action: 'deactivate-access-key',
            result: 'restored',
            before: 'Active',
            after: 'Inactive',
            restored: { at: '2026-11-26T12:06:00.000Z', by: EXECUTION, state: 'Active', secretRef: null },
            verification: null,
          }),
        ],
      }),
    );
    expect(html).toContain('<code>AKIAEXAMPLE000000001</code>');
    expect(html).toContain('<td>Active</td>');
    expect(html).toContain('Inactive<br>2026-11-26 12:05:01 UTC');
    expect(html).toContain('Active, 2026-11-26 12:06:00 UTC, by run-20261126T1200Z-ab12');
  });
});

describe('findings.csv', () => {
  it('quotes per RFC 4180 and neutralises formulas; csv-parse reads back the exact cells', () => {
    const text = renderFindingsCsv(
      evidence({
        outcome: 'remediated',
        changes: [
          record({ userName: 'svc+etl=nightly,eu.ops@data_team-1' }),
          record({ userName: '=1+2', itemId: '=1+2/console-password', before: 'said "hi"\r\nthen left' }),
          record({ userName: '@sum', itemId: '@sum/console-password', after: null, result: 'intended' }),
        ],
        unchanged: [
          record({
            userName: '-x',
            itemId: '-x/console-password',
            result: 'skipped',
            skipReason: 'used-since-report',
            liveLastUsed: '2026-11-26T11:00:00.000Z',
            before: 'unchanged',
            after: null,
            changedAt: null,
            verification: null,
          }),
        ],
      }),
    );
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')[0]).toBe(FINDINGS_CSV_HEADER);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.user_name)).toEqual([
      'svc+etl=nightly,eu.ops@data_team-1',
      "'=1+2",
      "'@sum",
      "'-x",
    ]);
    expect(rows[1]?.before).toBe('said "hi"\r\nthen left');
    expect(rows[3]).toMatchObject({
      result: 'skipped',
      skip_reason: 'used-since-report',
      live_last_used: '2026-11-26T11:00:00.000Z',
      approved: 'yes',
      days_unused: '117',
      threshold_days: '45',
      last_used: '2026-08-01T00:00:00.000Z',
    });
  });

  it('writes single fields as the RFC says', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "x"')).toBe('"say ""x"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('+cmd,x')).toBe(`"'+cmd,x"`);
    expect(csvField(null)).toBe('');
    expect(csvField(true)).toBe('yes');
    expect(csvField(-3)).toBe('-3');
  });
});

describe('the approval in the evidence', () => {
  it('never carries the task token or the link hashes', () => {
    const stored: ApprovalRecord = {
      approvalId: 'a1',
      executionId: EXECUTION,
      planKey: 'runs/x/plan.json',
      accountId: '111122223333',
      taskToken: 'SECRET-TASK-TOKEN',
      approvers: [{ approver: 'sec@example.com', secretHash: 'f'.repeat(64) }],
      createdAt: '2026-11-26T12:01:00.000Z',
      expiresAt: '2026-11-29T12:01:00.000Z',
      status: 'approved',
      decision: {
        decision: 'approved',
        approver: 'sec@example.com',
        decidedAt: '2026-11-26T12:02:00.000Z',
        sourceIp: '203.0.113.9',
        userAgent: 'Firefox',
        selection: ['alice/console-password'],
      },
    };
    const view = approvalEvidence(stored);
    expect(JSON.stringify(view)).not.toMatch(/SECRET-TASK-TOKEN|ffffffff|taskToken|secretHash/);
    expect(view).toEqual({
      approvalId: 'a1',
      status: 'approved',
      requestedAt: '2026-11-26T12:01:00.000Z',
      expiresAt: '2026-11-29T12:01:00.000Z',
      approvers: ['sec@example.com'],
      approvalsRequired: 1,
      approvals: [],
      decision: {
        decision: 'approved',
        approver: 'sec@example.com',
        decidedAt: '2026-11-26T12:02:00.000Z',
        sourceIp: '203.0.113.9',
        userAgent: 'Firefox',
        reason: null,
        selection: ['alice/console-password'],
      },
    });
  });
});

describe('the summary mail', () => {
  it('lists each change before -> after and says how to get the evidence and back out', () => {
    const mail = summaryMail(
      evidence({
        outcome: 'remediated',
        summary: '1 of 1 proposed credential disabled.',
        changes: [record({})],
        counts: { ...evidence().counts, disabled: 1, proposed: 1 },
      }),
    );
    expect(mail.subject).toBe(
      'credsweep run-20261126T1200Z-ab12: remediated (1 disabled, 0 restored) in 111122223333',
    );
    expect(mail.text).toContain(
      '- alice console-password: login profile created 2025-01-01T00:00:00.000Z, reset required false -> no login profile',
    );
    expect(mail.text).toContain('credsweep evidence run-20261126T1200Z-ab12');
    expect(mail.text).toContain('Back out with: credsweep backout run-20261126T1200Z-ab12');
    expect(mail.html).not.toContain('<script>');
  });
});
