/**
 * The IAM credential report (CSV) as typed rows. Pure: no AWS import, no I/O.
 *
 * Columns are found by header name, so their order does not matter and extra columns (AWS adds
 * some over time) are ignored. Every value the rules read is typed here, and a value that is not
 * what AWS writes is a ReportFormatError naming the line, the column and the user.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { ReportFormatError } from '../shared/errors.js';
import type {
  CredentialReport,
  ReportAccessKey,
  ReportBool,
  ReportDate,
  ReportMarker,
  ReportRow,
} from '../shared/types.js';

/** The name AWS gives the root user's row. */
export const ROOT_USER = '<root_account>';

/** The columns the parser reads; any other column is tolerated and ignored. */
export const REQUIRED_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
] as const;

type Column = (typeof REQUIRED_COLUMNS)[number];

const MARKERS: readonly string[] = ['N/A', 'no_information', 'not_supported'] satisfies ReportMarker[];

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Parses an ISO 8601 instant with a time and a UTC offset (`2024-01-15T10:20:30+00:00`,
 * `2024-01-15T10:20:30Z`, optional fractional seconds). Returns null for anything else,
 * including impossible calendar dates such as February 30, which `Date.parse` would roll over.
 */
export function parseIsoInstant(text: string): Date | null {
  const m = ISO_INSTANT.exec(text);
  if (!m) return null;
  // Built from the parts (no second parse of the string): 5,000-row reports hold ~35,000 dates.
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  const offsetHours = m[9] === undefined ? 0 : Number(m[9]);
  const offsetMinutes = m[10] === undefined ? 0 : Number(m[10]);
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return null;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const calendar = new Date(wall);
  if (
    calendar.getUTCFullYear() !== year ||
    calendar.getUTCMonth() !== month - 1 ||
    calendar.getUTCDate() !== day
  ) {
    return null;
  }
  const millis = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  const sign = m[8]?.startsWith('-') ? -1 : 1;
  return new Date(wall + millis - sign * (offsetHours * 60 + offsetMinutes) * 60_000);
}

/**
 * Parses the credential report CSV.
 *
 * @param text the CSV as AWS produces it (a UTF-8 BOM and CRLF line ends are accepted)
 * @param generatedAt when AWS generated the report, if known (GetCredentialReport's GeneratedTime)
 * @throws ReportFormatError when there is no header, a required column is missing, a row has
 *   another number of fields than the header, or a value is not what AWS writes
 */
export function parseCredentialReport(text: string, generatedAt: string | null = null): CredentialReport {
  const records = readRecords(text);
  const header = records[0];
  if (header === undefined) {
    throw new ReportFormatError(
      `the credential report is empty: expected a header line starting with ${REQUIRED_COLUMNS.slice(0, 3).join(',')}`,
      1,
    );
  }
  const columns = locateColumns(header.fields);
  const rows = records.slice(1).map((record) => toRow(record, header.fields.length, columns));
  refuseDuplicateUsers(rows);
  return { generatedAt, rows };
}

interface InfoRecord {
  record: string[];
  info: { lines: number };
}

interface CsvRecord {
  /** 1-based line on which the record starts. */
  line: number;
  fields: string[];
}

function readRecords(text: string): CsvRecord[] {
  let parsed: InfoRecord[];
  try {
    // With `info: true` each record comes with where it was read; the typings do not say so.
    parsed = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as InfoRecord[];
  } catch (err) {
    if (err instanceof CsvError) {
      // csv-parse's message already names the line where it gave up.
      const line = typeof err.lines === 'number' ? err.lines : undefined;
      throw new ReportFormatError(`not a readable CSV file: ${err.message}`, line);
    }
    throw err;
  }
  return parsed.map(({ record, info }) => ({
    // info.lines is the line the record ends on; a quoted field may span lines.
    line: info.lines - record.reduce((sum, field) => sum + countNewlines(field), 0),
    fields: record,
  }));
}

function countNewlines(field: string): number {
  let count = 0;
  for (const ch of field) if (ch === '\n') count += 1;
  return count;
}

function locateColumns(header: string[]): Record<Column, number> {
  const names = header.map((name) => name.toLowerCase());
  const duplicate = names.find((name, i) => name !== '' && names.indexOf(name) !== i);
  if (duplicate !== undefined) {
    throw new ReportFormatError(
      `line 1: column ${duplicate} appears more than once in the header`,
      1,
      duplicate,
    );
  }
  const missing = REQUIRED_COLUMNS.filter((column) => !names.includes(column));
  if (missing.length === REQUIRED_COLUMNS.length) {
    throw new ReportFormatError(
      `line 1 is not a credential report header: expected the columns ${REQUIRED_COLUMNS.join(',')} ` +
        '(in any order, other columns allowed)',
      1,
    );
  }
  if (missing.length > 0) {
    const noun = missing.length === 1 ? 'column' : 'columns';
    throw new ReportFormatError(
      `line 1: the credential report header lacks the required ${noun} ${missing.join(', ')}`,
      1,
      missing[0],
    );
  }
  return Object.fromEntries(REQUIRED_COLUMNS.map((column) => [column, names.indexOf(column)])) as Record<
    Column,
    number
  >;
}

function toRow(record: CsvRecord, width: number, columns: Record<Column, number>): ReportRow {
  const { line, fields } = record;
  const userIndex = columns.user;
  const user = fields[userIndex] ?? '';
  if (fields.length !== width) {
    const who = user === '' ? '' : ` (user "${user}")`;
    throw new ReportFormatError(
      `line ${line}: expected ${width} fields as in the header, found ${fields.length}${who}`,
      line,
      undefined,
      user === '' ? undefined : user,
    );
  }
  const cell = new CellReader(line, user, fields, columns);
  if (user === '') throw cell.error('user', 'the user name is empty');
  return {
    line,
    user,
    arn: cell.text('arn'),
    isRoot: user === ROOT_USER,
    userCreationTime: cell.date('user_creation_time'),
    passwordEnabled: cell.bool('password_enabled'),
    passwordLastUsed: cell.date('password_last_used'),
    passwordLastChanged: cell.date('password_last_changed'),
    accessKeys: [cell.accessKey(1), cell.accessKey(2)],
  };
}

class CellReader {
  constructor(
    private readonly line: number,
    private readonly user: string,
    private readonly fields: string[],
    private readonly columns: Record<Column, number>,
  ) {}

  text(column: Column): string {
    const value = this.fields[this.columns[column]] ?? '';
    if (value === '') throw this.error(column, 'the value is empty');
    return value;
  }

  date(column: Column): ReportDate {
    const value = this.fields[this.columns[column]] ?? '';
    if (isMarker(value)) return value;
    const date = parseIsoInstant(value);
    if (date === null) {
      throw this.error(
        column,
        `${JSON.stringify(value)} is not a date${looksReformatted(value) ? SPREADSHEET_HINT : ''}`,
      );
    }
    return date;
  }

  /** `true`/`false` in any case: a spreadsheet that re-saves the report writes TRUE and FALSE. */
  bool(column: Column): ReportBool {
    const value = this.fields[this.columns[column]] ?? '';
    const folded = value.toLowerCase();
    if (folded === 'true') return true;
    if (folded === 'false') return false;
    if (value === 'not_supported') return value;
    throw this.error(column, `${JSON.stringify(value)} is not true, false or not_supported`);
  }

  accessKey(n: 1 | 2): ReportAccessKey {
    const activeColumn = `access_key_${n}_active` as const;
    const value = (this.fields[this.columns[activeColumn]] ?? '').toLowerCase();
    if (value !== 'true' && value !== 'false') {
      throw this.error(
        activeColumn,
        `${JSON.stringify(this.fields[this.columns[activeColumn]] ?? '')} is not true or false`,
      );
    }
    return {
      active: value === 'true',
      lastRotated: this.date(`access_key_${n}_last_rotated`),
      lastUsedDate: this.date(`access_key_${n}_last_used_date`),
    };
  }

  error(column: Column, problem: string): ReportFormatError {
    return new ReportFormatError(
      `line ${this.line}, column ${column}, user ${JSON.stringify(this.user)}: ${problem}`,
      this.line,
      column,
      this.user,
    );
  }
}

/**
 * Dates as a spreadsheet shows them once it has parsed them: `11/26/2026 14:03`, `26.11.2026`,
 * `2026-11-26 14:03` (no seconds, no offset), or a serial day number such as `46352.58`.
 */
const SPREADSHEET_DATE = [
  /^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?)?$/,
  /^\d{4}[/.-]\d{1,2}[/.-]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$/,
  /^\d{5}(?:\.\d+)?$/,
];

const SPREADSHEET_HINT =
  ': it looks like a date a spreadsheet reformatted when the report was opened and saved again ' +
  '(AWS writes dates as 2026-11-26T14:03:00+00:00, with the time zone). Download the report again ' +
  'and give credsweep that file; open a copy if you want to read it in a spreadsheet.';

function looksReformatted(value: string): boolean {
  return SPREADSHEET_DATE.some((pattern) => pattern.test(value.trim()));
}

/**
 * IAM writes each user once, and user names are unique without regard to case. A report with a
 * user twice was edited or joined from two reports: which row is right cannot be known.
 */
function refuseDuplicateUsers(rows: ReportRow[]): void {
  const seen = new Map<string, ReportRow>();
  for (const row of rows) {
    const key = row.user.toLowerCase();
    const first = seen.get(key);
    if (first) {
      throw new ReportFormatError(
        `line ${row.line}: the user ${JSON.stringify(row.user)} on line ${row.line} is user ` +
          `${JSON.stringify(first.user)} of line ${first.line} again (user names are unique without regard ` +
          'to case, and IAM writes each user once): the report was edited or joined from two reports. ' +
          'Download it again.',
        row.line,
        'user',
        row.user,
      );
    }
    seen.set(key, row);
  }
}

function isMarker(value: string): value is ReportMarker {
  return MARKERS.includes(value);
}
