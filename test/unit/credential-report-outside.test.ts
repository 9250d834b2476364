/**
 * The credential report parser on reports AWS produced for other people (test/fixtures/outside/
 * credential-reports, sources in the README there): what it reads from each row, the markers AWS
 * writes in place of dates, and both timestamp styles (`+00:00` until 2024, `Z` since).
 */
import { describe, expect, it } from 'vitest';
import { readReportInput } from '../../handlers/core/report/report-input.js';
import type { ReportRow } from '../../handlers/core/shared/types.js';
import { outsideText } from '../helpers/outside.js';

/** What a person would check in a row: who, root or not, the password, and the two keys. */
const summary = (row: ReportRow) => ({
  line: row.line,
  user: row.user,
  isRoot: row.isRoot,
  passwordEnabled: row.passwordEnabled,
  passwordLastUsed: shown(row.passwordLastUsed),
  passwordLastChanged: shown(row.passwordLastChanged),
  keys: row.accessKeys.map((k) => [k.active, shown(k.lastRotated), shown(k.lastUsedDate)]),
});
const shown = (value: Date | string) => (value instanceof Date ? value.toISOString() : value);

describe('real credential reports', () => {
  it('reads a 2023 report downloaded from the console (aws-testbench-2023.csv): markers stay markers', () => {
    const report = readReportInput(outsideText('credential-reports/aws-testbench-2023.csv'));
    expect(report.generatedAt).toBeNull();
    expect(report.rows.map(summary)).toEqual([
      {
        line: 2,
        user: '<root_account>',
        isRoot: true,
        passwordEnabled: 'not_supported',
        passwordLastUsed: '2022-12-21T16:19:23.000Z',
        passwordLastChanged: 'not_supported',
        keys: [
          [false, 'N/A', 'N/A'],
          [false, 'N/A', 'N/A'],
        ],
      },
      {
        line: 3,
        user: 'cloudgoat',
        isRoot: false,
        passwordEnabled: false,
        passwordLastUsed: 'N/A',
        passwordLastChanged: 'N/A',
        keys: [
          [true, '2022-05-27T10:25:44.000Z', '2022-12-21T18:30:00.000Z'],
          [false, 'N/A', 'N/A'],
        ],
      },
      {
        line: 4,
        user: 'jake',
        isRoot: false,
        passwordEnabled: true,
        passwordLastUsed: '2023-01-03T09:38:09.000Z',
        passwordLastChanged: '2022-05-18T09:05:13.000Z',
        keys: [
          [true, '2022-05-18T09:51:58.000Z', '2023-01-03T10:27:00.000Z'],
          [false, 'N/A', 'N/A'],
        ],
      },
      {
        line: 5,
        user: 'test_account',
        isRoot: false,
        passwordEnabled: true,
        passwordLastUsed: 'no_information',
        passwordLastChanged: '2022-12-19T09:17:33.000Z',
        keys: [
          [false, 'N/A', 'N/A'],
          [false, 'N/A', 'N/A'],
        ],
      },
      {
        line: 6,
        user: 'test_key_account',
        isRoot: false,
        passwordEnabled: false,
        passwordLastUsed: 'N/A',
        passwordLastChanged: 'N/A',
        keys: [
          [true, '2022-12-19T09:22:23.000Z', 'N/A'],
          [false, 'N/A', 'N/A'],
        ],
      },
    ]);
  });

  it('reads a 2025 report (saa-course-2025.csv): `Z` timestamps, and a root row whose password_enabled is true', () => {
    const report = readReportInput(outsideText('credential-reports/saa-course-2025.csv'));
    expect(report.rows.map(summary)).toEqual([
      {
        line: 2,
        user: '<root_account>',
        isRoot: true,
        passwordEnabled: true,
        passwordLastUsed: 'no_information',
        passwordLastChanged: '2025-01-28T17:25:12.000Z',
        keys: [
          [false, 'N/A', 'N/A'],
          [false, 'N/A', 'N/A'],
        ],
      },
      {
        line: 3,
        user: 'Ad',
        isRoot: false,
        passwordEnabled: true,
        passwordLastUsed: '2025-01-29T16:46:14.000Z',
        passwordLastChanged: '2025-01-28T23:09:18.000Z',
        keys: [
          [false, 'N/A', 'N/A'],
          [false, 'N/A', 'N/A'],
        ],
      },
      {
        line: 4,
        user: 'Regular',
        isRoot: false,
        passwordEnabled: true,
        passwordLastUsed: 'no_information',
        passwordLastChanged: '2025-01-28T23:15:55.000Z',
        keys: [
          [false, 'N/A', 'N/A'],
          [false, 'N/A', 'N/A'],
        ],
      },
    ]);
  });

  it('reads CloudMapper’s GetCredentialReport dump (decoded Content): GeneratedTime, and a user named "user"', () => {
    const report = readReportInput(
      outsideText('credential-reports/cloudmapper-demo-get-credential-report.json'),
    );
    expect(report.generatedAt).toBe('2019-05-07T15:40:22.000Z');
    expect(report.rows.map((r) => [r.line, r.user, r.isRoot])).toEqual([
      [2, '<root_account>', true],
      [3, 'auditor_tmp', false],
      [4, 'user', false],
    ]);
    expect(summary(report.rows[2] as ReportRow).keys).toEqual([
      [true, '2019-05-07T15:35:55.000Z', 'N/A'],
      [true, '2018-05-07T15:35:54.000Z', '2018-05-07T15:35:54.000Z'],
    ]);
  });
});
