/** `credsweep demo` as a script uses it: the --json contract of DESIGN.md, --state-out, and bad input. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSeed } from '../../cli/local/seed.js';
import { runCli } from '../helpers/cli.js';

const NOW = '2026-11-26T12:00:00Z';

describe('credsweep demo', () => {
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
