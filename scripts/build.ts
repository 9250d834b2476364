/**
 * `npm run build`: the JavaScript the package runs, in dist/ (git-ignored). `npm ci` (prepare),
 * `npm start`, `npm test` (vitest's global setup) and `npm pack` run it for you.
 *
 * dist/cli/ is the `credsweep` command, bundled by esbuild with every dependency it uses, so an
 * installed package needs no node_modules of its own at run time and loads only what a command
 * uses: cli/program.ts imports each command's module lazily, and esbuild's code splitting turns
 * every such import into its own chunk. `credsweep --version` loads one chunk and commander; an
 * AWS command loads the one tree-shaken SDK client it calls first, not the whole SDK.
 *
 * Why esbuild and not tsc: tsc would emit one file per source file and leave the SDK's packages
 * (hundreds of files each) to Node's resolver; bundling cuts a command's start to a few files, and
 * the build takes about a second, so it can run before every `npm start` and `npm test`. Type
 * checking stays where it is (`npm run typecheck`).
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Some bundled dependencies are CommonJS and call require(); give the ES module bundle one. */
const REQUIRE_BANNER =
  "import { createRequire as __credsweepRequire } from 'node:module'; const require = __credsweepRequire(import.meta.url);";

export async function buildCli(): Promise<void> {
  rmSync(`${ROOT}dist/cli`, { recursive: true, force: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: { main: 'cli/main.ts' },
    outdir: 'dist/cli',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // The SDK's ES module builds tree-shake to the commands a client sends.
    mainFields: ['module', 'main'],
    banner: { js: REQUIRE_BANNER },
    // Whitespace and syntax only: stack traces keep readable names, and error names (what the
    // command matches on) survive.
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    legalComments: 'external',
    logLevel: 'warning',
  });
}

export async function buildAll(): Promise<void> {
  await buildCli();
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  await buildAll();
  console.log(`credsweep: built dist/ in ${Date.now() - started} ms`);
}
