/**
 * How long `credsweep` takes to start, as a user runs it: whole-process wall time of the built bin
 * (bin/credsweep.mjs, dist/cli/), from spawn to exit, next to `node -e ''` measured in the same
 * rounds. The commands run round-robin, so a burst of load on the shared machine hits all of them
 * alike. For AWS commands the figure is the time until the first request reaches a local HTTP
 * server (AWS_ENDPOINT_URL), which answers AccessDenied: the rest is AWS's latency, not ours.
 *
 * The clone's two ways in are measured side by side: `node bin/credsweep.mjs --version` (what every
 * other row runs too) and `npx credsweep --version` in the checkout, once with an
 * empty npm cache each round (npm links the clone into its npx cache and runs `prepare`, which
 * finds dist/ current: scripts/build-if-stale.mjs) and once with that cache already holding the
 * link. dist/ is brought up to date first, so no round ever builds.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { median } from './stats.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'credsweep.mjs');
const SAMPLE = join(ROOT, 'samples', 'credential-report.csv');
const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:credsweep';

export interface StartupRow {
  /** What a user types. */
  command: string;
  /** Median milliseconds: to exit, or (AWS) to the first request. */
  medianMs: number;
  /** Median of `node -e ''` in the same rounds. */
  nodeMs: number;
  targetMs: number;
  /** What the figure measures. */
  until: 'exit' | 'first request';
}

interface Case {
  command: string;
  args: string[];
  targetMs: number;
  aws?: boolean;
  /** Run through npx in the checkout instead of `node bin/credsweep.mjs`: with its own npm cache. */
  npx?: 'empty cache' | 'warm cache';
}

/** Fake credentials and a local endpoint: no real AWS, no profile lookup, no instance metadata. */
function awsEnv(endpoint: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
  };
}

/** Runs one process; resolves with the ms to its exit, or to the first request the server saw. */
function timeOnce(
  args: string[],
  env: NodeJS.ProcessEnv,
  firstRequest?: { next: () => Promise<number> },
  command = process.execPath,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = firstRequest?.next();
    const child = spawn(command, args, { cwd: ROOT, env, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => {
      const exited = performance.now() - started;
      if (!request) {
        if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}`));
        else resolve(exited);
        return;
      }
      const timer = setTimeout(
        () => reject(new Error(`${args.join(' ')} exited without an AWS request`)),
        1000,
      );
      request.then((at) => {
        clearTimeout(timer);
        resolve(at - started);
      }, reject);
    });
  });
}

/** A local endpoint that notes when each request arrives and refuses it as AWS would. */
async function fakeAws() {
  let waiting: ((at: number) => void) | null = null;
  const server = createServer((req, res) => {
    const at = performance.now();
    req.resume();
    waiting?.(at);
    waiting = null;
    res.writeHead(400, {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-errortype': 'AccessDeniedException',
      connection: 'close',
    });
    res.end('{"__type":"AccessDeniedException","message":"credsweep bench: no access"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    next: () =>
      new Promise<number>((resolve) => {
        waiting = resolve;
      }),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** A local home with one finished demo run, for `history --local` and `show --local`. */
async function demoHome(): Promise<{ home: string; run: string }> {
  const home = mkdtempSync(join(tmpdir(), 'credsweep-bench-home-'));
  await timeOnce([BIN, 'demo', '--auto-approve', '--json', '--home', home], process.env);
  const run = readdirSync(join(home, 'executions'))[0]?.replace(/\.json$/, '');
  if (!run) throw new Error('the demo left no run to show');
  return { home, run };
}

/** Rounds of the start-up figures (each round runs every command once). */
export const STARTUP_ROUNDS = 9;

/** dist/ as `npm ci` leaves it: built only if a source is newer than the last complete build. */
function upToDate(): void {
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-if-stale.mjs')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (built.status !== 0) throw new Error(`scripts/build-if-stale.mjs exited ${built.status}`);
}

/** `npx credsweep ...` in the checkout with a fresh npm cache (empty) or the one of earlier rounds. */
async function timeNpx(args: string[], cache: 'empty cache' | 'warm cache', warm: string): Promise<number> {
  const dir = cache === 'warm cache' ? warm : mkdtempSync(join(tmpdir(), 'credsweep-bench-npm-'));
  try {
    return await timeOnce(
      ['credsweep', ...args],
      { ...process.env, npm_config_cache: dir },
      undefined,
      'npx',
    );
  } finally {
    if (dir !== warm) rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchStartup(rounds = STARTUP_ROUNDS): Promise<StartupRow[]> {
  upToDate();
  const { home, run } = await demoHome();
  const aws = await fakeAws();
  const warmCache = mkdtempSync(join(tmpdir(), 'credsweep-bench-npm-'));
  const cases: Case[] = [
    { command: 'node bin/credsweep.mjs --version', args: ['--version'], targetMs: 250 },
    {
      command: 'npx credsweep --version (in the clone, empty npm cache)',
      args: ['--version'],
      targetMs: 5000,
      npx: 'empty cache',
    },
    {
      command: 'npx credsweep --version (in the clone, npx cache holding the link)',
      args: ['--version'],
      targetMs: 2000,
      npx: 'warm cache',
    },
    { command: 'credsweep --help', args: ['--help'], targetMs: 250 },
    {
      command: 'credsweep analyze --report samples/credential-report.csv',
      args: ['analyze', '--report', SAMPLE],
      targetMs: 400,
    },
    { command: 'credsweep history --local', args: ['history', '--local', '--home', home], targetMs: 400 },
    {
      command: 'credsweep show <run> --local',
      args: ['show', run, '--local', '--home', home],
      targetMs: 400,
    },
    {
      command: 'credsweep status <run> (stack outputs: CloudFormation first)',
      args: ['status', 'run-1'],
      targetMs: 500,
      aws: true,
    },
    {
      command: 'credsweep history --state-machine <arn> (Step Functions first)',
      args: ['history', '--state-machine', STATE_MACHINE],
      targetMs: 500,
      aws: true,
    },
  ];
  const node: number[] = [];
  const times = cases.map(() => [] as number[]);
  try {
    for (let round = 0; round < rounds; round++) {
      node.push(await timeOnce(['-e', ''], process.env));
      for (const [i, c] of cases.entries()) {
        const ms = c.npx
          ? await timeNpx(c.args, c.npx, warmCache)
          : c.aws
            ? await timeOnce([BIN, ...c.args], awsEnv(aws.endpoint), aws)
            : await timeOnce([BIN, ...c.args], process.env);
        times[i]?.push(ms);
      }
    }
  } finally {
    await aws.close();
    rmSync(warmCache, { recursive: true, force: true });
  }
  const nodeMs = median(node);
  return cases.map((c, i) => ({
    command: c.command,
    medianMs: median(times[i] ?? []),
    nodeMs,
    targetMs: c.targetMs,
    until: c.aws ? 'first request' : 'exit',
  }));
}
