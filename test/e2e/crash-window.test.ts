/**
 * A crash between a change and its record (issue 27): the task changes a credential, then dies
 * before the ledger says so. The backout must settle that `intended` entry by the credential's live
 * state and restore it, unless a change recorded *after* the intent touched it; "after" is decided
 * by the order the changes were recorded in, never by clocks or run names.
 *
 * The runs share one home (its ledger and last-change records) and each demo starts from the same
 * seed, as an admin rehearsing does. The approved run is dated an hour after the failing ones
 * (`--now`), so its change carries a later timestamp although it was recorded first.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleSeed } from '../../cli/local/sample-account.js';
import type { Seed } from '../../cli/local/seed.js';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/demo.js';

const T = new Date('2026-11-20T09:00:00.000Z');
const LATER = new Date(T.getTime() + 3_600_000);

/** What a person would check: which console passwords exist and the status of each key. */
function credentials(seed: Seed) {
  return seed.users
    .map((u) => ({
      user: u.userName,
      console: u.loginProfile !== null,
      keys: u.accessKeys.map((k) => `${k.accessKeyId}:${k.status}`).sort(),
    }))
    .sort((a, b) => a.user.localeCompare(b.user));
}

describe('a task that dies right after its first key change, in a home with an earlier run', () => {
  let home: string;
  let seedFile: string;
  let seed: Seed;

  beforeAll(async () => {
    home = tempHome();
    seed = sampleSeed(T);
    seedFile = join(home, 'seed.json');
    writeFileSync(seedFile, JSON.stringify(seed));
    const approved = await runCli([
      'demo',
      '--seed',
      seedFile,
      '--auto-approve',
      '--json',
      '--home',
      home,
      '--now',
      LATER.toISOString(),
    ]);
    expect(approved.code).toBe(0);
    expect(JSON.parse(approved.stdout).outcome).toBe('remediated');
  }, 120_000);

  for (const attempt of [1, 2, 3]) {
    it(`failing run ${attempt}: the backout leaves the account exactly as the seed had it`, async () => {
      const stateOut = join(home, `after-${attempt}.json`);
      const run = await runCli([
        ...['demo', '--seed', seedFile, '--auto-approve', '--fail-at', 'deactivate-keys', '--json'],
        ...['--home', home, '--now', T.toISOString(), '--state-out', stateOut],
      ]);
      const out = JSON.parse(run.stdout);
      expect(out.status).toBe('FAILED');
      expect(out.outcome).toBe('backed-out');

      const after = JSON.parse(readFileSync(stateOut, 'utf8')) as Seed;
      expect(credentials(after)).toEqual(credentials(seed));

      // Every change of the run is accounted for: restored, or skipped with a reason.
      const changes = out.changes as { accessKeyId: string | null; status: string; reason?: string }[];
      expect(changes.length).toBeGreaterThan(0);
      expect(changes.filter((c) => c.status !== 'restored')).toEqual([]);
      // The key changed in the crash window is among the restored ones.
      expect(changes.some((c) => c.accessKeyId !== null && c.status === 'restored')).toBe(true);
    }, 120_000);
  }
});
