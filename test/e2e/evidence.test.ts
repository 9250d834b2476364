/**
 * The evidence each outcome leaves: real local runs (the ASL, the handlers, the sandbox account),
 * then the three files of the run directory read back as a reviewer would.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../cli/local/demo-run.js';
import type { Evidence } from '../../handlers/core/evidence/schema.js';
import { demo, tempHome } from '../helpers/demo.js';
import { FINDINGS_CSV_HEADER } from '../helpers/findings-csv.js';
import { NOW, smallSeed } from '../helpers/seeds.js';

interface Files {
  evidence: Evidence;
  csv: Record<string, string>[];
  html: string;
  names: string[];
}

function read(dir: string): Files {
  const csvText = readFileSync(join(dir, 'findings.csv'), 'utf8');
  return {
    evidence: JSON.parse(readFileSync(join(dir, 'evidence.json'), 'utf8')) as Evidence,
    csv: parse(csvText, { columns: true }) as Record<string, string>[],
    html: readFileSync(join(dir, 'report.html'), 'utf8'),
    names: readdirSync(dir),
  };
}

const SAMPLE_STALE = [
  'bob.martinez/console-password',
  'carol.nguyen/console-password',
  'ci-deployer/AKIASANDBOX0CIDEPL01',
  'data-pipeline/AKIASANDBOX0DATAPL02',
  'frank.li/AKIASANDBOX0FRANKL01',
  'frank.li/console-password',
  'metrics-exporter/AKIASANDBOX0METRIC01',
  'svc+etl=nightly,eu.ops@data_team-1/AKIASANDBOX0SVCETL01',
];

describe('evidence of a remediated run', () => {
  it('holds the report, approval, every change with its before state, and verification', async () => {
    const result = await demo({
      beforeDecision: (sandbox) => sandbox.recordUse('bob.martinez', 'console-password', NOW),
    });
    expect(result.outcome).toBe('remediated');
    const { evidence: e, csv, html, names } = read(result.evidenceDir);
    expect(names).toEqual(expect.arrayContaining(['evidence.json', 'findings.csv', 'report.html']));

    expect(e.schemaVersion).toBe(2);
    expect(e.execution).toMatchObject({
      name: result.executionName,
      accountId: '123456789012',
      region: 'us-east-1',
      stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:credsweep-remediation',
      mode: 'remediate',
    });
    expect(e.report).toMatchObject({ thresholdDays: 30, dryRun: false });
    expect(e.report?.generatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(e.findings).toHaveLength(8);
    expect(e.skipped).toEqual(
      expect.arrayContaining([
        { userName: '<root_account>', reason: 'root' },
        { userName: 'breakglass-admin', reason: 'exempt' },
        { userName: 'legacy-reporting', reason: 'exempt-tag' },
      ]),
    );
    expect(e.exempt).toEqual([
      { userName: 'breakglass-admin', by: 'exemption-list', until: null },
      { userName: 'legacy-reporting', by: 'tag', until: null },
    ]);

    // The approval record: who decided what, never the task token or the link hashes.
    expect(e.approval).toMatchObject({
      status: 'approved',
      // The built-in local configuration asks two approvers; one approval decides (approvalsRequired 1).
      approvers: ['security-approver@example.com', 'second-approver@example.com'],
      approvalsRequired: 1,
      approvals: [{ approver: 'security-approver@example.com', sourceIp: '127.0.0.1' }],
      decision: { decision: 'approved', approver: 'security-approver@example.com', sourceIp: '127.0.0.1' },
    });
    expect(e.approval?.decision?.selection.sort()).toEqual(SAMPLE_STALE);
    const raw = readFileSync(join(result.evidenceDir, 'evidence.json'), 'utf8');
    expect(raw).not.toMatch(/taskToken|secretHash/);

    // Every change with the state recorded before it and the state after it.
    expect(e.changes.map((c) => c.itemId).sort()).toEqual(
      SAMPLE_STALE.filter((id) => id !== 'bob.martinez/console-password'),
    );
    for (const c of e.changes) {
      expect(c.result).toBe('disabled');
      expect(c.approved).toBe(true);
      expect(c.changedAt).not.toBeNull();
      expect(c.verification).toMatchObject({ ok: true });
      if (c.action === 'deactivate-access-key') {
        expect(c).toMatchObject({ before: 'Active', after: 'Inactive' });
      } else {
        expect(c.before).toMatch(/^login profile created \d{4}-.*, reset required (true|false)$/);
        expect(c.after).toBe('no login profile');
      }
    }
    // The credential used between the report and the change: skipped and reported with its live use.
    expect(e.skippedAtRecheck).toEqual([
      expect.objectContaining({
        userName: 'bob.martinez',
        credential: 'console-password',
        liveLastUsed: NOW.toISOString(),
      }),
    ]);
    expect(e.unchanged).toEqual([
      expect.objectContaining({
        itemId: 'bob.martinez/console-password',
        result: 'skipped',
        skipReason: 'used-since-report',
      }),
    ]);
    expect(e.verification).toMatchObject({ checked: 7, failed: 0 });
    expect(e.backout).toBeNull();
    expect(e.counts).toMatchObject({
      findings: 8,
      proposed: 8,
      approved: 8,
      disabled: 7,
      restored: 0,
      skippedAtRecheck: 1,
      verified: 7,
      verificationFailed: 0,
    });
    expect(e.summary).toBe(
      '7 of 8 proposed credentials disabled after approval by security-approver@example.com, 7 verified; 1 credential skipped, used since the report.',
    );

    // findings.csv: one row per credential, the same facts as the JSON.
    expect(Object.keys(csv[0] ?? {}).join(',')).toBe(FINDINGS_CSV_HEADER);
    expect(csv).toHaveLength(8);
    const key = csv.find((r) => r.access_key_id === 'AKIASANDBOX0SVCETL01');
    expect(key).toMatchObject({
      execution: result.executionName,
      user_name: 'svc+etl=nightly,eu.ops@data_team-1',
      credential: 'access-key-1',
      approved: 'yes',
      result: 'disabled',
      before: 'Active',
      after: 'Inactive',
      verified: 'yes',
      verified_state: 'Inactive',
      threshold_days: '30',
    });
    expect(csv.find((r) => r.user_name === 'bob.martinez')).toMatchObject({
      result: 'skipped',
      skip_reason: 'used-since-report',
      live_last_used: NOW.toISOString(),
    });

    // report.html: self-contained, and it names every change.
    expect(html).not.toMatch(/<script|<link|<img|src=|https?:\/\//i);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('@media print');
    for (const c of e.changes) expect(html).toContain(c.userName.replaceAll('&', '&amp;'));
  });
});

describe('evidence of a rejected run', () => {
  it('records the rejection, its reason, and that nothing changed', async () => {
    const result = await demo({ approval: 'auto-reject' });
    expect(result.outcome).toBe('rejected');
    const { evidence: e, csv, html } = read(result.evidenceDir);
    expect(e.outcome).toBe('rejected');
    expect(e.execution.startedBy).toBe('credsweep demo');
    expect(e.approval).toMatchObject({
      status: 'rejected',
      decision: { decision: 'rejected', reason: 'Rejected by the demo (--auto-reject).', selection: [] },
    });
    expect(e.changes).toEqual([]);
    expect(e.unchanged.map((c) => c.result)).toEqual(Array(8).fill('rejected'));
    expect(e.backout).toMatchObject({ trigger: 'rejected', restored: 0, error: null });
    expect(e.counts).toMatchObject({ proposed: 8, approved: 0, disabled: 0, restored: 0 });
    expect(e.summary).toBe(
      'Rejected by security-approver@example.com ("Rejected by the demo (--auto-reject)."); nothing was changed.',
    );
    expect(csv.map((r) => [r.approved, r.result, r.before, r.after])).toEqual(
      Array(8).fill(['no', 'rejected', '', '']),
    );
    expect(html).toContain('Rejected by the demo (--auto-reject).');
  });
});

describe('evidence of a run backed out after a failure (--fail-at deactivate-keys)', () => {
  it('shows each change with its before state, what it was changed to, and what backout restored', async () => {
    const result = await demo({ failAt: 'deactivate-keys' });
    expect(result).toMatchObject({ status: 'FAILED', outcome: 'backed-out' });
    const { evidence: e, csv } = read(result.evidenceDir);
    expect(e.error).toEqual({
      Error: 'InjectedFailure',
      Cause: expect.stringMatching(/^injected failure after the first updateAccessKey/),
    });
    expect(e.backout).toMatchObject({
      sourceExecutionId: e.execution.id,
      trigger: 'failure',
      restored: e.changes.length,
      error: null,
    });
    expect(e.changes.length).toBeGreaterThan(0);
    for (const c of e.changes) {
      expect(c.result).toBe('restored');
      expect(c.restored?.by).toBe(e.execution.id);
      if (c.action === 'deactivate-access-key') {
        expect(c).toMatchObject({ before: 'Active', after: 'Inactive', restored: { state: 'Active' } });
      } else {
        expect(c.before).toMatch(/^login profile created /);
        expect(c.after).toBe('no login profile');
        expect(c.restored).toMatchObject({ state: 'login profile restored, reset required' });
        // Where the new password is kept, never the password.
        expect(c.restored?.secretRef).toContain(`credsweep%2Frestored%2F${result.executionName}`);
      }
    }
    expect(e.counts).toMatchObject({ disabled: 0, restored: e.changes.length });
    expect(e.summary).toBe(
      `InjectedFailure: the run was backed out; ${e.changes.length} credentials restored, 0 still disabled.`,
    );
    expect(csv.filter((r) => r.result === 'restored').map((r) => r.restored_by)).toEqual(
      Array(e.changes.length).fill(result.executionName),
    );
  });

  it('a later backout-mode run lists what it restored from the earlier run', async () => {
    const h = tempHome();
    const first = await demo({ home: h });
    const back = await runDemo({
      seed: first.sandbox.toSeed(),
      now: NOW,
      home: h,
      approval: 'none',
      backoutOf: first.executionName,
      users: ['frank.li'],
    });
    expect(back).toMatchObject({ status: 'SUCCEEDED', outcome: 'backed-out' });
    const { evidence: e, csv } = read(back.evidenceDir);
    expect(e.execution).toMatchObject({ mode: 'backout', startedBy: 'credsweep backout --local' });
    expect(e.backout).toMatchObject({ trigger: 'requested', users: ['frank.li'], restored: 2 });
    expect(e.changes.map((c) => [c.itemId, c.before, c.after, c.restored?.state])).toEqual(
      expect.arrayContaining([
        ['frank.li/AKIASANDBOX0FRANKL01', 'Active', 'Inactive', 'Active'],
        [
          'frank.li/console-password',
          expect.stringMatching(/^login profile created /),
          'no login profile',
          'login profile restored, reset required',
        ],
      ]),
    );
    expect(e.approval).toBeNull();
    expect(csv).toHaveLength(2);
    expect(e.summary).toBe(`Backout of ${first.executionName}: 2 credentials restored.`);
  });
});

describe('evidence of a run with nothing to do', () => {
  it('says so, with the report facts and empty lists', async () => {
    const seed = smallSeed();
    seed.users = seed.users.filter((u) => u.userName === 'fresh.user');
    const result = await demo({ seed, exemptUsers: [] });
    expect(result).toMatchObject({ status: 'SUCCEEDED', outcome: 'nothing-to-do' });
    const { evidence: e, csv, html } = read(result.evidenceDir);
    expect(e).toMatchObject({
      outcome: 'nothing-to-do',
      findings: [],
      changes: [],
      unchanged: [],
      approval: null,
      verification: null,
      backout: null,
      error: null,
    });
    expect(e.report?.thresholdDays).toBe(30);
    expect(e.summary).toBe('No credential unused for 30 days or more; nothing was asked or changed.');
    expect(csv).toEqual([]);
    expect(readFileSync(join(result.evidenceDir, 'findings.csv'), 'utf8')).toBe(`${FINDINGS_CSV_HEADER}\r\n`);
    expect(html).toContain('Nothing was changed.');
  });
});
