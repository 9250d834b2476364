/** Option parsers shared by the commands: each names what it expected. */
import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { parseIsoInstant } from '../../handlers/core/report/credential-report.js';
import { InputError } from '../../handlers/core/shared/errors.js';
import { ArgumentTooLong, checkLength, type LengthRule } from '../../handlers/core/shared/validate.js';
import { printJson } from '../output.js';

/** A parser of commander's: the value given, and what earlier uses of the option gave. */
type Parser<T> = (value: string, previous: T) => T;

/**
 * AWS's length limits on the commands' arguments (handlers/core/shared/validate.ts), checked before
 * anything is read or written. A parser made by `limited` notes an over-long value instead of
 * parsing it; `refuse`, commander's preAction hook (it runs once every argument is parsed, before
 * the command's action), throws the first one: one line naming the argument, the limit and the
 * length, exit 1; with --json, also `{"error": {name, argument, limit, length, message}}` on stdout.
 */
export class LengthChecks {
  private tooLong: ArgumentTooLong | null = null;

  /** `parse`, for values within the limit; `items` splits a list option into its values. */
  limited<T = string>(
    argument: string,
    rule: LengthRule | ((value: string) => LengthRule),
    parse: Parser<T> = (value) => value as T,
    items: (value: string) => string[] = (value) => [value],
  ): Parser<T> {
    return (value, previous) => {
      try {
        for (const item of items(value)) {
          checkLength(argument, item, typeof rule === 'function' ? rule(item) : rule);
        }
      } catch (err) {
        if (!(err instanceof ArgumentTooLong)) throw err;
        this.tooLong ??= err;
        return previous;
      }
      return parse(value, previous);
    };
  }

  readonly refuse = (_program: Command, action: Command): void => {
    const err = this.tooLong;
    if (!err) return;
    this.tooLong = null;
    if (action.opts().json) {
      const { name, argument, limit, length, message } = err;
      printJson({ error: { name, argument, limit, length, message } });
    }
    throw err;
  };
}

/** A run given by name or by execution ARN. */
export const runRule = (value: string): LengthRule =>
  value.startsWith('arn:') ? 'executionArn' : 'executionName';

/** The items of a comma list of ids (`--accounts`, `--ous`, `--approvers`). */
export const commaItems = (value: string) => value.split(',').map((item) => item.trim());

export function parsePositiveInt(value: string): number {
  const n = /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 1)) throw new InvalidArgumentError('Expected a whole number, 1 or more.');
  return n;
}

/** A date (midnight UTC) or an instant with a UTC offset; a time without an offset is refused. */
export function parseIsoDate(value: string): Date {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? parseIsoInstant(`${value}T00:00:00Z`)
    : parseIsoInstant(value);
  if (date === null) {
    throw new InvalidArgumentError(
      'Expected an ISO 8601 date (midnight UTC) or an instant with a UTC offset, e.g. 2026-11-26 or 2026-11-26T00:00:00Z.',
    );
  }
  return date;
}

/**
 * Collects user names from a repeatable option: splits on commas not escaped as `\,` (IAM user
 * names may contain commas), trims, drops empties.
 */
export function collectUsers(value: string, previous: string[] = []): string[] {
  return [...previous, ...splitNames(value)];
}

/** Splits on commas not escaped as `\,`, trims, drops empties. */
export function splitNames(value: string): string[] {
  return value
    .split(/(?<!\\),/)
    .map((name) => name.replaceAll('\\,', ',').trim())
    .filter((name) => name !== '');
}

export function parseRate(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 1)) {
    throw new InvalidArgumentError('Expected a fraction from 0 to 1.');
  }
  return n;
}

/** Comma-separated IAM user names; `\,` stands for a comma inside a name (IAM allows `+=,.@_-`). */
export function parseNameList(value: string): string[] {
  const names = splitNames(value);
  if (names.length === 0) throw new InvalidArgumentError('expected a comma-separated list of user names');
  return names;
}

/** A number of seconds greater than 0; fractions allowed. */
export function parseSeconds(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0)) {
    throw new InvalidArgumentError(`expected a number of seconds greater than 0, got "${value}"`);
  }
  return n;
}

/** Reads a file a user named (`-` is standard input); a failure says which file and why, in words. */
export function readUserFile(file: string, what: string): string {
  return readUserBytes(file, what).toString('utf8');
}

/** The bytes of a file a user named (`-` is standard input), for text whose encoding it detects. */
export function readUserBytes(file: string, what: string): Buffer {
  try {
    return readFileSync(file === '-' ? 0 : file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (err as Error).message;
    throw new InputError(`cannot read the ${what} ${JSON.stringify(file)}: ${why}`);
  }
}

/** Comma-separated 12-digit AWS account ids. */
export function parseAccountList(value: string): string[] {
  const ids = value
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  const bad = ids.filter((id) => !/^\d{12}$/.test(id));
  if (ids.length === 0 || bad.length > 0) {
    throw new InvalidArgumentError(
      `expected comma-separated 12-digit account ids${bad.length > 0 ? `, not ${bad.map((b) => JSON.stringify(b)).join(', ')}` : ''}`,
    );
  }
  return ids;
}

/** Comma-separated OU ids (`ou-…`) or root ids (`r-…`). */
export function parseOuList(value: string): string[] {
  const ids = value
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  const bad = ids.filter((id) => !/^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/.test(id));
  if (ids.length === 0 || bad.length > 0) {
    throw new InvalidArgumentError(
      `expected comma-separated OU ids (ou-xxxx-xxxxxxxx) or root ids (r-xxxx)${bad.length > 0 ? `, not ${bad.map((b) => JSON.stringify(b)).join(', ')}` : ''}`,
    );
  }
  return ids;
}

const FAIL_STEPS = ['disable-console', 'deactivate-keys', 'verify'] as const;

/** `--fail-at STEP` or, in an organization run, `STEP@ACCOUNT`. */
export function parseFailAt(value: string): { step: (typeof FAIL_STEPS)[number]; accountId?: string } {
  const [step, accountId, ...rest] = value.split('@');
  const known = FAIL_STEPS.find((s) => s === step);
  if (!known || rest.length > 0 || (accountId !== undefined && !/^\d{12}$/.test(accountId))) {
    throw new InvalidArgumentError(
      `expected ${FAIL_STEPS.join(', ')} or, for an organization, STEP@ACCOUNT (e.g. deactivate-keys@222222222222); got ${JSON.stringify(value)}`,
    );
  }
  return accountId ? { step: known, accountId } : { step: known };
}

/** A whole number of days, 0 or more (0 turns the lifecycle feature off for the run). */
export function parseDays(value: string): number {
  const n = /^\d{1,4}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 0 && n <= 3650))
    throw new InvalidArgumentError('Expected a whole number of days from 0 to 3650.');
  return n;
}

/** One 12-digit AWS account id (`--account`). */
export function parseAccountId(value: string): string {
  const id = value.trim();
  if (!/^\d{12}$/.test(id)) {
    throw new InvalidArgumentError(`expected a 12-digit AWS account id, not ${JSON.stringify(value)}`);
  }
  return id;
}

/** A day, `YYYY-MM-DD` (UTC); an instant with a UTC offset stands for its UTC day. */
export function parseDay(value: string): string {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? parseIsoInstant(`${value}T00:00:00Z`)
    : parseIsoInstant(value);
  if (date === null) {
    throw new InvalidArgumentError(
      `expected a day YYYY-MM-DD (UTC), e.g. 2026-10-01, not ${JSON.stringify(value)}`,
    );
  }
  return date.toISOString().slice(0, 10);
}

/** Comma-separated email addresses (`--approvers a@x,b@y`), each once. */
export function parseEmailList(value: string): string[] {
  const list = value
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  const bad = list.find((a) => !/^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/.test(a));
  if (list.length === 0 || bad !== undefined) {
    throw new InvalidArgumentError(
      bad !== undefined
        ? `${JSON.stringify(bad)} is not an email address`
        : 'expected a comma-separated list of email addresses',
    );
  }
  return list.filter((a, i) => list.findIndex((b) => b.toLowerCase() === a.toLowerCase()) === i);
}
