/**
 * The small things a careful user notices (issue 12): the demo's link with --json, options checked
 * before the home is touched, one-line errors for file problems, private outbox files, backout of
 * users a run never changed, and text from records shown with visible escapes.
 */
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { actAsApprover } from '../../cli/local/auto-approver.js';
import { loadLocalAccount } from '../../cli/local/home-sandbox.js';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/demo.js';
import { rawControls } from '../helpers/raw-control.js';

const BIN = fileURLToPath(new URL('../../bin/credsweep.mjs', import.meta.url));
const temp = () => mkdtempSync(join(tmpdir(), 'credsweep-small-'));

describe('credsweep demo --json without --auto-*', () => {
  it('prints the approval link on stderr at once, and stdout stays one JSON object', async () => {
    const home = temp();
    const child = spawn(process.execPath, [BIN, 'demo', '--json', '--home', home]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    const link = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no link on stderr: ${stderr}`)), 60_000);
      child.stderr.on('data', (d) => {
        stderr += d;
        const found = /https?:\/\/127\.0\.0\.1:\d+\/approvals\/\S+/.exec(stderr)?.[0];
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      });
    });
    expect(stdout).toBe('');

    await actAsApprover(link, 'approve');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'SUCCEEDED', outcome: 'remediated' });
    expect(stderr).toContain('Open this link to review and decide:');
  }, 120_000);
});

describe('credsweep demo checks every option before it touches its home', () => {
  it.each([
    [['--days', '99999'], /days: Too big|days: .*3650/],
    [['--users', 'not a user!'], /users\.0: not a valid IAM user name/],
    [['--max-credentials', '99999999999'], /Expected a whole number|max/i],
  ])('%j: exit non-zero, home not created', async (args, message) => {
    const home = join(temp(), 'home');

    const run = await runCli(['demo', '--home', home, '--auto-approve', ...args]);

    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(message);
    expect(existsSync(home)).toBe(false);
  });
});

describe('after a demo run', () => {
  let home: string;
  let name: string;

  beforeAll(async () => {
    home = temp();
    const run = await runCli(['demo', '--auto-approve', '--json', '--home', home]);
    name = JSON.parse(run.stdout).executionName;
  });

  it('keeps outbox files (which hold approval link keys) readable by their owner only', () => {
    const files = readdirSync(join(home, 'outbox'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(statSync(join(home, 'outbox', f)).mode & 0o777, f).toBe(0o600);
  });

  it('evidence --out onto a file is one plain line, exit 1', async () => {
    const file = join(temp(), 'taken');
    writeFileSync(file, 'x');

    const run = await runCli(['evidence', name, '--local', '--home', home, '--out', file]);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `credsweep: cannot write the evidence to ${file}: it exists and is not a directory\n`,
    );
  });

  it('a corrupt local record is one plain line naming the file, exit 1', async () => {
    const copy = temp();
    mkdirSync(join(copy, 'executions'));
    writeFileSync(join(copy, 'executions', `${name}.json`), '{"executionArn": "arn:aws:states:us-e');

    const run = await runCli(['show', name, '--local', '--home', copy]);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `^credsweep: the local record ${copy}/executions/${name}\\.json is not valid JSON \\(.*\\); it was changed or cut short outside credsweep\\n$`,
      ),
    );
  });

  it('backout --users naming a user the run did not change exits non-zero, naming it, and restores nothing', async () => {
    const before = loadLocalAccount(home);

    const run = await runCli(['backout', name, '--local', '--home', home, '--users', 'bob.martinez,nobody']);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(`^credsweep: ${name} changed nothing of nobody \\(its ledger names .*bob\\.martinez`),
    );
    expect(loadLocalAccount(home)).toEqual(before);
  });

  it("show prints an approver's reason and names from the record with visible escapes", async () => {
    const path = join(home, 'runs', name, 'evidence.json');
    const evidence = JSON.parse(readFileSync(path, 'utf8'));
    evidence.approval.decision.reason = 'ok\nFORGED line \u001b[2J\u202eevil';
    evidence.changes[0].userName = 'bob\u0085\u2066x';
    writeFileSync(path, JSON.stringify(evidence));

    const run = await runCli(['show', name, '--local', '--home', home]);

    expect(run.code).toBe(0);
    expect(rawControls(run.stdout)).toEqual([]);
    expect(run.stdout).not.toMatch(/^FORGED/m);
    expect(run.stdout).toContain('reason     ok\\u{A}FORGED line \\u{1B}[2J\\u{202E}evil');
    expect(run.stdout).toContain('bob\\u{85}\\u{2066}x');
  });
});

describe('progress marks', () => {
  it('marks a failed step ✗ and never ✓ (issue 24)', async () => {
    const run = await runCli([
      'demo',
      '--auto-approve',
      '--fail-at',
      'deactivate-keys',
      '--home',
      tempHome(),
    ]);
    const lines = run.stdout.split('\n');
    expect(lines.some((l) => /✗ ApplyBatches: FAILED/.test(l))).toBe(true);
    expect(lines.filter((l) => /✓/.test(l) && /FAILED/.test(l))).toEqual([]);
  }, 60_000);
});

describe('errors of several lines', () => {
  it('print as lines, each neutralised, with no escaped line break (issue 23)', async () => {
    const { errorLine } = await import('../../cli/output.js');
    const line = errorLine('seed.json: invalid seed\n  accountId: expected 12 digits\n  name: bad\u0007');
    expect(line).not.toContain('\\u{A}');
    expect(line.split('\n')).toHaveLength(4);
    expect(line).toContain('accountId: expected 12 digits');
    expect(line).not.toContain('\u0007');
  });

  it('a seed with two problems is refused with one line per problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'credsweep-seed-'));
    const file = join(dir, 'seed.json');
    writeFileSync(file, JSON.stringify({ accountId: '12', users: [{ userName: 'a b', createdAt: 'nope' }] }));
    const run = await runCli(['demo', '--seed', file, '--home', dir]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).not.toContain('\\u{A}');
    expect(run.stderr).toMatch(/\n\s+accountId: expected 12 digits/);
    expect(run.stderr).toMatch(/\n\s+users\[0\]\.userName:/);
  });
});
