/** `credsweep demo` as a script uses it: the --json contract (docs/runbook.md), --state-out, and bad input. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSeed } from '../../cli/local/seed.js';
import { runCli } from '../helpers/cli.js';

const NOW = '2026-11-26T12:00:00Z';

describe('credsweep demo', () => {
  it('--seed with Security Hub findings --auto-approve --state-out: remediated users RESOLVED naming the run, the exempt SUPPRESSED, other controls untouched; the output says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'credsweep-demo-hub-'));
    const stateOut = join(dir, 'after.json');
    const seed = fileURLToPath(new URL('../../samples/security-hub-account.json', import.meta.url));

    const run = await runCli([
      'demo',
      '--home',
      dir,
      '--now',
      NOW,
      '--seed',
      seed,
      '--auto-approve',
      '--state-out',
      stateOut,
    ]);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Security Hub findings: 4 RESOLVED, 1 SUPPRESSED.');
    const runName = /Evidence: .*\/runs\/(\S+)/.exec(run.stdout)?.[1] ?? '?';
    const findings = (parseSeed(readFileSync(stateOut, 'utf8'), stateOut).securityHub?.findings ?? []).map(
      (f) => ({
        control: f.Compliance?.SecurityControlId ?? f.GeneratorId,
        user: f.Resources?.[0]?.Id.split('/').pop(),
        status: f.Workflow?.Status,
        note: f.Note?.Text ?? null,
        by: f.Note?.UpdatedBy ?? null,
      }),
    );
    const byUser = (user: string, control: string) =>
      findings.find((f) => f.user === user && f.control === control);
    for (const [user, control] of [
      ['stale.console', 'IAM.8'],
      ['stale.both', 'IAM.22'],
      ['stale.both', 'cis-aws-foundations-benchmark/v/1.4.0/1.12'],
      ['ci+deploy@svc', 'IAM.22'],
    ] as const) {
      expect(byUser(user, control), `${user} ${control}`).toMatchObject({
        status: 'RESOLVED',
        by: `credsweep/${runName}`,
      });
      expect(byUser(user, control)?.note).toContain(`credsweep run ${runName} disabled`);
    }
    expect(byUser('exempt.tagged', 'IAM.22')).toMatchObject({ status: 'SUPPRESSED' });
    expect(byUser('stale.console', 'IAM.5')).toEqual({
      control: 'IAM.5',
      user: 'stale.console',
      status: 'NEW',
      note: null,
      by: null,
    });
    expect(byUser('fresh.user', 'IAM.22')).toMatchObject({ status: 'NEW', note: null });
  });

  it('--json prints one object with the contract keys, and --state-out writes the account in the seed format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'credsweep-demo-cli-'));
    const stateOut = join(dir, 'after.json');

    const run = await runCli([
      'demo',
      '--home',
      dir,
      '--now',
      NOW,
      '--auto-approve',
      '--json',
      '--state-out',
      stateOut,
    ]);

    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(Object.keys(result)).toEqual([
      'status',
      'outcome',
      'executionName',
      'changes',
      'skippedAtRecheck',
      'transitions',
      'maxPayloadBytes',
      'maxMapResultBytes',
      'maxExecutionEvents',
      'evidenceDir',
    ]);
    expect(result).toMatchObject({ status: 'SUCCEEDED', outcome: 'remediated' });
    expect(Object.keys(result.changes[0])).toEqual(
      expect.arrayContaining(['userName', 'credential', 'accessKeyId', 'action', 'before', 'after']),
    );
    const after = parseSeed(readFileSync(stateOut, 'utf8'), stateOut);
    const bob = after.users.find((u) => u.userName === 'bob.martinez');
    expect(bob?.loginProfile).toBeNull();
  });

  it('names a seed file it cannot read, exit 1, without a stack trace', async () => {
    const run = await runCli(['demo', '--seed', '/nonexistent/seed.json', '--auto-approve']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('cannot read the seed "/nonexistent/seed.json": no such file');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 3 when the run fails, so scripts can tell', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'credsweep-demo-cli-'));

    const run = await runCli(['demo', '--home', dir, '--now', NOW, '--auto-reject', '--json']);

    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'FAILED', outcome: 'rejected', changes: [] });
  });
});
