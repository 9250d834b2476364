/**
 * Runs that overlap in one account (issue 12): a backout restores a credential only while the run it
 * backs out is the last thing that changed it and it is still as that run left it; one run changes
 * an account at a time; two backouts of one run restore once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../cli/local/demo-run.js';
import { loadLocalAccount, seedHome } from '../../cli/local/home-sandbox.js';
import type { Seed } from '../../cli/local/seed.js';
import type { Evidence } from '../../handlers/core/evidence/schema.js';
import type { LedgerEntry } from '../../handlers/core/shared/types.js';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/demo.js';

const KEY = 'AKIASANDBOX0CIDEPL01';
const OTHER_KEY = 'AKIASANDBOX0FRANKL01';

const sandbox = (home: string) => loadLocalAccount(home) as Seed;
const keyIn = (seed: Seed, id: string) =>
  seed.users.flatMap((u) => u.accessKeys).find((k) => k.accessKeyId === id);

/** Someone turns a key on again, outside credsweep (the console, the CLI). */
function reEnable(home: string, id: string) {
  const seed = sandbox(home);
  const key = keyIn(seed, id);
  if (!key) throw new Error(`no key ${id}`);
  key.status = 'Active';
  seedHome(home, seed);
}

const evidenceOf = (home: string, name: string) =>
  JSON.parse(readFileSync(join(home, 'runs', name, 'evidence.json'), 'utf8')) as Evidence;

describe('backing out an older run after a newer one changed the same key', () => {
  let home: string;
  let runA: string;

  beforeAll(async () => {
    home = tempHome();
    const a = await runCli(['demo', '--auto-approve', '--json', '--home', home]);
    expect(a.code).toBe(0);
    runA = JSON.parse(a.stdout).executionName;
    reEnable(home, KEY);
    const b = await runCli([
      ...['start', '--local', '--home', home, '--auto-approve', '--users', 'ci-deployer', '--name', 'run-b'],
    ]);
    expect(b.code).toBe(0);
    expect(keyIn(sandbox(home), KEY)?.status).toBe('Inactive');
  });

  it('leaves the key as run B left it, and says why', async () => {
    const backout = await runCli(['backout', runA, '--local', '--home', home, '--users', 'ci-deployer']);

    expect(backout.code).toBe(0);
    expect(keyIn(sandbox(home), KEY)?.status).toBe('Inactive');
    expect(backout.stdout).toMatch(
      /left alone\s+ci-deployer access-key-1 AKIASANDBOX0CIDEPL01: disabled again by later run run-b; not restored/,
    );
    // Run B's record still tells the truth.
    const show = await runCli(['show', 'run-b', '--local', '--home', home]);
    expect(show.stdout).toMatch(/ci-deployer\s+access-key-1 AKIASANDBOX0CIDEPL01\s+Active\s+Inactive\s+yes/);
    // The backout's evidence and A's ledger say why.
    const name = /^(backout-\S+)/m.exec(backout.stdout)?.[1] ?? '';
    const evidence = evidenceOf(home, name);
    expect(evidence.backout?.skipped).toEqual([
      expect.objectContaining({
        userName: 'ci-deployer',
        accessKeyId: KEY,
        reason: 'changed-by-later-run',
        laterRun: expect.stringMatching(/:run-b$/),
        laterChange: 'disabled',
      }),
    ]);
    expect(evidence.summary).toMatch(
      /1 left alone, changed since \(ci-deployer AKIASANDBOX0CIDEPL01: disabled again by later run run-b\)/,
    );
    const ledger = readFileSync(join(home, 'store', 'ledger', runA, `ci-deployer%2F${KEY}.json`), 'utf8');
    expect((JSON.parse(ledger) as LedgerEntry).backoutSkip).toMatchObject({ reason: 'changed-by-later-run' });
  });

  it('leaves a key turned on outside credsweep alone, saying so, and restores the rest', async () => {
    reEnable(home, OTHER_KEY);

    const backout = await runCli(['backout', runA, '--local', '--home', home, '--json']);

    expect(backout.code).toBe(0);
    const out = JSON.parse(backout.stdout);
    const evidence = evidenceOf(home, out.name);
    expect(evidence.backout?.skipped).toContainEqual(
      expect.objectContaining({
        accessKeyId: OTHER_KEY,
        reason: 'changed-outside-credsweep',
        found: 'Active',
      }),
    );
    expect(evidence.backout?.restored).toBeGreaterThan(0);
    // Still run B's: the later run stays the last change, whoever backs out A.
    expect(keyIn(sandbox(home), KEY)?.status).toBe('Inactive');
  });
});

describe('two backouts of one run at once', () => {
  it('exactly one restores; the other changes nothing and names it', async () => {
    const home = tempHome();
    const a = await runCli(['demo', '--auto-approve', '--json', '--home', home]);
    const runA = JSON.parse(a.stdout).executionName as string;
    const backout = (executionName: string) =>
      runDemo({ now: new Date(), home, approval: 'none', executionName, backoutOf: runA });

    const [one, two] = await Promise.all([backout('backout-one'), backout('backout-two')]);

    const dir = join(home, 'store', 'ledger', runA);
    const ledger = readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as LedgerEntry);
    const restoredBy = new Set(ledger.map((e) => e.restoredBy?.split(':').pop()));
    expect(ledger.every((e) => e.status === 'restored')).toBe(true);
    expect(restoredBy.size).toBe(1);
    const [winner, loser] = restoredBy.has('backout-one') ? [one, two] : [two, one];
    expect(evidenceOf(home, winner.executionName).backout?.restored).toBe(ledger.length);
    // The other either stopped at the guard or found each credential restored by the winner.
    const loserEvidence = evidenceOf(home, loser.executionName);
    if (loser.status === 'FAILED') {
      expect(loser.error?.Cause).toMatch(
        new RegExp(
          `run ${winner.executionName} is changing account \\d{12}.*stopped before changing anything`,
        ),
      );
    } else {
      // It read the ledger after the winner restored (nothing left), or left each one naming the winner.
      expect(loserEvidence.backout?.restored).toBe(0);
      for (const skip of loserEvidence.backout?.skipped ?? []) {
        expect(skip.laterRun?.split(':').pop()).toBe(winner.executionName);
      }
    }
    // One password secret per restored console user: the one IAM has.
    const secrets = readdirSync(join(home, 'secrets')).filter((f) => f.includes(runA));
    expect(secrets).toHaveLength(ledger.filter((e) => e.credential === 'console-password').length);
  });
});

describe("a run's name is its identity", () => {
  it('start --local --name <an earlier run> exits non-zero and leaves the home byte-for-byte unchanged', async () => {
    const home = tempHome();
    const a = await runCli(['demo', '--auto-approve', '--json', '--home', home]);
    const runA = JSON.parse(a.stdout).executionName as string;
    const snapshot = () =>
      [`executions/${runA}.json`, `runs/${runA}/evidence.json`]
        .map((f) => readFileSync(join(home, f)))
        .concat(Buffer.from(JSON.stringify(loadLocalAccount(home))))
        .concat(
          readdirSync(join(home, 'store', 'ledger', runA)).map((f) =>
            readFileSync(join(home, 'store', 'ledger', runA, f)),
          ),
        );
    const before = snapshot();
    const outbox = readdirSync(join(home, 'outbox')).length;

    const again = await runCli([
      'start',
      '--local',
      '--home',
      home,
      '--name',
      runA,
      '--days',
      '1',
      '--auto-approve',
    ]);

    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain(`a run named ${runA} already exists in ${home}`);
    expect(snapshot()).toEqual(before);
    expect(readdirSync(join(home, 'outbox'))).toHaveLength(outbox);
  });
});
