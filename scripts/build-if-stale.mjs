#!/usr/bin/env node
/**
 * `npm start` (prestart), `npm ci` and `npm pack` (prepare) run this instead of the build itself: it
 * runs `npm run build` (scripts/build.ts, about a minute on a busy machine) only when dist/ is older
 * than a source it is built from, and otherwise says so and exits at once. `npm run build` always
 * builds. Plain JavaScript on purpose: the check costs one Node start (about 0.1 s), not tsx's.
 *
 * "Older" is decided against the stamp scripts/build.ts writes after a complete build
 * (node_modules/.cache/credsweep/built, its time the moment that build started, so a file saved
 * during a build makes the next one run): stale when the stamp or one of the outputs is missing, or
 * a file below a source folder, a build setting or the installed dependencies
 * (node_modules/.package-lock.json, which every `npm ci`/`npm install` rewrites) is newer.
 *
 * `--check` only reports: exit 0 when dist/ is current, 1 (with the reason) when it would build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** Written by scripts/build.ts (BUILD_STAMP there) after a complete build. */
const STAMP = 'node_modules/.cache/credsweep/built';
/** What dist/ is built from: folders are walked, files compared as they are. */
const SOURCES = [
  'cli',
  'handlers',
  'infra',
  'scripts/build.ts',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.cdk.json',
  'node_modules/.package-lock.json',
];
/** One file of each part of dist/ (the Lambda bundles are checked as a folder with content). */
const OUTPUTS = ['dist/cli/main.js', 'dist/cdk/index.js', 'dist/types/infra/cdk.d.ts', 'dist/lambda'];

/** The newest file at or below `path`, or null when there is none. */
function newest(path) {
  if (!existsSync(path)) return null;
  const stat = statSync(path);
  if (!stat.isDirectory()) return { path, mtimeMs: stat.mtimeMs };
  let found = null;
  for (const entry of readdirSync(path)) {
    const inner = newest(join(path, entry));
    if (inner && (!found || inner.mtimeMs > found.mtimeMs)) found = inner;
  }
  return found;
}

/** Why dist/ must be built, or null when it is current. */
export function staleReason(root = ROOT) {
  const missing = OUTPUTS.find((output) => {
    const path = join(root, output);
    return !existsSync(path) || (statSync(path).isDirectory() && readdirSync(path).length === 0);
  });
  if (missing) return `${missing} is missing`;
  const stamp = join(root, STAMP);
  if (!existsSync(stamp)) return 'no complete build is recorded';
  const built = statSync(stamp).mtimeMs;
  for (const source of SOURCES) {
    const file = newest(join(root, source));
    if (file && file.mtimeMs > built) return `${relative(root, file.path)} is newer than dist/`;
  }
  return null;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const reason = staleReason();
  if (process.argv.includes('--check')) {
    console.log(reason === null ? 'credsweep: dist/ is current' : `credsweep: would build: ${reason}`);
    process.exit(reason === null ? 0 : 1);
  }
  if (reason === null) {
    console.error('credsweep: dist/ is current, not rebuilt (`npm run build` forces it)');
  } else {
    console.error(`credsweep: building dist/: ${reason}`);
    const tsx = createRequire(join(ROOT, 'package.json')).resolve('tsx/cli');
    const build = spawnSync(process.execPath, [tsx, join(ROOT, 'scripts', 'build.ts')], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    process.exit(build.status ?? 1);
  }
}
