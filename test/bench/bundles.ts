/**
 * Each Lambda bundled as the CDK stack bundles it (esbuild, ESM, node22, minified, SDK included),
 * its size, and its cold import time in a fresh Node process (median of several).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { median } from './stats.js';

const HANDLERS = [
  'generate-report',
  'analyze',
  'request-approval',
  'disable-console',
  'deactivate-keys',
  'verify',
  'backout',
  'report',
  'approval-api',
];
const root = fileURLToPath(new URL('../../', import.meta.url));

export interface BundleRow {
  handler: string;
  bytes: number;
  coldImportMs: number;
}

export async function benchBundles(runs = 5): Promise<BundleRow[]> {
  const out = mkdtempSync(join(tmpdir(), 'credsweep-bundles-'));
  const rows: BundleRow[] = [];
  for (const handler of HANDLERS) {
    const outfile = join(out, `${handler}.mjs`);
    await build({
      entryPoints: [join(root, 'handlers', `${handler}.ts`)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      mainFields: ['module', 'main'],
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
      minify: true,
      keepNames: true,
      logLevel: 'silent',
    });
    const script = `const t = performance.now(); await import(${JSON.stringify(outfile)}); process.stdout.write(String(performance.now() - t));`;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      times.push(
        Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })),
      );
    }
    rows.push({ handler, bytes: statSync(outfile).size, coldImportMs: median(times) });
  }
  return rows;
}
