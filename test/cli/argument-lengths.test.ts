/**
 * A run name or an argument longer than AWS allows is refused before anything is read or written:
 * one line naming the argument, the limit and the length, exit 1; with --json, the same as one JSON
 * object on stdout. Limits: Step Functions execution names 80 and ARNs 256 characters (its API
 * reference, ExecutionListItem), IAM user names 64, account ids 12 digits, OU ids 68.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const long = (n: number) => 'r'.repeat(n);
const ARN = `arn:aws:states:us-east-1:123456789012:execution:credsweep-remediation:${long(200)}`;
/** A home that does not exist yet: a refused command must not create it. */
const freshHome = () => join(mkdtempSync(join(tmpdir(), 'credsweep-lengths-')), 'home');

const cases: { args: string[]; argument: string; limit: number; length: number }[] = [
  ...['status', 'show', 'evidence', 'backout'].map((command) => ({
    args: [command, long(81), '--local'],
    argument: '<execution>',
    limit: 80,
    length: 81,
  })),
  { args: ['status', ARN, '--local'], argument: '<execution>', limit: 256, length: ARN.length },
  { args: ['start', '--local', '--name', long(81)], argument: '--name', limit: 80, length: 81 },
  // In AWS too: refused before any AWS call (there are no credentials here to make one).
  { args: ['start', '--name', long(120)], argument: '--name', limit: 80, length: 120 },
  { args: ['start', '--local', '--users', `alice,${long(65)}`], argument: '--users', limit: 64, length: 65 },
  { args: ['backout', 'run-1', '--local', '--users', long(65)], argument: '--users', limit: 64, length: 65 },
  { args: ['demo', '--exempt', long(70)], argument: '--exempt', limit: 64, length: 70 },
  {
    args: ['backout', 'run-1', '--local', '--accounts', '1234567890123'],
    argument: '--accounts',
    limit: 12,
    length: 13,
  },
  {
    args: ['show', 'run-1', '--local', '--account', '1234567890123'],
    argument: '--account',
    limit: 12,
    length: 13,
  },
  { args: ['start', '--local', '--ous', `ou-abcd-${long(61)}`], argument: '--ous', limit: 68, length: 69 },
  { args: ['history', '--stack', long(129)], argument: '--stack', limit: 128, length: 129 },
];

describe('an argument longer than AWS allows', () => {
  for (const { args, argument, limit, length } of cases) {
    it(`${args.slice(0, 2).join(' ')} … ${argument} of ${length}: one line, exit 1, nothing written`, async () => {
      const home = freshHome();

      const run = await runCli([...args, '--home', home]);

      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      const lines = run.stderr.split('\n').filter((line) => line !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(`^credsweep: ${argument} .* is ${length} characters long; .* at most ${limit}:`),
      );
      expect(existsSync(home)).toBe(false);
    });
  }

  it('with --json, is the same error as one JSON object on stdout (and the line on stderr)', async () => {
    const home = freshHome();

    const run = await runCli(['status', long(100), '--local', '--home', home, '--json']);

    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out).toEqual({
      error: {
        name: 'ArgumentTooLong',
        argument: '<execution>',
        limit: 80,
        length: 100,
        message: expect.stringContaining(
          'is 100 characters long; a Step Functions execution name is at most 80',
        ),
      },
    });
    expect(run.stderr).toBe(`credsweep: ${out.error.message}\n`);
    expect(existsSync(home)).toBe(false);
  });

  it('at the limit is not refused for its length (80 characters: the run is looked up)', async () => {
    const run = await runCli(['status', long(80), '--local', '--home', freshHome()]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`no local run "${long(80)}"`);
  });
});
