/**
 * The Node versions the project states agree with what it depends on: package.json's `engines`, the
 * README and install guide, CI (`.ci/run` installs with `--engine-strict`) and every package in the
 * lock file. Checked with npm's own semver, as `npm ci` checks engines, so a dependency that asks for
 * a newer Node than the project promises fails here before anyone sees EBADENGINE.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Semver {
  satisfies(version: string, range: string, options?: { includePrerelease?: boolean }): boolean;
  minVersion(range: string): { version: string } | null;
}
interface LockEntry {
  version?: string;
  optional?: boolean;
  engines?: { node?: string };
}

const manifest = JSON.parse(read('package.json')) as { engines: { node: string } };
const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, LockEntry> };
let semver: Semver;
let lowest: string;

beforeAll(async () => {
  const { stdout } = await promisify(execFile)('npm', ['root', '-g']);
  semver = createRequire(join(stdout.trim(), 'npm', 'package.json'))('semver') as Semver;
  const min = semver.minVersion(manifest.engines.node);
  if (!min) throw new Error(`package.json engines.node ${manifest.engines.node} admits no version`);
  lowest = min.version;
});

describe('Node versions', () => {
  it('every installed package (but optional, platform-only ones) runs on the lowest Node package.json promises, and on this one', () => {
    const refuse = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && !entry.optional && entry.engines?.node !== undefined)
      .flatMap(([path, entry]) => {
        const range = entry.engines?.node ?? '*';
        return [lowest, process.version]
          .filter((node) => !semver.satisfies(node, range, { includePrerelease: true }))
          .map(
            (node) => `${path.replace(/^.*node_modules\//, '')}@${entry.version} wants ${range}, not ${node}`,
          );
      });
    expect(refuse).toEqual([]);
    expect(semver.satisfies(process.version, manifest.engines.node)).toBe(true);
  });

  it('npm install prints no EBADENGINE', async () => {
    const { stderr } = await promisify(execFile)(
      'npm',
      ['install', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'],
      { cwd: ROOT },
    );
    expect(stderr).not.toContain('EBADENGINE');
  });

  it('the README, the install guide and deploy.md state the same lowest version, and CI installs with --engine-strict', () => {
    const stated = lowest.replace(/\.0$/, '');
    for (const doc of ['README.md', 'docs/install.md', 'docs/deploy.md']) {
      expect(read(doc), doc).toContain(`Node.js ${stated}`);
    }
    expect(read('.ci/run')).toMatch(/^npm ci .*--engine-strict/m);
  });
});
