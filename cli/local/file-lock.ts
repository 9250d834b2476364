/**
 * A lock file shared by the processes using one local home: `withFileLock(path, fn)` creates `path`
 * exclusively (holding this process's pid), runs `fn` and removes it. `fn` is synchronous, so
 * nothing else of this process runs while it holds the lock. A lock whose process has gone (killed
 * mid-change), or left empty by a process killed between creating and writing it, is stale and taken
 * over; a lock still held after LOCK_WAIT_MS is an error naming it.
 */
import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { CredsweepError } from '../../handlers/core/shared/errors.js';
import { readTextIfPresent } from './files.js';
import { processAlive } from './processes.js';

/** How long a process waits for another to finish its change (a change takes milliseconds). */
export const LOCK_WAIT_MS = 10_000;
const RETRY_MS = 2;
/** A lock file still empty this long after it was made is a killed process's, never one being written. */
const UNWRITTEN_STALE_MS = 1_000;
const pause = new Int32Array(new SharedArrayBuffer(4));

export function withFileLock<T>(path: string, fn: () => T): T {
  const deadline = Date.now() + LOCK_WAIT_MS;
  const mine = `${process.pid} ${Math.random().toString(36).slice(2)}`;
  while (!tryCreate(path, mine)) {
    const holder = readHolder(path);
    if (holder === null && unwrittenFor(path) > UNWRITTEN_STALE_MS) {
      // Created but never written: its process was killed between the two (a writer writes at once).
      rmSync(path, { force: true });
      continue;
    }
    // Our own pid can only be a dead process's that the system gave us again: fn never re-enters.
    if (holder !== null && (!processAlive(holder.pid) || holder.pid === process.pid)) {
      // Taken over only if it is still the same stale lock (not one another process just made).
      if (readHolder(path)?.text === holder.text) rmSync(path, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new CredsweepError(
        'LocalHomeLocked',
        `${path} is held by process ${holder?.pid ?? '?'} for more than ${LOCK_WAIT_MS / 1000} s; ` +
          'if no credsweep command is running there, remove the file',
      );
    }
    Atomics.wait(pause, 0, 0, RETRY_MS);
  }
  try {
    return fn();
  } finally {
    if (readHolder(path)?.text === mine) rmSync(path, { force: true });
  }
}

function tryCreate(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** How long the lock file has existed without a holder written in it (0 when gone or written). */
function unwrittenFor(path: string): number {
  try {
    const stat = statSync(path);
    return stat.size === 0 ? Date.now() - stat.mtimeMs : 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
}

/** The lock's holder, or null when it is gone or still being written (then it is tried again). */
function readHolder(path: string): { pid: number; text: string } | null {
  const text = readTextIfPresent(path);
  if (text === null) return null;
  const pid = Number(text.split(' ')[0]);
  return Number.isInteger(pid) && pid > 0 ? { pid, text } : null;
}
