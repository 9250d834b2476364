/**
 * A local home keeps every account and organization it has seen, and every change as it is made
 * (docs/local-home.md): a later demo of another account, two backouts at once in two processes, or
 * a process killed in the middle of its changes loses nothing, and `backout <any run> --local`
 * works on the account that run changed. The two-process cases run the built bin, as a person
 * does in two terminals; the rest run the commands in this process (runCli).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readExecution } from '../../cli/local/executions.js';
import { loadLocalAccount } from '../../cli/local/home-sandbox.js';
import { SAMPLE_ACCOUNT_ID, sampleSeed } from '../../cli/local/sample-account.js';
import { isOrganizationSeed, type Seed } from '../../cli/local/seed.js';
import type { LedgerEntry } from '../../handlers/core/shared/types.js';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/demo.js';
import { largeAccountSeed } from '../helpers/large-account.js';

const BIN = fileURLToPath(new URL('../../bin/credsweep.mjs', import.meta.url));
const T = new Date('2026-11-20T09:00:00.000Z');

/** What a person would check: which users have a console password, and each key's status. */
function credentials(seed: Seed) {
  return Object.fromEntries(
    seed.users.map((u) => [
      u.userName,
      {
        console: u.loginProfile !== null,
        keys: Object.fromEntries(u.accessKeys.map((k) => [k.accessKeyId, k.status])),
      },
    ]),
  );
}

/** The account the run changed, as the home has it now. */
const accountOf = (home: string, run: string) => loadLocalAccount(home, run) as Seed;

function ledgerOf(home: string, run: string): LedgerEntry[] {
  const dir = join(home, 'store', 'ledger', run);
  return readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as LedgerEntry);
}

/** The built bin, in its own process. */
function bin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code ?? -1), stdout, stderr });
    });
  });
}

async function approvedDemo(home: string, extra: string[] = []): Promise<{ name: string; changed: number }> {
  const run = await runCli([
    'demo',
    '--auto-approve',
    '--json',
    '--home',
    home,
    '--now',
    T.toISOString(),
    ...extra,
  ]);
  expect(run.code, run.stderr).toBe(0);
  const out = JSON.parse(run.stdout) as { executionName: string; changes: unknown[] };
  return { name: out.executionName, changed: out.changes.length };
}

describe('a second demo of another account in the same home', () => {
  it('leaves the first run backed out by backout <first run> --local, its credentials back as the seed had them', async () => {
    const home = tempHome();
    const seed = sampleSeed(T);
    const first = await approvedDemo(home);
    expect(first.changed).toBeGreaterThan(0);
    expect(credentials(accountOf(home, first.name))).not.toEqual(credentials(seed));
    // The organization demo becomes the home's current one; the first account stays as its run left it.
    await approvedDemo(home, ['--org']);

    const back = await runCli(['backout', first.name, '--local', '--home', home, '--json']);

    expect(back.code, back.stderr).toBe(0);
    const out = JSON.parse(back.stdout);
    expect(out.run).toMatchObject({ outcome: 'backed-out', counts: { restored: first.changed } });
    const account = accountOf(home, first.name);
    expect(account.accountId).toBe(SAMPLE_ACCOUNT_ID);
    expect(credentials(account)).toEqual(credentials(seed));
    // The organization's changes are untouched, and `start --local` still runs over it.
    const org = await runCli(['start', '--local', '--home', home, '--all-accounts', '--dry-run', '--json']);
    expect(org.code, org.stderr).toBe(0);
  }, 180_000);
});

describe('two backouts of one run at once, in two processes', () => {
  it('leave the ledger and the sandbox agreeing: every credential the ledger says is restored is back', async () => {
    const home = tempHome();
    const seed = sampleSeed(T);
    const run = await approvedDemo(home);

    const both = await Promise.all([
      bin(['backout', run.name, '--local', '--home', home, '--json']),
      bin(['backout', run.name, '--local', '--home', home, '--json']),
    ]);

    // At least one restored; the other stopped at the account's guard or found nothing left to do.
    expect(
      both.some((b) => b.code === 0),
      both.map((b) => b.stderr).join('\n'),
    ).toBe(true);
    const ledger = ledgerOf(home, run.name);
    expect(ledger.length).toBeGreaterThan(0);
    expect(ledger.filter((e) => e.status !== 'restored')).toEqual([]);
    expect(credentials(accountOf(home, run.name))).toEqual(credentials(seed));
  }, 180_000);
});

describe('a run killed in the middle of its changes', () => {
  it('keeps each change it made, and its backout leaves the sandbox as the seed had it', async () => {
    const home = tempHome();
    // Dated two hours back, so the killed run's account guard (an hour's lease) has lapsed when the
    // backout starts, as it would have in AWS by then.
    const then = new Date(Date.now() - 2 * 3_600_000);
    const seed = largeAccountSeed({ users: 400, staleFraction: 0.5, now: then });
    const seedFile = join(home, 'seed.json');
    writeFileSync(seedFile, JSON.stringify(seed));
    const usersDir = join(home, 'sandbox', 'accounts', seed.accountId, 'users');

    // Its output is not read: ignored, so a full pipe can never hold it up before the kill.
    const child = spawn(
      process.execPath,
      [
        ...[BIN, 'demo', '--seed', seedFile, '--home', home, '--now', then.toISOString()],
        ...['--auto-approve', '--max-credentials', '5000', '--json'],
      ],
      { stdio: 'ignore' },
    );
    const name = await killAfterFirstChanges(child, usersDir);

    // It died mid-run, and what it had changed by then is in the home (written through).
    expect(readExecution(home, name)?.status).toBe('ABORTED');
    const before = credentials(seed);
    const after = credentials(accountOf(home, name));
    const changed = Object.keys(before).filter((u) => JSON.stringify(before[u]) !== JSON.stringify(after[u]));
    expect(changed.length).toBeGreaterThanOrEqual(3);

    const back = await runCli(['backout', name, '--local', '--home', home, '--json']);

    expect(back.code, back.stderr).toBe(0);
    expect(JSON.parse(back.stdout).run.outcome).toBe('backed-out');
    expect(credentials(accountOf(home, name))).toEqual(credentials(seed));
  }, 180_000);
});

/** Kills the demo (SIGKILL) as soon as its first changes are in the home; resolves with its run name. */
async function killAfterFirstChanges(child: ChildProcess, usersDir: string): Promise<string> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 120_000;
  while (!(existsSync(usersDir) && readdirSync(usersDir).length >= 3)) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error('the demo made no change to kill it after');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  child.kill('SIGKILL');
  await exited;
  const home = join(usersDir, '..', '..', '..', '..');
  const [record] = readdirSync(join(home, 'executions'));
  if (!record) throw new Error('the killed demo left no execution record');
  return record.replace(/\.json$/, '');
}

describe('a home written by an earlier credsweep (one sandbox.json)', () => {
  it('is taken in on first use: start --local runs over its account, and the old file is set aside', async () => {
    const home = tempHome();
    const seed = sampleSeed(T);
    writeFileSync(join(home, 'sandbox.json'), JSON.stringify(seed));

    const run = await runCli([
      'start',
      '--local',
      '--home',
      home,
      '--auto-approve',
      '--now',
      T.toISOString(),
      '--json',
    ]);

    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.run).toMatchObject({ outcome: 'remediated' });
    expect(existsSync(join(home, 'sandbox.json'))).toBe(false);
    expect(JSON.parse(readFileSync(join(home, 'sandbox.json.migrated'), 'utf8'))).toEqual(seed);
    expect(credentials(accountOf(home, out.name))).not.toEqual(credentials(seed));
  }, 120_000);

  it('a demo of another account there keeps the old account and makes the new one current', async () => {
    const home = tempHome();
    const seed = sampleSeed(T);
    writeFileSync(join(home, 'sandbox.json'), JSON.stringify(seed));

    await approvedDemo(home, ['--org']);

    expect(existsSync(join(home, 'sandbox.json'))).toBe(false);
    expect(isOrganizationSeed(loadLocalAccount(home))).toBe(true);
    // An account run of the old account would find it as the old file had it.
    const oldRun = `arn:aws:states:us-east-1:${SAMPLE_ACCOUNT_ID}:execution:credsweep-remediation:old-run`;
    expect(loadLocalAccount(home, oldRun)).toEqual(seed);
  }, 120_000);
});
