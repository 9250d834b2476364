/**
 * The import rules `npm run lint` enforces (.dependency-cruiser.cjs): run on a small tree made for
 * each case, the way a change to the repository would meet them, and on the repository itself.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const depcruise = path.join(repo, 'node_modules', '.bin', 'depcruise');

function cruise(files: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'credsweep-imports-'));
  cpSync(path.join(repo, '.dependency-cruiser.cjs'), path.join(dir, '.dependency-cruiser.cjs'));
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', strict: true } }),
  );
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  const run = spawnSync(
    depcruise,
    ['handlers', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'],
    {
      cwd: dir,
      encoding: 'utf8',
    },
  );
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
}

describe('npm run lint: the import graph', () => {
  it('fails on two core files that import each other, naming both', () => {
    const { code, out } = cruise({
      'handlers/core/circle-a.ts': "import { b } from './circle-b.js';\nexport const a = () => b;\n",
      'handlers/core/circle-b.ts':
        "import type { a } from './circle-a.js';\nexport const b = 1;\nexport type A = typeof a;\n",
    });
    expect(code).not.toBe(0);
    expect(out).toMatch(/no-circular: handlers\/core\/circle-a\.ts/);
    expect(out).toContain('handlers/core/circle-b.ts');
  });

  it('fails when a type-only import closes a circle', () => {
    const { code, out } = cruise({
      'handlers/core/plan/a.ts': "import type { B } from './b.js';\nexport type A = { b?: B };\n",
      'handlers/core/plan/b.ts': "import type { A } from './a.js';\nexport type B = { a?: A };\n",
    });
    expect(code).not.toBe(0);
    expect(out).toContain('no-circular');
  });

  it('fails when a concept imports one that builds on it, naming the rule and both files', () => {
    const { code, out } = cruise({
      'handlers/core/change/backout.ts':
        "import { summary } from '../evidence/summary.js';\nexport const x = summary;\n",
      'handlers/core/evidence/summary.ts': 'export const summary = 1;\n',
    });
    expect(code).not.toBe(0);
    expect(out).toContain(
      'core-order-change: handlers/core/change/backout.ts → handlers/core/evidence/summary.ts',
    );
  });

  it('fails when the rules import an AWS SDK, an adapter or the command line', () => {
    const { code, out } = cruise({
      'handlers/core/plan/reads.ts':
        "import { IAMClient } from '@aws-sdk/client-iam';\nimport { x } from '../../aws/iam.js';\nexport const c = [IAMClient, x];\n",
      'handlers/aws/iam.ts': 'export const x = 1;\n',
    });
    expect(code).not.toBe(0);
    expect(out).toContain('core-is-pure: handlers/core/plan/reads.ts → @aws-sdk/client-iam');
    expect(out).toContain('core-is-pure: handlers/core/plan/reads.ts → handlers/aws/iam.ts');
  });

  it('passes a tree that keeps the order', () => {
    const { code, out } = cruise({
      'handlers/core/shared/types.ts': 'export type Id = string;\n',
      'handlers/core/plan/plan.ts':
        "import type { Id } from '../shared/types.js';\nexport const p = (i: Id) => i;\n",
      'handlers/core/evidence/collect.ts': "import { p } from '../plan/plan.js';\nexport const c = p;\n",
    });
    expect(out).toContain('no dependency violations');
    expect(code).toBe(0);
  });

  it('holds for the repository as it is', () => {
    const run = spawnSync(
      depcruise,
      ['handlers', 'cli', 'infra', 'scripts', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'],
      { cwd: repo, encoding: 'utf8' },
    );
    expect(run.stdout).toContain('no dependency violations');
    expect(run.status).toBe(0);
  });
});
