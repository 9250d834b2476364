/**
 * The command in a clone, after `npm ci`: `node bin/credsweep.mjs` starts at once, and `npx
 * credsweep` neither rebuilds nor installs anything, because `prepare` (what npx runs when it links
 * the clone into its cache) builds only when a source is newer than dist/ (scripts/build-if-stale.mjs).
 *
 * The clone is a stand-in in a temporary folder, not this checkout, so that no test ever starts a
 * build under the feet of the suites running the bin: package.json, bin/ and the staleness check
 * copied, dist/ linked to this checkout's, and a build stamp of its own.
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  scripts: Record<string, string>;
};
const STAMP = join('node_modules', '.cache', 'credsweep', 'built');
const LONG_AGO = new Date('2020-01-01T00:00:00Z');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** PATH without any node_modules/.bin: what a shell in a fresh clone has. */
const PATH = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((dir) => !dir.includes('node_modules'))
  .join(delimiter);

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: { ...process.env, PATH, ...env } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

let clone: string;

beforeAll(() => {
  clone = mkdtempSync(join(tmpdir(), 'credsweep-clone-'));
  copyFileSync(join(ROOT, 'package.json'), join(clone, 'package.json'));
  cpSync(join(ROOT, 'bin'), join(clone, 'bin'), { recursive: true });
  mkdirSync(join(clone, 'scripts'));
  copyFileSync(join(ROOT, 'scripts', 'build-if-stale.mjs'), join(clone, 'scripts', 'build-if-stale.mjs'));
  symlinkSync(join(ROOT, 'dist'), join(clone, 'dist'), 'dir');
  mkdirSync(join(clone, 'cli'));
  writeFileSync(join(clone, 'cli', 'main.ts'), '// a source file\n');
  for (const file of ['package.json', 'scripts/build-if-stale.mjs', 'cli/main.ts']) {
    utimesSync(join(clone, file), LONG_AGO, LONG_AGO);
  }
  mkdirSync(join(clone, 'node_modules', '.cache', 'credsweep'), { recursive: true });
  writeFileSync(join(clone, STAMP), 'a complete build\n');
});

const check = () => run(process.execPath, ['scripts/build-if-stale.mjs', '--check'], clone);

describe('a clone after npm ci', () => {
  it('npm start, npm ci and npm pack build through the staleness check; npm run build always builds', () => {
    expect(manifest.scripts).toMatchObject({
      prepare: 'node scripts/build-if-stale.mjs',
      prestart: 'node scripts/build-if-stale.mjs',
      build: 'tsx scripts/build.ts',
    });
  });

  it('the check finds dist/ current, and stale once a source is newer than the last complete build', async () => {
    expect(await check()).toMatchObject({ code: 0, stdout: 'credsweep: dist/ is current\n' });

    const now = new Date();
    utimesSync(join(clone, 'cli', 'main.ts'), now, now);
    utimesSync(join(clone, STAMP), LONG_AGO, LONG_AGO);
    expect(await check()).toMatchObject({
      code: 1,
      stdout: 'credsweep: would build: cli/main.ts is newer than dist/\n',
    });

    utimesSync(join(clone, STAMP), now, now);
    expect((await check()).code).toBe(0);
  });

  it('npm pack (prepare) and npm start (prestart) leave a current dist/ alone', async () => {
    const stampBefore = statSync(join(clone, STAMP)).mtimeMs;
    const pack = await run('npm', ['pack', '--dry-run', '--json'], clone);
    expect(pack.code, pack.stderr).toBe(0);
    expect(pack.stderr).toContain('credsweep: dist/ is current, not rebuilt');
    const start = await run('npm', ['start', '--', '--version'], clone);
    expect(start.code, start.stderr).toBe(0);
    expect(start.stderr).toContain('credsweep: dist/ is current, not rebuilt');
    expect(start.stdout).toContain(`${manifest.version}\n`);
    expect(statSync(join(clone, STAMP)).mtimeMs).toBe(stampBefore);
  });

  it('node bin/credsweep.mjs --version prints the version', async () => {
    const r = await run(process.execPath, ['bin/credsweep.mjs', '--version'], clone);
    expect(r).toMatchObject({ code: 0, stdout: `${manifest.version}\n` });
  });

  it('npx credsweep --version with an empty npm cache runs the clone command without building, under 5 s; npm links the clone into its npx cache, copying nothing', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'credsweep-npm-cache-'));
    const stampBefore = statSync(join(clone, STAMP)).mtimeMs;
    const r = await run('npx', ['credsweep', '--version'], clone, { npm_config_cache: cache });
    expect(r, r.stderr).toMatchObject({ code: 0, stdout: `${manifest.version}\n` });
    expect(r.ms).toBeLessThan(5000);
    expect(statSync(join(clone, STAMP)).mtimeMs).toBe(stampBefore);

    // npm (9 and later) always runs a project's own bin through its npx cache: it links the project
    // there and runs its `prepare`, whatever node_modules/.bin holds. Nothing else lands there.
    const [entry, ...more] = readdirSync(join(cache, '_npx'));
    expect(more).toEqual([]);
    const linked = join(cache, '_npx', String(entry), 'node_modules', 'credsweep');
    expect(lstatSync(linked).isSymbolicLink()).toBe(true);
    expect(resolve(join(linked, '..'), readlinkSync(linked))).toBe(clone);
    const installed = readdirSync(join(cache, '_npx', String(entry), 'node_modules')).filter(
      (name) => !name.startsWith('.'),
    );
    expect(installed).toEqual(['credsweep']);
  });
});
