/** Small file helpers for the local adapters: atomic JSON writes, private files. */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CredsweepError } from '../../handlers/core/shared/errors.js';

let sequence = 0;

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
export function writeFileAtomic(path: string, body: string, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${sequence++}.tmp`;
  writeFileSync(tmp, body, { mode });
  renameSync(tmp, path);
}

/** A file's text, or null when there is no such file. */
export function readTextIfPresent(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export function readJson<T>(path: string): T | null {
  const text = readTextIfPresent(path);
  return text === null ? null : parseRecord<T>(text, path);
}

/** A local record's JSON; a damaged file is one plain error naming it, not a stack trace. */
function parseRecord<T>(text: string, path: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new CredsweepError(
      'CorruptLocalRecord',
      `the local record ${path} is not valid JSON (${(err as Error).message}); it was changed or cut short outside credsweep`,
    );
  }
}

export function listJson<T>(dir: string): T[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names.sort().map((n) => parseRecord<T>(readFileSync(join(dir, n), 'utf8'), join(dir, n)));
}

/** File-name-safe form of a key part (user names may hold `+=,.@`; ids hold `/`). */
export const safeName = (s: string) => encodeURIComponent(s).replace(/\*/g, '%2A');
