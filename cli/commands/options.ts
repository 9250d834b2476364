/** Option parsers shared by the commands: each names what it expected. */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { parseIsoInstant } from '../../handlers/core/credential-report.js';
import { InputError } from '../../handlers/core/errors.js';

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
function splitNames(value: string): string[] {
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
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
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

/** A whole number of days, 0 or more (0 turns the lifecycle feature off for the run). */
export function parseDays(value: string): number {
  const n = /^\d{1,4}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 0 && n <= 3650))
    throw new InvalidArgumentError('Expected a whole number of days from 0 to 3650.');
  return n;
}
