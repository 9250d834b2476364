import { describe, expect, it } from 'vitest';
import { parseCredentialReport, parseIsoInstant } from '../../handlers/core/report/credential-report.js';
import { ReportFormatError } from '../../handlers/core/shared/errors.js';

/** AWS's full header, in AWS's order. */
const HEADER = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_region',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_region',
  'access_key_2_last_used_service',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
];

const ROOT_LINE =
  '<root_account>,arn:aws:iam::123456789012:root,2019-03-04T08:00:00+00:00,not_supported,2026-11-02T09:15:00+00:00,' +
  'not_supported,not_supported,true,true,2019-03-04T08:10:00+00:00,2025-06-11T12:00:00+00:00,us-east-1,s3,' +
  'false,N/A,N/A,N/A,N/A,false,N/A,false,N/A';
const BOB_LINE =
  'bob,arn:aws:iam::123456789012:user/bob,2024-01-15T10:20:30+00:00,true,2026-08-14T07:30:00+00:00,' +
  '2024-01-15T10:25:00+00:00,N/A,false,true,2024-02-01T00:00:00+00:00,2026-11-20T16:45:00+00:00,eu-west-1,sts,' +
  'false,N/A,N/A,N/A,N/A,false,N/A,false,N/A';
const KEY2_LINE =
  '"svc+reports=etl,prod.@_-","arn:aws:iam::123456789012:user/svc+reports=etl,prod.@_-",2025-01-01T00:00:00+00:00,' +
  'false,no_information,N/A,N/A,false,false,N/A,N/A,N/A,N/A,true,2025-02-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A';

function report(lines: string[], eol = '\n'): string {
  return [HEADER.join(','), ...lines].join(eol) + eol;
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

describe('parseCredentialReport', () => {
  it('types every value of a report in AWS format', () => {
    // Prepare
    const text = report([ROOT_LINE, BOB_LINE, KEY2_LINE]);

    // Act
    const parsed = parseCredentialReport(text, '2026-11-25T22:14:05.000Z');

    // Assess
    expect(parsed.generatedAt).toBe('2026-11-25T22:14:05.000Z');
    expect(parsed.rows).toEqual([
      {
        line: 2,
        user: '<root_account>',
        arn: 'arn:aws:iam::123456789012:root',
        isRoot: true,
        userCreationTime: new Date('2019-03-04T08:00:00Z'),
        passwordEnabled: 'not_supported',
        passwordLastUsed: new Date('2026-11-02T09:15:00Z'),
        passwordLastChanged: 'not_supported',
        accessKeys: [
          {
            active: true,
            lastRotated: new Date('2019-03-04T08:10:00Z'),
            lastUsedDate: new Date('2025-06-11T12:00:00Z'),
          },
          { active: false, lastRotated: 'N/A', lastUsedDate: 'N/A' },
        ],
      },
      {
        line: 3,
        user: 'bob',
        arn: 'arn:aws:iam::123456789012:user/bob',
        isRoot: false,
        userCreationTime: new Date('2024-01-15T10:20:30Z'),
        passwordEnabled: true,
        passwordLastUsed: new Date('2026-08-14T07:30:00Z'),
        passwordLastChanged: new Date('2024-01-15T10:25:00Z'),
        accessKeys: [
          {
            active: true,
            lastRotated: new Date('2024-02-01T00:00:00Z'),
            lastUsedDate: new Date('2026-11-20T16:45:00Z'),
          },
          { active: false, lastRotated: 'N/A', lastUsedDate: 'N/A' },
        ],
      },
      {
        line: 4,
        user: 'svc+reports=etl,prod.@_-',
        arn: 'arn:aws:iam::123456789012:user/svc+reports=etl,prod.@_-',
        isRoot: false,
        userCreationTime: new Date('2025-01-01T00:00:00Z'),
        passwordEnabled: false,
        passwordLastUsed: 'no_information',
        passwordLastChanged: 'N/A',
        accessKeys: [
          { active: false, lastRotated: 'N/A', lastUsedDate: 'N/A' },
          { active: true, lastRotated: new Date('2025-02-01T00:00:00Z'), lastUsedDate: 'N/A' },
        ],
      },
    ]);
  });

  it('defaults generatedAt to null', () => {
    // Prepare
    const text = report([BOB_LINE]);

    // Act
    const parsed = parseCredentialReport(text);

    // Assess
    expect(parsed.generatedAt).toBeNull();
  });

  it('finds columns by name in another order and ignores extra columns', () => {
    // Prepare
    const text = [
      'access_key_2_last_used_date,access_key_2_last_rotated,access_key_2_active,team,access_key_1_last_used_date,' +
        'access_key_1_last_rotated,access_key_1_active,password_last_changed,password_last_used,password_enabled,' +
        'user_creation_time,arn,user',
      'N/A,N/A,false,payments,2026-10-01T00:00:00+00:00,2026-01-01T00:00:00+00:00,true,N/A,N/A,false,' +
        '2025-12-31T00:00:00+00:00,arn:aws:iam::123456789012:user/pat,pat',
    ].join('\n');

    // Act
    const parsed = parseCredentialReport(text);

    // Assess
    expect(parsed.rows).toEqual([
      {
        line: 2,
        user: 'pat',
        arn: 'arn:aws:iam::123456789012:user/pat',
        isRoot: false,
        userCreationTime: new Date('2025-12-31T00:00:00Z'),
        passwordEnabled: false,
        passwordLastUsed: 'N/A',
        passwordLastChanged: 'N/A',
        accessKeys: [
          {
            active: true,
            lastRotated: new Date('2026-01-01T00:00:00Z'),
            lastUsedDate: new Date('2026-10-01T00:00:00Z'),
          },
          { active: false, lastRotated: 'N/A', lastUsedDate: 'N/A' },
        ],
      },
    ]);
  });

  it('accepts a byte order mark and CRLF line ends', () => {
    // Prepare
    const text = `\uFEFF${report([ROOT_LINE, BOB_LINE], '\r\n')}`;

    // Act
    const parsed = parseCredentialReport(text);

    // Assess
    expect(parsed.rows.map((row) => [row.line, row.user, row.arn])).toEqual([
      [2, '<root_account>', 'arn:aws:iam::123456789012:root'],
      [3, 'bob', 'arn:aws:iam::123456789012:user/bob'],
    ]);
    expect(parsed.rows[1]?.accessKeys[1]).toEqual({ active: false, lastRotated: 'N/A', lastUsedDate: 'N/A' });
  });

  it('keeps counting lines across blank lines', () => {
    // Prepare
    const text = report([BOB_LINE, '', KEY2_LINE]);

    // Act
    const parsed = parseCredentialReport(text);

    // Assess
    expect(parsed.rows.map((row) => [row.line, row.user])).toEqual([
      [2, 'bob'],
      [4, 'svc+reports=etl,prod.@_-'],
    ]);
  });

  it('accepts fractional seconds and Z as the offset', () => {
    // Prepare
    const text = report([BOB_LINE.replace('2026-08-14T07:30:00+00:00', '2026-08-14T07:30:00.123Z')]);

    // Act
    const parsed = parseCredentialReport(text);

    // Assess
    expect(parsed.rows[0]?.passwordLastUsed).toEqual(new Date('2026-08-14T07:30:00.123Z'));
  });

  it('returns an empty report for a header without rows', () => {
    // Prepare
    const text = `${HEADER.join(',')}\n`;

    // Act
    const parsed = parseCredentialReport(text);

    // Assess
    expect(parsed).toEqual({ generatedAt: null, rows: [] });
  });

  it.each([
    ['an empty file', ''],
    ['a file of blank lines', '\n\r\n\n'],
    ['a lone byte order mark', '\uFEFF'],
  ])('rejects %s: there is no header', (_name, text) => {
    // Act
    const err = catchError(() => parseCredentialReport(text));

    // Assess
    expect(err.message).toMatch(/^the credential report is empty: expected a header line/);
    expect(err.line).toBe(1);
  });

  it('names a missing required column', () => {
    // Prepare
    const header = HEADER.filter((column) => column !== 'password_last_used');
    const text = `${header.join(',')}\n`;

    // Act
    const err = catchError(() => parseCredentialReport(text));

    // Assess
    expect(err.message).toBe(
      'line 1: the credential report header lacks the required column password_last_used',
    );
    expect(err.column).toBe('password_last_used');
  });

  it('names every missing required column', () => {
    // Prepare
    const header = HEADER.filter((column) => !column.startsWith('access_key_2'));
    const text = `${header.join(',')}\n`;

    // Act
    const err = catchError(() => parseCredentialReport(text));

    // Assess
    expect(err.message).toBe(
      'line 1: the credential report header lacks the required columns ' +
        'access_key_2_active, access_key_2_last_rotated, access_key_2_last_used_date',
    );
  });

  it('says what a header should be when the first line is not one', () => {
    // Prepare
    const text = 'name,email\nbob,bob@example.com\n';

    // Act
    const err = catchError(() => parseCredentialReport(text));

    // Assess
    expect(err.message).toBe(
      'line 1 is not a credential report header: expected the columns user,arn,user_creation_time,' +
        'password_enabled,password_last_used,password_last_changed,access_key_1_active,' +
        'access_key_1_last_rotated,access_key_1_last_used_date,access_key_2_active,access_key_2_last_rotated,' +
        'access_key_2_last_used_date (in any order, other columns allowed)',
    );
  });

  it('rejects a header naming a column twice', () => {
    // Prepare
    const text = `${[...HEADER, 'arn'].join(',')}\n`;

    // Act
    const err = catchError(() => parseCredentialReport(text));

    // Assess
    expect(err.message).toBe('line 1: column arn appears more than once in the header');
  });

  it('names the line, the column and the user of a malformed date', () => {
    // Prepare
    const text = report([ROOT_LINE, BOB_LINE, BOB_LINE.replace('2026-08-14T07:30:00+00:00', 'yesterday')]);

    // Act
    const err = catchError(() => parseCredentialReport(text));

    // Assess
    expect(err.message).toBe('line 4, column password_last_used, user "bob": "yesterday" is not a date');
    expect([err.line, err.column, err.userName]).toEqual([4, 'password_last_used', 'bob']);
  });

  it.each([
    ['an impossible calendar day', '2026-02-30T00:00:00+00:00'],
    ['a time without an offset', '2026-08-14T07:30:00'],
    ['an empty value', ''],
    ['hour 24', '2026-08-14T24:00:00+00:00'],
  ])('rejects %s as a date', (_name, value) => {
    // Prepare
    const text = report([BOB_LINE.replace('2024-02-01T00:00:00+00:00', value)]);

    // Act
    const err = catchError(() => parseCredentialReport(text));

    // Assess
    expect(err.message).toBe(
      `line 2, column access_key_1_last_rotated, user "bob": ${JSON.stringify(value)} is not a date`,
    );
  });

  it.each([
    ['a date without a time', '2026-08-14'],
    ['month/day/year and a time', '11/26/2026 14:03'],
    ['day.month.year', '26.11.2026'],
    ['a date and a time without seconds or offset', '2026-11-26 14:03'],
    ['a time with AM/PM', '11/26/2026 2:03 PM'],
    ['a serial day number', '46352.5854'],
  ])('says in plain words that %s is a date a spreadsheet reformatted', (_name, value) => {
    const text = report([BOB_LINE.replace('2024-02-01T00:00:00+00:00', value)]);

    const err = catchError(() => parseCredentialReport(text));

    expect(err.message).toContain(
      `line 2, column access_key_1_last_rotated, user "bob": ${JSON.stringify(value)} is not a date: ` +
        'it looks like a date a spreadsheet reformatted',
    );
    expect(err.message).toContain('Download the report again');
  });

  it('reads TRUE and FALSE in any case, as a spreadsheet re-saves them', () => {
    const text = report([
      BOB_LINE.replace(',true,2026-08-14', ',TRUE,2026-08-14').replace(
        'false,true,2024-02-01',
        'False,True,2024-02-01',
      ),
    ]);

    const [row] = parseCredentialReport(text).rows;

    expect(row?.passwordEnabled).toBe(true);
    expect(row?.accessKeys[0].active).toBe(true);
  });

  it('refuses a user twice, without regard to case, naming both lines', () => {
    const text = report([BOB_LINE, BOB_LINE.replace(/^bob,/, 'Bob,')]);

    const err = catchError(() => parseCredentialReport(text));

    expect(err.message).toMatch(/^line 3: the user "Bob" on line 3 is user "bob" of line 2 again/);
    expect([err.line, err.column, err.userName]).toEqual([3, 'user', 'Bob']);
  });

  it('rejects a password_enabled that is not a boolean', () => {
    // Prepare
    const text = report([BOB_LINE.replace(',true,2026-08-14', ',yes,2026-08-14')]);

    // Act
    const err = catchError(() => parseCredentialReport(text));

    // Assess
    expect(err.message).toBe(
      'line 2, column password_enabled, user "bob": "yes" is not true, false or not_supported',
    );
  });

  it('rejects an access key state that is not a boolean', () => {
    // Prepare
    const text = report([BOB_LINE.replace('false,true,2024-02-01', 'false,yes,2024-02-01')]);

    // Act
    const err = catchError(() => parseCredentialReport(text));

    // Assess
    expect(err.message).toBe('line 2, column access_key_1_active, user "bob": "yes" is not true or false');
  });

  it('names the line of a row with fewer fields than the header', () => {
    // Prepare
    const text = report([BOB_LINE, BOB_LINE.replace(/,false,N\/A$/, '')]);

    // Act
    const err = catchError(() => parseCredentialReport(text));

    // Assess
    expect(err.message).toBe('line 3: expected 22 fields as in the header, found 20 (user "bob")');
    expect(err.line).toBe(3);
  });

  it('names the line of a row with more fields than the header', () => {
    // Prepare
    const text = report([`${BOB_LINE},extra`]);

    // Act
    const err = catchError(() => parseCredentialReport(text));

    // Assess
    expect(err.message).toBe('line 2: expected 22 fields as in the header, found 23 (user "bob")');
  });

  it('rejects a row without a user name', () => {
    // Prepare
    const text = report([BOB_LINE.replace(/^bob,/, ',')]);

    // Act
    const err = catchError(() => parseCredentialReport(text));

    // Assess
    expect(err.message).toBe('line 2, column user, user "": the user name is empty');
  });

  it('reports a quote that is never closed as a CSV error with its line', () => {
    // Prepare
    const text = report([BOB_LINE, `"unterminated,${BOB_LINE}`]);

    // Act
    const err = catchError(() => parseCredentialReport(text));

    // Assess
    expect(err.message).toBe(
      'not a readable CSV file: Quote Not Closed: the parsing is finished with an opening quote at line 3',
    );
    expect(err.line).toBe(3);
  });
});

describe('parseIsoInstant', () => {
  it('reads the offset AWS writes', () => {
    // Act
    const date = parseIsoInstant('2024-01-15T10:20:30+02:00');

    // Assess
    expect(date?.toISOString()).toBe('2024-01-15T08:20:30.000Z');
  });

  it('agrees with Date.parse on offsets either side of UTC and on fractional seconds', () => {
    for (const text of [
      '2024-01-15T10:20:30-05:30',
      '2024-12-31T23:59:59+14:00',
      '2024-01-01T00:00:00.5Z',
      '2024-06-30T12:00:00.123456+01:00',
    ]) {
      expect(parseIsoInstant(text)?.getTime(), text).toBe(Date.parse(text));
    }
  });

  it('accepts February 29 of a leap year only', () => {
    // Act
    const leap = parseIsoInstant('2024-02-29T00:00:00Z');
    const notLeap = parseIsoInstant('2025-02-29T00:00:00Z');

    // Assess
    expect(leap?.toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(notLeap).toBeNull();
  });
});
