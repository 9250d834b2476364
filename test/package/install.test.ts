/**
 * The package as a user gets it: `npm pack`, then `npm install ./credsweep-<version>.tgz` in an empty
 * folder outside the repository, then `npx credsweep ...` there. Packed once for the whole file.
 * dist/ is the one vitest's global setup built from this source; `--ignore-scripts` keeps npm from
 * rebuilding it under the feet of the suites that run the bin in parallel (`npm pack` alone runs the
 * same build through `prepare`).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** PATH without any node_modules/.bin, so `npx credsweep` can only find the installed package. */
const PATH = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((dir) => !dir.includes('node_modules'))
  .join(delimiter);

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env: { ...process.env, PATH, ...env }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({
          code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1,
          stdout,
          stderr,
        });
      },
    );
  });
}

let work: string;
let app: string;
let packed: { filename: string; files: { path: string }[] };

const npx = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  run('npx', ['--no', '--', 'credsweep', ...args], app, env);

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'credsweep-package-'));
  const pack = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
  expect(pack.code, pack.stderr).toBe(0);
  const [result] = JSON.parse(pack.stdout) as (typeof packed)[];
  if (!result) throw new Error(`npm pack printed no result: ${pack.stdout}`);
  packed = result;

  app = join(work, 'app');
  mkdirSync(app);
  const install = await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', `../${packed.filename}`],
    app,
  );
  expect(install.code, install.stderr).toBe(0);
}, 180_000);

describe('the tarball', () => {
  it('holds the bin, the built command and construct, the Lambda bundles, the workflow and the samples, and nothing else', () => {
    const paths = packed.files.map((f) => f.path);
    expect(packed.filename).toBe(`credsweep-${version}.tgz`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'bin/credsweep.mjs',
        'dist/cli/main.js',
        'dist/cdk/index.js',
        'dist/types/infra/cdk.d.ts',
        'dist/lambda/verify/index.mjs',
        'statemachine/remediation.asl.json',
        'samples/credential-report.csv',
      ]),
    );
    const unwanted = paths.filter(
      (p) =>
        /^(test|docs|handlers|cli|infra|scripts|node_modules)\//.test(p) ||
        // The Lambda bundles keep their maps: the functions run with --enable-source-maps.
        (p.endsWith('.map') && !/^dist\/lambda\/[\w-]+\/index\.mjs\.map$/.test(p)) ||
        (p.endsWith('.ts') && !p.endsWith('.d.ts')) ||
        /\.(png|jpe?g|gif|svg)$/.test(p),
    );
    expect(unwanted).toEqual([]);
  });

  it('is what docs/install.md lists: every file under a row of its table, every row matching a file', () => {
    const page = readFileSync(join(ROOT, 'docs', 'install.md'), 'utf8');
    const table = page.split('### What is in the package')[1]?.split('\n#')[0] ?? '';
    // `dist/lambda/<function>/index.mjs` matches any function; a path ending in / a folder.
    const rows = [...table.matchAll(/^\| (.+?) \|/gm)]
      .flatMap((m) => [...String(m[1]).matchAll(/`([^`]+)`/g)].map((c) => String(c[1])))
      .filter((path) => path !== 'path');
    const pattern = (row: string) =>
      new RegExp(
        `^${row
          .split(/<[^>]+>/)
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('[^/]+')}${row.endsWith('/') ? '' : '$'}`,
      );
    const paths = packed.files.map((f) => f.path);
    expect(paths.filter((path) => !rows.some((row) => pattern(row).test(path)))).toEqual([]);
    expect(rows.filter((row) => !paths.some((path) => pattern(row).test(path)))).toEqual([]);
  });

  it('carries the Apache License 2.0 that package.json names', () => {
    const license = readFileSync(join(app, 'node_modules', 'credsweep', 'LICENSE'), 'utf8');
    expect(license).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    expect(license).toContain('END OF TERMS AND CONDITIONS');
  });

  it('installs without pulling dependencies: the command is self-contained', () => {
    const installed = readdirSync(join(app, 'node_modules')).filter((n) => !n.startsWith('.'));
    expect(installed).toEqual(['credsweep']);
  });
});

describe('npx credsweep in a folder with only the tarball installed', () => {
  it('--version prints the package version', async () => {
    const r = await npx(['--version']);
    expect(r).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('analyze reads a credential report and prints the JSON contract', async () => {
    copyFileSync(join(ROOT, 'samples', 'credential-report.csv'), join(app, 'report.csv'));
    const r = await npx(['analyze', '--report', 'report.csv', '--now', '2026-11-26', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { thresholdDays: number; findings: { userName: string }[] };
    expect(out.thresholdDays).toBe(30);
    expect(out.findings.length).toBeGreaterThan(0);
  });

  it('demo --auto-approve runs the workflow from the packaged ASL and keeps its runs in ./.credsweep', async () => {
    const r = await npx(['demo', '--auto-approve', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { status: string; outcome: string; evidenceDir: string };
    expect(out).toMatchObject({ status: 'SUCCEEDED', outcome: 'remediated' });
    const evidenceDir = resolve(app, out.evidenceDir);
    expect(evidenceDir.startsWith(join(app, '.credsweep'))).toBe(true);
    expect(existsSync(join(evidenceDir, 'evidence.json'))).toBe(true);
  });

  describe('an AWS command', () => {
    const requests: string[] = [];
    const server = createServer((req, res) => {
      requests.push(String(req.headers['x-amz-target']));
      req.resume();
      res.writeHead(400, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-errortype': 'AccessDeniedException',
      });
      res.end('{"__type":"AccessDeniedException","message":"User: bob is not authorized"}');
    });
    let endpoint: string;
    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('start --help lists its options', async () => {
      const r = await npx(['start', '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('--state-machine <arn>');
    });

    it('status calls Step Functions with the bundled SDK and explains the refusal', async () => {
      const r = await npx(
        [
          'status',
          'run-1',
          '--state-machine',
          'arn:aws:states:us-east-1:123456789012:stateMachine:credsweep',
        ],
        {
          AWS_ENDPOINT_URL: endpoint,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
          AWS_EC2_METADATA_DISABLED: 'true',
        },
      );
      expect(requests).toContain('AWSStepFunctions.DescribeExecution');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^credsweep: .*states:DescribeExecution/m);
    });
  });
});
