/**
 * Every command a `--local` command suggests pastes as it is: after `history --local`, `status <run>
 * --local` and `show <run> --local` (of an account run and of an organization run, with and without
 * `--account`), each `credsweep …` the output names carries `--local`, and `--home DIR` when the
 * home is not the default; then each one is run, as printed, with the built bin, and succeeds.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'credsweep.mjs');
const ORG_SEED = join(ROOT, 'samples', 'lifecycle-organization.json');
const NOW = '2026-11-02T09:00:00Z';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The built bin in `cwd`, as a person runs it. */
function credsweep(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd }, (error, stdout, stderr) => {
      resolve({
        code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1,
        stdout,
        stderr,
      });
    });
  });
}

/**
 * Every `credsweep <command> …` the output suggests (in brackets or after a colon: `(credsweep evidence
 * …)`, `Details: credsweep show …`), up to the bracket, quote or `;` that ends it. A STARTED BY column
 * that says `credsweep demo` is not a suggestion.
 */
function hints(output: string): string[] {
  return [
    ...output.matchAll(
      /(?:\(|: )credsweep ((?:evidence|show|status|history|start|backout|demo)\b[^()`;\n]*)/g,
    ),
  ].map((m) => `credsweep ${String(m[1]).trim()}`);
}

/** A printed hint as argv: the homes here have no spaces, so words split on blanks. */
const argv = (hint: string, run: string) =>
  hint
    .replace(/^credsweep /, '')
    .replaceAll('<name>', run)
    .split(/\s+/);

interface Home {
  cwd: string;
  /** What to add to a command to reach it: nothing for the default ./.credsweep. */
  home: string[];
  run: string;
  account?: string;
}

let account: Home;
let defaultHome: Home;
let organization: Home;

beforeAll(async () => {
  const scratch = mkdtempSync(join(tmpdir(), 'credsweep-hints-'));
  const dir = join(scratch, 'home');
  const first = await credsweep(['demo', '--auto-approve', '--json', '--home', dir], scratch);
  expect(first.stderr).toBe('');
  account = { cwd: scratch, home: ['--home', dir], run: JSON.parse(first.stdout).executionName };

  const plain = mkdtempSync(join(tmpdir(), 'credsweep-hints-default-'));
  const second = await credsweep(['demo', '--auto-approve', '--json'], plain);
  expect(second.stderr).toBe('');
  defaultHome = { cwd: plain, home: [], run: JSON.parse(second.stdout).executionName };

  const orgDir = join(scratch, 'org-home');
  const third = await credsweep(
    ['demo', '--seed', ORG_SEED, '--now', NOW, '--auto-approve', '--json', '--home', orgDir],
    scratch,
  );
  expect(third.stderr).toBe('');
  const org = JSON.parse(third.stdout) as { executionName: string; accounts: { accountId: string }[] };
  organization = {
    cwd: scratch,
    home: ['--home', orgDir],
    run: org.executionName,
    account: org.accounts.find((a) => a.accountId === '222222222222')?.accountId ?? '',
  };
});

async function checkHints(where: Home, command: string[]): Promise<void> {
  const shown = await credsweep([...command, '--local', ...where.home], where.cwd);
  expect(shown.code, shown.stderr).toBe(0);
  const suggested = hints(shown.stdout);
  expect(suggested.length, shown.stdout).toBeGreaterThan(0);
  for (const hint of suggested) {
    expect(hint, `${command.join(' ')} suggests it`).toContain(' --local');
    if (where.home.length > 0) expect(hint).toContain(` ${where.home.join(' ')}`);
    else expect(hint).not.toContain('--home');
    const pasted = await credsweep(argv(hint, where.run), where.cwd);
    expect(pasted.code, `${hint}: ${pasted.stderr}`).toBe(0);
  }
}

describe('hints after --local commands paste', () => {
  it('history --local (a home given with --home)', () => checkHints(account, ['history']));
  it('history --local (the default home)', () => checkHints(defaultHome, ['history']));
  it('status <run> --local', () => checkHints(account, ['status', account.run]));
  it('show <run> --local', () => checkHints(account, ['show', account.run]));
  it('show <run> --local in the default home', () => checkHints(defaultHome, ['show', defaultHome.run]));
  it('history --local with an organization run', () => checkHints(organization, ['history']));
  it('status <org run> --local --account ID', () =>
    checkHints(organization, ['status', organization.run, '--account', organization.account ?? '']));
  it('show <org run> --local --account ID', () =>
    checkHints(organization, ['show', organization.run, '--account', organization.account ?? '']));
});
