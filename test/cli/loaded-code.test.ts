/**
 * What a command and a Lambda function load. A command, as a user runs it (the built bin, node_modules out of the picture since
 * dist/cli bundles everything): local commands load no AWS SDK code at all, an AWS command does.
 * Each process runs with a module hook that logs every file Node loads; the test reads those files.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lambdaDir } from '../../cli/package-files.js';
import { FUNCTIONS } from '../../handlers/aws/functions.js';
import { PORT_NAMES, type PortName } from '../../handlers/aws/ports.js';

const BIN = fileURLToPath(new URL('../../bin/credsweep.mjs', import.meta.url));
const HOOK = fileURLToPath(new URL('../helpers/load-log/register.mjs', import.meta.url));

/** Code of the AWS SDK: its packages name themselves in what they bundle (user agent, errors). */
const SDK_CODE = /@aws-sdk\/|@smithy\//;

interface Loaded {
  code: number | null;
  stdout: string;
  /** The files the process loaded that hold AWS SDK code. */
  sdkFiles: string[];
  files: string[];
}

function runLogged(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Loaded> {
  const log = join(mkdtempSync(join(tmpdir(), 'credsweep-loads-')), 'loads.txt');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', HOOK, BIN, ...args],
      { env: { ...process.env, ...env, LOAD_LOG: log }, timeout: 120_000 },
      (error, stdout) => {
        const files = readFileSync(log, 'utf8')
          .split('\n')
          .filter((url) => url.startsWith('file://'))
          .map((url) => fileURLToPath(url));
        const sdkFiles = files.filter((file) => SDK_CODE.test(readFileSync(file, 'utf8')));
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          stdout,
          sdkFiles,
          files,
        });
      },
    );
  });
}

describe('the code a command loads', () => {
  it('demo, start --local, history --local, backout --local and audit --local load no AWS SDK code', async () => {
    // Prepare
    const home = mkdtempSync(join(tmpdir(), 'credsweep-home-'));

    // Act
    const demo = await runLogged(['demo', '--auto-approve', '--home', home, '--json']);
    const run = JSON.parse(demo.stdout).executionName as string;
    const backout = await runLogged(['backout', run, '--local', '--home', home, '--wait']);
    const start = await runLogged(['start', '--local', '--auto-approve', '--home', home]);
    const history = await runLogged(['history', '--local', '--home', home]);
    const period = ['--from', '2000-01-01', '--to', '2099-12-31', '--out', join(home, 'audit')];
    const audit = await runLogged(['audit', '--local', '--home', home, ...period]);

    // Assess
    for (const [name, loaded] of Object.entries({ demo, backout, start, history, audit })) {
      expect(loaded.code, name).toBe(0);
      expect(loaded.files.length, name).toBeGreaterThan(1);
      expect(loaded.sdkFiles, name).toEqual([]);
    }
  });

  it('an AWS command loads the SDK (so the check above would see it)', async () => {
    // Act: nothing listens on port 9, so the first request fails at once.
    const status = await runLogged(['status', 'some-run', '--state-machine', STATE_MACHINE], {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_MAX_ATTEMPTS: '1',
    });

    // Assess
    expect(status.code).not.toBe(0);
    expect(status.sdkFiles.length).toBeGreaterThan(0);
  });
});

const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:credsweep';

/** The SDK clients each port's adapter sends with. */
const PORT_CLIENTS: Record<PortName, string[]> = {
  iam: ['client-iam'],
  store: ['client-dynamodb'],
  blobs: ['client-s3'],
  mail: ['client-sesv2'],
  secrets: ['client-secrets-manager'],
  callbacks: ['client-sfn'],
  securityHub: ['client-securityhub'],
  runs: ['client-sfn'],
  organizations: ['client-organizations'],
  // Each member role has its own adapter (handlers/aws/member-iam.ts, member-findings.ts): see ACCOUNT_CLIENTS.
  accounts: ['client-sts'],
};

/** The accounts port's clients by the method declared: iamFor the IAM client, securityHubFor Security Hub's. */
const ACCOUNT_CLIENTS: Record<string, string> = {
  iamFor: 'client-iam',
  securityHubFor: 'client-securityhub',
};

describe('the Lambda bundles (dist/lambda)', () => {
  it('carry exactly the SDK clients of the ports their function declares', () => {
    for (const [id, { entry, aws }] of Object.entries(FUNCTIONS)) {
      // Prepare
      const accountMethods = (aws as { accounts?: { methods: string[] } }).accounts?.methods ?? [];
      const declared = new Set([
        ...PORT_NAMES.filter((port) => aws[port as keyof typeof aws]).flatMap((port) => PORT_CLIENTS[port]),
        ...accountMethods.map((method) => ACCOUNT_CLIENTS[method] ?? `unknown accounts method ${method}`),
      ]);

      // Act
      const bundle = readFileSync(join(lambdaDir(entry), 'index.mjs'), 'utf8');
      const bundled = new Set([...bundle.matchAll(/"@aws-sdk\/(client-[a-z0-9-]+)"/g)].map((m) => m[1]));

      // Assess
      expect([...bundled].sort(), id).toEqual([...declared].sort());
    }
  });
});
