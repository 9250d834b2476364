/**
 * `credsweep audit` end to end, as docs/compliance.md ("Evidence for an audit period") describes it:
 * one local home, runs on 2026-10-05 (approved), 10-12 (rejected), 10-19 (approved), 11-09 and 11-16
 * (approved), started with `demo --seed` and `start --local --now`; then the audit of October and
 * November, in this process and once with the built bin, as a user runs it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_SEED } from '../helpers/audit-seed.js';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/demo.js';

interface AuditJson {
  from: string;
  to: string;
  every: number;
  runs: {
    name: string;
    kind: string;
    startedAt: string;
    outcome: string;
    approvers: string[];
    proposed: number;
    approved: number;
    changed: number;
    restored: number;
    deleted: number;
    evidence: string;
    reason: string | null;
  }[];
  gaps: { from: string; to: string; why: string; run: string | null }[];
  exceptions: { kind: string; userName: string; until: string | null; inForceAtEnd: boolean }[];
  openAtEnd: number;
  open: { userName: string | null; credential: string | null; why: string }[];
  dir: string;
}

const home = tempHome();
/** A rejected run ends FAILED: its command exits 3, as `credsweep demo` does. */
const ok = async (args: string[], code = 0) => {
  const run = await runCli(args);
  expect(run.code, run.stderr).toBe(code);
  return run;
};

beforeAll(async () => {
  const seed = join(home, '..', `${home.split('/').pop()}-seed.json`);
  writeFileSync(seed, JSON.stringify(AUDIT_SEED));
  await ok(['demo', '--seed', seed, '--now', '2026-10-05T09:00:00Z', '--auto-approve', '--home', home]);
  for (const [day, decision] of [
    ['2026-10-12', '--auto-reject'],
    ['2026-10-19', '--auto-approve'],
    ['2026-11-09', '--auto-approve'],
    ['2026-11-16', '--auto-approve'],
  ] as const) {
    await ok(
      ['start', '--local', '--now', `${day}T09:00:00Z`, decision, '--home', home],
      decision === '--auto-reject' ? 3 : 0,
    );
  }
});

const AUDIT = [
  'audit',
  '--local',
  '--home',
  home,
  '--from',
  '2026-10-01',
  '--to',
  '2026-11-30',
  '--every',
  '7',
];

describe('credsweep audit --local', () => {
  it('lists the five runs, the rejection, the gap of 10-19 to 11-09, what was open at the end, and writes the report', async () => {
    const out = join(home, 'audit-out');
    const report = JSON.parse((await ok([...AUDIT, '--out', out, '--json'])).stdout) as AuditJson;

    expect(Object.keys(report).slice(0, 8)).toEqual([
      'from',
      'to',
      'every',
      'runs',
      'gaps',
      'exceptions',
      'openAtEnd',
      'open',
    ]);
    expect([report.from, report.to, report.every]).toEqual(['2026-10-01', '2026-11-30', 7]);
    expect(report.runs.map((r) => [r.startedAt.slice(0, 10), r.outcome])).toEqual([
      ['2026-10-05', 'remediated'],
      ['2026-10-12', 'rejected'],
      ['2026-10-19', 'remediated'],
      ['2026-11-09', 'remediated'],
      ['2026-11-16', 'remediated'],
    ]);
    const [first, rejected] = report.runs;
    expect(Object.keys(first ?? {}).slice(0, 11)).toEqual([
      'name',
      'kind',
      'startedAt',
      'outcome',
      'approvers',
      'proposed',
      'approved',
      'changed',
      'restored',
      'deleted',
      'evidence',
    ]);
    expect(first).toMatchObject({ kind: 'ad-hoc', proposed: 1, approved: 1, changed: 1 });
    expect(first?.approvers).toEqual(['security-approver@example.com']);
    expect(existsSync(join(first?.evidence ?? '', 'evidence.json'))).toBe(true);
    expect(rejected).toMatchObject({
      approved: 0,
      changed: 0,
      reason: 'Rejected by the demo (--auto-reject).',
    });
    expect(report.runs.map((r) => r.changed)).toEqual([1, 0, 1, 2, 1]);

    // The weeks without a run, the end of the period after the last one, and the rejection, named.
    expect(report.gaps.map((g) => [g.from, g.to, g.run])).toEqual([
      ['2026-10-19', '2026-11-09', null],
      ['2026-11-16', '2026-11-30', null],
      ['2026-10-12', '2026-10-12', rejected?.name],
    ]);
    expect(report.gaps[0]?.why).toContain('no run reached a decision for 21 days (expected every 7 days)');
    expect(report.gaps[2]?.why).toContain('was rejected by security-approver@example.com');

    expect(report.exceptions.map((x) => [x.kind, x.userName, x.until, x.inForceAtEnd])).toEqual([
      ['break-glass', 'bg.emergency', null, true],
      ['exempt-tag', 'fay.exempt', '2026-12-31', true],
      ['exempt-tag', 'pete.pastexempt', '2026-10-30', false],
    ]);
    expect(report.openAtEnd).toBe(2);
    expect(report.open.map((o) => [o.userName, o.credential, o.why])).toEqual([
      ['bg.emergency', 'console-password', 'break-glass'],
      ['fay.exempt', null, 'exempt'],
    ]);

    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toContain('<script');
    expect(html).toContain('Gaps to review');
    const runsCsv = readFileSync(join(out, 'runs.csv'), 'utf8').trimEnd().split('\r\n');
    expect(runsCsv).toHaveLength(6);
    expect(runsCsv[2]).toContain(',rejected,');
    expect(readFileSync(join(out, 'exceptions.csv'), 'utf8').trimEnd().split('\r\n')).toHaveLength(4);
  });

  it('says the rejection and the gap to a person, and runs as the built bin', () => {
    const out = join(home, 'bin-out');
    const text = execFileSync('node', ['bin/credsweep.mjs', ...AUDIT, '--out', out], { encoding: 'utf8' });
    expect(text).toMatch(
      /2026-10-12 {2}run-\S+ {2}ad-hoc {2}rejected {2}rejected by security-approver@example.com/,
    );
    expect(text).toContain('2026-10-19 to 2026-11-09: no run reached a decision for 21 days');
    expect(text).toContain('open at end  2');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/<svg[^>]*class="marks"/);
  });

  it('refuses a period that ends before it starts, and a day that does not parse, as usage errors', async () => {
    const backwards = await runCli([...AUDIT.slice(0, 4), '--from', '2026-11-30', '--to', '2026-10-01']);
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toContain('credsweep: --to 2026-10-01 is before --from 2026-11-30');
    const bad = await runCli([...AUDIT.slice(0, 4), '--from', '2026-02-30', '--to', '2026-10-01']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected a day YYYY-MM-DD (UTC), e.g. 2026-10-01, not "2026-02-30"');
  });

  it('reports a period with no runs as one gap, and a run whose evidence is gone with why', async () => {
    const empty = await ok([
      ...AUDIT.slice(0, 4),
      '--from',
      '2026-01-01',
      '--to',
      '2026-01-31',
      '--json',
      '--out',
      join(home, 'empty'),
    ]);
    const report = JSON.parse(empty.stdout) as AuditJson;
    expect(report.runs).toEqual([]);
    expect(report.gaps).toEqual([
      expect.objectContaining({
        from: '2026-01-01',
        to: '2026-01-31',
        why: expect.stringContaining('no run reached a decision in the period'),
      }),
    ]);
    expect(empty.stderr).toContain('no run started from 2026-01-01 to 2026-01-31');

    const copy = tempHome();
    execFileSync('cp', ['-r', `${home}/.`, copy]);
    const lost = JSON.parse(
      (await ok([...AUDIT, '--home', copy, '--json', '--out', join(copy, 'o')])).stdout,
    ) as AuditJson;
    const name = lost.runs[3]?.name ?? '';
    rmSync(join(copy, 'runs', name, 'evidence.json'));
    writeFileSync(join(copy, 'runs', lost.runs[4]?.name ?? '', 'evidence.json'), '{"schemaVersion": 2, "cut');
    // A record written some other way than the engine writes it is read whole, and still listed.
    const record = join(copy, 'executions', `${lost.runs[0]?.name}.json`);
    writeFileSync(record, JSON.stringify(JSON.parse(readFileSync(record, 'utf8'))));
    const run = await ok([...AUDIT, '--home', copy, '--json', '--out', join(copy, 'o')]);
    const after = JSON.parse(run.stdout) as AuditJson & { runs: { evidenceProblem: string | null }[] };
    expect(after.runs).toHaveLength(5);
    expect(after.runs[3]).toMatchObject({
      outcome: 'remediated',
      approvers: ['security-approver@example.com'],
    });
    expect(after.runs[3]?.evidenceProblem).toContain('no evidence.json in');
    expect(after.runs[4]?.evidenceProblem).toContain('is not valid JSON');
    expect(run.stderr).toContain(`warning: run ${name}: no evidence.json in`);
    expect(after.gaps.filter((g) => g.run !== null).map((g) => g.run)).toEqual([
      lost.runs[1]?.name,
      name,
      lost.runs[4]?.name,
    ]);
  });
});
