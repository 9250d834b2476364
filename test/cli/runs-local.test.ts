/**
 * The run commands with --local over real local runs: `credsweep demo` keeps the account, the runs'
 * records and their evidence in a home directory; start, backout, history, status, show and
 * evidence read and extend it exactly as they do in AWS.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadLocalAccount } from '../../cli/local/home-sandbox.js';
import type { Seed } from '../../cli/local/seed.js';
import type { Evidence } from '../../handlers/core/evidence/schema.js';
import { runCli } from '../helpers/cli.js';

const BIN = fileURLToPath(new URL('../../bin/credsweep.mjs', import.meta.url));

function credsweep(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], (error, stdout, stderr) => {
      resolve({
        code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1,
        stdout,
        stderr,
      });
    });
  });
}

let home: string;
let demo: { executionName: string; evidenceDir: string; changes: { userName: string }[] };

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'credsweep-local-cli-'));
  // The "done when", as a person types it.
  const run = await credsweep(['demo', '--auto-approve', '--json', '--home', home]);
  expect(run.stderr).toBe('');
  demo = JSON.parse(run.stdout);
});

describe('after `credsweep demo --auto-approve --json`', () => {
  it('the printed evidenceDir holds the three files, with every change and its before state', () => {
    for (const file of ['evidence.json', 'findings.csv', 'report.html']) {
      expect(existsSync(join(demo.evidenceDir, file)), file).toBe(true);
    }
    const evidence = JSON.parse(readFileSync(join(demo.evidenceDir, 'evidence.json'), 'utf8')) as Evidence;
    expect(evidence.changes).toHaveLength(demo.changes.length);
    for (const c of evidence.changes)
      expect(c.before, c.itemId).toMatch(/^(Active|login profile created .+)$/);
  });

  it('history --local lists the run (child process: the built bin, as a user runs it)', async () => {
    const run = await credsweep(['history', '--local', '--home', home, '--json']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.runs).toHaveLength(1);
    expect(out.runs[0]).toMatchObject({
      name: demo.executionName,
      status: 'SUCCEEDED',
      outcome: 'remediated',
      startedBy: 'credsweep demo',
      counts: { findings: 8, proposed: 8, approved: 8, changed: 8, verified: 8 },
    });
  });

  it('show --local describes it: timeline, approval, each change before and after, verification', async () => {
    const run = await runCli(['show', demo.executionName, '--local', '--home', home]);
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out).toContain(`${demo.executionName}  SUCCEEDED (remediated)`);
    expect(out).toMatch(
      /Analyze\s+\d+(?:ms|\.\ds)\s+8 findings, 8 proposed, 1 held for owner warnings, 3 users skipped, threshold 30 days/,
    );
    expect(out).toMatch(
      /RequestApproval\s+\d+(?:ms|\.\ds)\s+approved by security-approver@example.com \(8 approved, 0 not approved\)/,
    );
    expect(out).toMatch(
      /\[batch 0\] DeactivateAccessKeys\s+\d+(?:ms|\.\ds)\s+5 access keys deactivated, 0 skipped/,
    );
    expect(out).toMatch(/Verify\s+\d+(?:ms|\.\ds)\s+8 of 8 verified/);
    expect(out).toMatch(/decision\s+approved by security-approver@example.com at .* from 127\.0\.0\.1/);
    expect(out).toContain('Changes (8)');
    expect(out).toMatch(/ci-deployer\s+access-key-1 AKIASANDBOX0CIDEPL01\s+Active\s+Inactive\s+yes/);
    expect(out).toMatch(
      /bob\.martinez\s+console-password\s+login profile created \S+, reset required false\s+no login profile/,
    );
    expect(out).toContain('Verification at ');
  });
});

describe('more local runs on the kept account', () => {
  let backoutName: string;

  it('backout --local restores what the run changed for the named users', async () => {
    const run = await runCli([
      'backout',
      demo.executionName,
      '--users',
      'frank.li',
      '--local',
      '--home',
      home,
      '--json',
    ]);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    backoutName = out.name;
    expect(backoutName).toMatch(new RegExp(`^backout-${demo.executionName}-[a-z0-9]{4}$`));
    expect(out.run).toMatchObject({ status: 'SUCCEEDED', outcome: 'backed-out', mode: 'backout' });
    expect(out.run.counts.restored).toBe(2);
    const account = loadLocalAccount(home) as Seed;
    const frank = account.users.find((u) => u.userName === 'frank.li');
    expect(frank?.accessKeys[0]?.status).toBe('Active');
    expect(frank?.loginProfile).toMatchObject({ passwordResetRequired: true });
  });

  it('refuses to back out a backout', async () => {
    const run = await runCli(['backout', backoutName, '--local', '--home', home]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${backoutName} is itself a backout`);
  });

  it('start --local --auto-reject runs the workflow over the kept account; status and history tell it', async () => {
    const started = await runCli([
      'start',
      '--local',
      '--home',
      home,
      '--auto-reject',
      '--name',
      'run-local-reject',
      '--json',
    ]);
    expect(started.code).toBe(3);
    expect(JSON.parse(started.stdout).run).toMatchObject({
      name: 'run-local-reject',
      status: 'FAILED',
      outcome: 'rejected',
    });

    const status = await runCli(['status', 'run-local-reject', '--local', '--home', home]);
    expect(status.stdout).toMatch(/^run-local-reject {2}FAILED \(rejected\)\n/);
    expect(status.stdout).toMatch(/approval\s+rejected by security-approver@example.com/);
    expect(status.stdout).toMatch(/error\s+Rejected: An approver rejected the change/);

    const history = await runCli(['history', '--local', '--home', home]);
    const rows = history.stdout.split('\n').filter((l) => l.startsWith('20'));
    expect(rows.map((r) => r.split(/\s{2,}/).slice(1, 6))).toEqual([
      ['run-local-reject', 'account', '-', 'FAILED', 'rejected'],
      [backoutName, 'account', '-', 'SUCCEEDED', 'backed-out'],
      [demo.executionName, 'account', '-', 'SUCCEEDED', 'remediated'],
    ]);
    // A blank line, then the count: plain text, nothing shown as an escape.
    expect(history.stdout).not.toContain('\\u{');
    expect(history.stdout).toContain(
      `\n\n3 runs of ${home}. Details: credsweep show <name> --local --home ${home}\n`,
    );
  });

  it('evidence --local copies the three files', async () => {
    const out = mkdtempSync(join(tmpdir(), 'credsweep-evidence-out-'));
    const run = await runCli(['evidence', demo.executionName, '--local', '--home', home, '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Evidence of ${demo.executionName} (remediated) from ${demo.evidenceDir}/`);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toBe(
      readFileSync(join(demo.evidenceDir, 'report.html'), 'utf8'),
    );
    expect(readFileSync(join(out, 'findings.csv'), 'utf8').split('\r\n')).toHaveLength(10);
  });

  it('names a local run that does not exist, and a home with no account', async () => {
    const missing = await runCli(['show', 'run-nope', '--local', '--home', home]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`credsweep: no local run "run-nope" in ${join(home, 'executions')}`);

    const empty = mkdtempSync(join(tmpdir(), 'credsweep-empty-'));
    const start = await runCli(['start', '--local', '--home', empty]);
    expect(start.code).toBe(1);
    expect(start.stderr).toContain(`no local account in ${empty}: run \`credsweep demo\` first`);
    const history = await runCli(['history', '--local', '--home', empty]);
    expect(history.stdout).toContain('No local runs in');
  });

  it('--local with --stack is a usage error', async () => {
    const run = await runCli(['history', '--local', '--stack', 'Credsweep']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("option '--local' cannot be used with option '--stack <name>'");
  });
});
