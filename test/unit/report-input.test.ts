import { describe, expect, it } from 'vitest';
import { readReportInput } from '../../handlers/core/report/report-input.js';
import { ReportFormatError } from '../../handlers/core/shared/errors.js';

const CSV = [
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,' +
    'mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,' +
    'access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,' +
    'access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,' +
    'cert_1_last_rotated,cert_2_active,cert_2_last_rotated',
  'bob,arn:aws:iam::123456789012:user/bob,2024-01-15T10:20:30+00:00,true,2026-08-14T07:30:00+00:00,' +
    '2024-01-15T10:25:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
].join('\n');

function awsCliJson(fields: Record<string, unknown>): string {
  return `${JSON.stringify(fields, null, 4)}\n`;
}

function catchError(act: () => unknown): ReportFormatError {
  try {
    act();
  } catch (err) {
    if (err instanceof ReportFormatError) return err;
    throw err;
  }
  throw new Error('expected a ReportFormatError');
}

describe('readReportInput', () => {
  it('reads the CSV as the console downloads it', () => {
    // Act
    const report = readReportInput(CSV);

    // Assess
    expect(report.generatedAt).toBeNull();
    expect(report.rows.map((row) => row.user)).toEqual(['bob']);
  });

  it('reads the JSON that aws iam get-credential-report prints, keeping GeneratedTime', () => {
    // Prepare
    const text = awsCliJson({
      Content: Buffer.from(CSV).toString('base64'),
      ReportFormat: 'text/csv',
      GeneratedTime: '2026-11-25T22:14:05+00:00',
    });

    // Act
    const report = readReportInput(text);

    // Assess
    expect(report.generatedAt).toBe('2026-11-25T22:14:05.000Z');
    expect(report.rows.map((row) => [row.line, row.user, row.passwordLastUsed])).toEqual([
      [2, 'bob', new Date('2026-08-14T07:30:00Z')],
    ]);
  });

  it('reads the JSON without GeneratedTime and with a byte order mark', () => {
    // Prepare
    const text = `\uFEFF${awsCliJson({ Content: Buffer.from(CSV).toString('base64') })}`;

    // Act
    const report = readReportInput(text);

    // Assess
    expect(report.generatedAt).toBeNull();
    expect(report.rows).toHaveLength(1);
  });

  it('names the line, column and user of a bad value inside the JSON Content', () => {
    // Prepare
    const text = awsCliJson({
      Content: Buffer.from(CSV.replace('2026-08-14T07:30:00+00:00', 'yesterday')).toString('base64'),
      ReportFormat: 'text/csv',
    });

    // Act
    const err = catchError(() => readReportInput(text));

    // Assess
    expect(err.message).toBe(
      'in the CSV decoded from "Content": line 2, column password_last_used, user "bob": "yesterday" is not a date',
    );
    expect([err.line, err.column, err.userName]).toEqual([2, 'password_last_used', 'bob']);
  });

  it.each([
    ['an empty input', '', /^the report is empty: expected the credential report CSV/],
    [
      'broken JSON',
      '{"Content": ',
      /^the report looks like JSON but does not parse \(.+\): expected the credential/,
    ],
    [
      'JSON without Content',
      '{"ReportFormat": "text/csv"}',
      /^the JSON has no "Content" string: expected the/,
    ],
    [
      'another ReportFormat',
      awsCliJson({ Content: '', ReportFormat: 'application/json' }),
      /^the JSON's ReportFormat is "application\/json", not "text\/csv"$/,
    ],
    [
      'a GeneratedTime that is not a date',
      awsCliJson({ Content: '', GeneratedTime: 'today' }),
      /^the JSON's GeneratedTime "today" is not an ISO 8601 date and time$/,
    ],
    [
      'Content that is neither base64 nor CSV',
      awsCliJson({ Content: 'not base64!' }),
      /^the JSON's "Content" is neither base64 \(as aws-cli prints it\) nor the CSV itself$/,
    ],
    [
      'text that is neither',
      'hello world\n',
      /^line 1 is not a credential report header: expected the columns/,
    ],
  ])('rejects %s, saying what was expected', (_name, text, message) => {
    // Act
    const err = catchError(() => readReportInput(text));

    // Assess
    expect(err.message).toMatch(message);
  });

  it.each([
    ['2026-11-25T23:00:00.123456+00:00', '2026-11-25T23:00:00.123Z'],
    ['2026-11-25 23:00:00+00:00', '2026-11-25T23:00:00.000Z'],
    ['2026-11-26T01:00:00+0200', '2026-11-25T23:00:00.000Z'],
    ['2026-11-25T23:00:00', '2026-11-25T23:00:00.000Z'],
    ['20261125T230000Z', '2026-11-25T23:00:00.000Z'],
    ['2026-11-25T23:00Z', '2026-11-25T23:00:00.000Z'],
  ])('reads GeneratedTime %s (another ISO 8601 form) as %s', (time, iso) => {
    const report = readReportInput(
      awsCliJson({ Content: Buffer.from(CSV).toString('base64'), GeneratedTime: time }),
    );
    expect(report.generatedAt).toBe(iso);
  });
});
