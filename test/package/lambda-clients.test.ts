/**
 * Each Lambda bundle (dist/lambda, built by the global setup) carries the SDK clients of the ports
 * its function declares, and no other: a function that only changes IAM in member accounts does not
 * load Security Hub's client at a cold start, and one that only follows findings does not load IAM's.
 * Checked in the built files, by the client class names the bundles keep (keepNames).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lambdaDir } from '../../cli/package-files.js';
import { FUNCTIONS } from '../../handlers/aws/functions.js';
import type { FunctionAws } from '../../handlers/aws/ports.js';

const methods = (aws: FunctionAws, port: keyof FunctionAws) =>
  ((aws[port] as { methods?: string[] } | undefined)?.methods ?? []) as string[];

describe('the Lambda bundles', () => {
  it.each(Object.entries(FUNCTIONS))('%s carries only the clients its ports use', (_id, { entry, aws }) => {
    const code = readFileSync(`${lambdaDir(entry)}/index.mjs`, 'utf8');
    const declared = aws as FunctionAws;
    const iam = methods(declared, 'iam').length > 0 || methods(declared, 'accounts').includes('iamFor');
    const hub =
      methods(declared, 'securityHub').length > 0 || methods(declared, 'accounts').includes('securityHubFor');
    expect(code.includes('"IAMClient"'), 'IAMClient').toBe(iam);
    expect(code.includes('"SecurityHubClient"'), 'SecurityHubClient').toBe(hub);
  });
});
