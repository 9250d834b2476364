/**
 * `credsweep analyze --report FILE --json` (the contract of DESIGN.md) on credential reports AWS
 * produced for other people (test/fixtures/outside/credential-reports, sources in the README there).
 * Each expectation is worked out by hand from the rows, with the staleness rule of DESIGN.md: an
 * enabled credential is stale when its last use (never used: its creation) is `days` or more whole
 * days before `--now`.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { outsidePath } from '../helpers/outside.js';

const BIN = fileURLToPath(new URL('../../bin/credsweep.mjs', import.meta.url));

/** `credsweep analyze --json` on an outside report; the parsed stdout. */
function analyze(report: string, ...args: string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, 'analyze', '--report', outsidePath(`credential-reports/${report}`), '--json', ...args],
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    );
  });
}

const ROOT_SKIPPED = [{ userName: '<root_account>', reason: 'root' }];

describe('credsweep analyze on real credential reports', () => {
  it('aws-testbench-2023.csv, 14 days before 2023-01-05: a key unused exactly 14 days, a password and a key never used', async () => {
    // cloudgoat key 1: last used 2022-12-21T18:30Z, 14 days and 5.5 hours before: 14 whole days, stale.
    // jake: password and key used 2023-01-03, 1 day: not stale.
    // test_account password: no_information (never used), set 2022-12-19T09:17:33Z: 16 days.
    // test_key_account key 1: never used (N/A), created 2022-12-19T09:22:23Z: 16 days.
    expect(await analyze('aws-testbench-2023.csv', '--now', '2023-01-05T00:00:00Z', '--days', '14')).toEqual({
      asOf: '2023-01-05T00:00:00.000Z',
      thresholdDays: 14,
      findings: [
        {
          userName: 'cloudgoat',
          credential: 'access-key-1',
          lastUsed: '2022-12-21T18:30:00.000Z',
          daysUnused: 14,
          reason: 'unused',
          createdAt: '2022-05-27T10:25:44.000Z',
        },
        {
          userName: 'test_account',
          credential: 'console-password',
          lastUsed: null,
          daysUnused: 16,
          reason: 'never-used',
          createdAt: '2022-12-19T09:17:33.000Z',
        },
        {
          userName: 'test_key_account',
          credential: 'access-key-1',
          lastUsed: null,
          daysUnused: 16,
          reason: 'never-used',
          createdAt: '2022-12-19T09:22:23.000Z',
        },
      ],
      skipped: ROOT_SKIPPED,
    });
  });

  it('aws-testbench-2023.csv at the default 30 days: nothing is stale', async () => {
    const out = (await analyze('aws-testbench-2023.csv', '--now', '2023-01-05T00:00:00Z')) as {
      findings: unknown[];
    };
    expect(out.findings).toEqual([]);
  });

  it('saa-course-2025.csv (`Z` timestamps), 30 days before 2025-03-01: a password unused 30 days, one never used', async () => {
    // Ad: last used 2025-01-29T16:46:14Z, 30 days and 7 hours before: 30, stale.
    // Regular: no_information, set 2025-01-28T23:15:55Z: 31 days, never used.
    // The root row (password_enabled true in this newer format) is skipped as root, never proposed.
    expect(await analyze('saa-course-2025.csv', '--now', '2025-03-01T00:00:00Z')).toEqual({
      asOf: '2025-03-01T00:00:00.000Z',
      thresholdDays: 30,
      findings: [
        {
          userName: 'Ad',
          credential: 'console-password',
          lastUsed: '2025-01-29T16:46:14.000Z',
          daysUnused: 30,
          reason: 'unused',
          createdAt: '2025-01-28T23:09:18.000Z',
        },
        {
          userName: 'Regular',
          credential: 'console-password',
          lastUsed: null,
          daysUnused: 31,
          reason: 'never-used',
          createdAt: '2025-01-28T23:15:55.000Z',
        },
      ],
      skipped: ROOT_SKIPPED,
    });
  });

  it('CloudMapper’s GetCredentialReport JSON: the user named "user" has a password and key 2 unused a year; key 1 is new', async () => {
    // user: password last used 2018-05-07T15:35:54Z (no password_last_changed: created with the
    // user), key 2 the same instant: 365 days before 2019-05-07T16:00Z. Key 1 and auditor_tmp's key
    // were created minutes before the report and never used: 0 days.
    expect(
      await analyze('cloudmapper-demo-get-credential-report.json', '--now', '2019-05-07T16:00:00Z'),
    ).toEqual({
      asOf: '2019-05-07T16:00:00.000Z',
      thresholdDays: 30,
      findings: [
        {
          userName: 'user',
          credential: 'console-password',
          lastUsed: '2018-05-07T15:35:54.000Z',
          daysUnused: 365,
          reason: 'unused',
          createdAt: '2018-05-07T15:35:54.000Z',
        },
        {
          userName: 'user',
          credential: 'access-key-2',
          lastUsed: '2018-05-07T15:35:54.000Z',
          daysUnused: 365,
          reason: 'unused',
          createdAt: '2018-05-07T15:35:54.000Z',
        },
      ],
      skipped: ROOT_SKIPPED,
    });
  });
});
