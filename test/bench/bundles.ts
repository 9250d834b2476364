/**
 * Each Lambda bundle exactly as the stack deploys it (dist/lambda, built by scripts/build.ts
 * buildLambdas: ESM, node22, minified, SDK included), its size, and its cold import time in a
 * fresh Node process (median of several).
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lambdaDir } from '../../cli/package-files.js';
import { FUNCTIONS } from '../../handlers/aws/functions.js';
import { buildLambdas } from '../../scripts/build.js';
import { median } from './stats.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface BundleRow {
  handler: string;
  bytes: number;
  coldImportMs: number;
}

export async function benchBundles(runs = 5): Promise<BundleRow[]> {
  await buildLambdas();
  const rows: BundleRow[] = [];
  for (const { entry } of Object.values(FUNCTIONS)) {
    const handler = entry.replace(/\.ts$/, '');
    const file = join(root, lambdaDir(entry), 'index.mjs');
    const script = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      times.push(
        Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })),
      );
    }
    rows.push({ handler, bytes: statSync(file).size, coldImportMs: median(times) });
  }
  return rows;
}
