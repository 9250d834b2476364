/**
 * `npm run build`: the JavaScript the package runs, in dist/ (git-ignored), always built anew.
 * `npm ci` (prepare), `npm start` and `npm pack` run it through scripts/build-if-stale.mjs, only when
 * a source is newer than the last complete build; `npm test` (vitest's global setup) and `npx cdk
 * synth` (infra/app.ts) build what they need themselves.
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
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { lambdaDir } from '../cli/package-files.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Some bundled dependencies are CommonJS and call require(); give the ES module bundle one. */
const REQUIRE_BANNER =
  "import { createRequire as __credsweepRequire } from 'node:module'; const require = __credsweepRequire(import.meta.url);";

/**
 * What every bundle shares: one ES module for Node with its dependencies in, the SDK's ES module
 * builds (they tree-shake to the commands a client sends), a require() for the CommonJS ones, and
 * names kept through minification (error names are what the command and Step Functions' Retry/Catch
 * match on; stack traces stay readable).
 */
const BUNDLE = {
  absWorkingDir: ROOT,
  bundle: true,
  format: 'esm',
  platform: 'node',
  mainFields: ['module', 'main'],
  banner: { js: REQUIRE_BANNER },
  keepNames: true,
  logLevel: 'warning',
} as const satisfies BuildOptions;

/** Whitespace and syntax only, for the command and the construct people run and read. */
const READABLE = { minifyWhitespace: true, minifySyntax: true, legalComments: 'external' } as const;

/**
 * aws-local-stepfunctions imports the Lambda client and the credential providers for Task states it
 * would invoke in AWS. credsweep gives every Task a local handler, so the command bundles a stand-in
 * that refuses (cli/local/no-aws-lambda.ts): `demo` and the other local commands load no AWS SDK.
 */
const localEngineWithoutAws: Plugin = {
  name: 'local-engine-without-aws',
  setup(plugin) {
    plugin.onResolve({ filter: /^@aws-sdk\/(client-lambda|credential-providers)$/ }, (args) =>
      args.importer.includes('aws-local-stepfunctions')
        ? { path: `${ROOT}cli/local/no-aws-lambda.ts` }
        : undefined,
    );
  },
};

export async function buildCli(): Promise<void> {
  rmSync(`${ROOT}dist/cli`, { recursive: true, force: true });
  await build({
    ...BUNDLE,
    ...READABLE,
    entryPoints: { main: 'cli/main.ts' },
    outdir: 'dist/cli',
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    target: 'node20',
    plugins: [localEngineWithoutAws],
  });
}

/**
 * A Lambda function calls its adapters at once, so its bundle imports them statically: esbuild then
 * keeps only the parts of each SDK client the adapter uses (a module reached through `import()` is
 * kept whole, about a third more code). handlers/aws/adapters.ts loads them on first call for the
 * command's local runs; here each `await import('./x.js')` there becomes a static import, and the
 * adapters a function does not declare drop out as unused (they are marked free of side effects).
 */
const staticAdapters: Plugin = {
  name: 'static-adapters',
  setup(plugin) {
    plugin.onLoad({ filter: /handlers[\\/]aws[\\/]adapters\.ts$/ }, (args) => {
      const imports: string[] = [];
      const contents = readFileSync(args.path, 'utf8').replace(
        /await import\('(\.\/[\w-]+\.js)'\)/g,
        (_call, specifier: string) => {
          const name = `adapter${imports.length}`;
          imports.push(`import * as ${name} from '${specifier}';`);
          return name;
        },
      );
      return { contents: `${imports.join('\n')}\n${contents}`, loader: 'ts' };
    });
    plugin.onResolve({ filter: /^\.\/[\w-]+\.js$/ }, (args) =>
      /handlers[\\/]aws[\\/]adapters\.ts$/.test(args.importer)
        ? { path: join(dirname(args.importer), args.path.replace(/\.js$/, '.ts')), sideEffects: false }
        : undefined,
    );
  },
};

/**
 * dist/lambda/<handler>/index.mjs: each Lambda function's code, bundled once here, so the construct
 * (infra/constructs/credsweep-function.ts) deploys the same files from a clone and from an
 * installed package, without esbuild or Docker at synth time. ESM for node22, fully minified, a
 * source map without the sources (the functions run with --enable-source-maps), and the pinned AWS
 * SDK included rather than whatever SDK the runtime carries.
 */
export async function buildLambdas(): Promise<void> {
  const { FUNCTIONS } = await import('../handlers/aws/functions.js');
  rmSync(`${ROOT}dist/lambda`, { recursive: true, force: true });
  await Promise.all(
    Object.values(FUNCTIONS).map(({ entry }) =>
      build({
        ...BUNDLE,
        entryPoints: [`handlers/${entry}`],
        outfile: `${lambdaDir(entry)}/index.mjs`,
        target: 'node22',
        minify: true,
        sourcemap: true,
        sourcesContent: false,
        plugins: [staticAdapters],
      }),
    ),
  );
}

/**
 * dist/cdk/index.js, the `credsweep/cdk` entry (infra/cdk.ts): the construct with what it imports
 * bundled in, except aws-cdk-lib and constructs, which are the app's own (peer dependencies).
 */
export async function buildConstruct(): Promise<void> {
  rmSync(`${ROOT}dist/cdk`, { recursive: true, force: true });
  await build({
    ...BUNDLE,
    ...READABLE,
    entryPoints: { index: 'infra/cdk.ts' },
    outdir: 'dist/cdk',
    target: 'node20',
    external: ['aws-cdk-lib', 'constructs'],
  });
}

/**
 * dist/types/: the declarations of `credsweep/cdk` (tsconfig.cdk.json), for `npm pack`; the
 * slowest step, so vitest's global setup leaves it out.
 */
export function buildTypes(): void {
  rmSync(`${ROOT}dist/types`, { recursive: true, force: true });
  execFileSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.cdk.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

/** What the test suites need: the command, the Lambda bundles and the construct. */
export async function buildAll(): Promise<void> {
  await Promise.all([buildCli(), buildLambdas(), buildConstruct()]);
}

/**
 * Marks a complete build (scripts/build-if-stale.mjs reads it: `npm start`, `npm ci` and `npm pack`
 * build only when a source is newer). Its time is when the build started, so a file saved while it
 * ran makes the next one build again. Under node_modules/.cache: never committed, never packed.
 */
export const BUILD_STAMP = `${ROOT}node_modules/.cache/credsweep/built`;

function stampBuild(startedMs: number): void {
  mkdirSync(dirname(BUILD_STAMP), { recursive: true });
  writeFileSync(BUILD_STAMP, `${new Date(startedMs).toISOString()}\n`);
  utimesSync(BUILD_STAMP, startedMs / 1000, startedMs / 1000);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  await buildAll();
  buildTypes();
  stampBuild(started);
  console.log(`credsweep: built dist/ in ${Date.now() - started} ms`);
}
