/** The lock file of a local home: a lock left by a killed process is taken over, a live one is waited for. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withFileLock } from '../../cli/local/file-lock.js';

const lockPath = () => join(mkdtempSync(join(tmpdir(), 'credsweep-lock-')), 'lock');

describe('withFileLock', () => {
  it('takes over a lock whose process has gone (killed mid-change), and removes its own after', () => {
    const path = lockPath();
    const gone = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    writeFileSync(path, `${gone} stale`);

    expect(withFileLock(path, () => 'changed')).toBe('changed');
    expect(existsSync(path)).toBe(false);
  });

  it('takes over a lock left empty by a process killed between creating and writing it', () => {
    const path = lockPath();
    writeFileSync(path, '');
    const old = new Date(Date.now() - 5_000);
    utimesSync(path, old, old);

    const started = Date.now();
    expect(withFileLock(path, () => 'changed')).toBe('changed');
    // Not after waiting out the 10 s a live holder gets.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('waits while a live process holds it, and goes on once it is released', async () => {
    const path = lockPath();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    writeFileSync(path, `${holder.pid} live`);
    // The holder releases it 300 ms later (as a process ending its change removes the file).
    const release = spawn(process.execPath, [
      '-e',
      `setTimeout(() => require('fs').rmSync(${JSON.stringify(path)}), 300)`,
    ]);
    const started = Date.now();
    try {
      expect(withFileLock(path, () => 'changed')).toBe('changed');
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    } finally {
      holder.kill();
      release.kill();
    }
  });
});
