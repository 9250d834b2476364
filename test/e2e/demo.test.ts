/**
 * The real ASL in the local engine, the real handlers, the sandbox account: every path of the
 * workflow end to end, as `credsweep demo` runs it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../cli/local/demo-run.js';
import type { Seed } from '../../cli/local/seed.js';
import { demo, sample, tempHome, userIn } from '../helpers/demo.js';
import { NOW } from '../helpers/seeds.js';

/**
 * The account equals the seed, except that a console password backout restored is a new one
 * (a password cannot be brought back): present again, reset required at next sign-in.
 */
function expectRestored(after: Seed, before: Seed, restoredConsole: string[]) {
  for (const original of before.users) {
    const now = userIn(after, original.userName);
    expect(now.accessKeys, original.userName).toEqual(original.accessKeys);
    if (original.loginProfile === null) {
      expect(now.loginProfile, original.userName).toBeNull();
    } else if (restoredConsole.includes(original.userName)) {
      expect(now.loginProfile?.passwordResetRequired, original.userName).toBe(true);
      expect(now.loginProfile?.passwordLastUsed).toBe(original.loginProfile.passwordLastUsed);
    } else {
      expect(now.loginProfile, original.userName).toEqual(original.loginProfile);
    }
  }
}

describe('credsweep demo on the sample account', () => {
  it('approve all: disables exactly the stale credentials and verifies them', async () => {
    const result = await demo();
    expect(result).toMatchObject({ status: 'SUCCEEDED', outcome: 'remediated', error: null });
    const changed = result.changes.map((c) => `${c.userName} ${c.accessKeyId ?? c.credential}`).sort();
    expect(changed).toEqual([
      'bob.martinez console-password',
      'carol.nguyen console-password',
      'ci-deployer AKIASANDBOX0CIDEPL01',
      'data-pipeline AKIASANDBOX0DATAPL02',
      'frank.li AKIASANDBOX0FRANKL01',
      'frank.li console-password',
      'metrics-exporter AKIASANDBOX0METRIC01',
      'svc+etl=nightly,eu.ops@data_team-1 AKIASANDBOX0SVCETL01',
    ]);
    const after = result.sandbox.toSeed();
    expect(userIn(after, 'ci-deployer').accessKeys.map((k) => k.status)).toEqual(['Inactive', 'Active']);
    expect(userIn(after, 'alice.chen')).toEqual(userIn(sample(), 'alice.chen'));
    expect(userIn(after, 'breakglass-admin')).toEqual(userIn(sample(), 'breakglass-admin'));
    expect(userIn(after, 'legacy-reporting')).toEqual(userIn(sample(), 'legacy-reporting'));
    expect(result.maxPayloadBytes).toBeLessThan(262_144);
  });

  it('reject: changes nothing and fails with Rejected', async () => {
    const result = await demo({ approval: 'auto-reject' });
    expect(result).toMatchObject({ status: 'FAILED', outcome: 'rejected', changes: [] });
    expect(result.error?.Error).toBe('Rejected');
    expect(result.sandbox.toSeed()).toEqual(sample());
  });

  it('approval timeout: changes nothing and fails with ApprovalTimedOut', async () => {
    const result = await demo({ approval: 'none', approvalTimeoutSeconds: 1 });
    expect(result).toMatchObject({ status: 'FAILED', outcome: 'timed-out', changes: [] });
    expect(result.error?.Error).toBe('ApprovalTimedOut');
    expect(result.sandbox.toSeed()).toEqual(sample());
  });

  it('nothing stale: succeeds as nothing-to-do without asking anyone', async () => {
    const seed = sample();
    seed.users = seed.users.filter((u) => u.userName === 'alice.chen' || u.userName === 'dave.okafor');
    const h = tempHome();
    const result = await runDemo({ seed, now: NOW, home: h, approval: 'none' });
    expect(result).toMatchObject({ status: 'SUCCEEDED', outcome: 'nothing-to-do', changes: [] });
    expect(existsSync(join(h, 'outbox'))).toBe(false);
  });

  it.each(['disable-console', 'deactivate-keys', 'verify'] as const)(
    '--fail-at %s: backout restores every change and the run fails with the cause',
    async (failAt) => {
      const result = await demo({ failAt });
      expect(result).toMatchObject({ status: 'FAILED', outcome: 'backed-out' });
      expect(result.error).toMatchObject({ Error: 'InjectedFailure' });
      expect(result.changes.length).toBeGreaterThan(0);
      expect(result.changes.every((c) => c.status === 'restored')).toBe(true);
      const restoredConsole = result.changes
        .filter((c) => c.credential === 'console-password')
        .map((c) => c.userName);
      expectRestored(result.sandbox.toSeed(), sample(), restoredConsole);
    },
  );

  it('skips, and reports, a credential used after the report was generated', async () => {
    const result = await demo({
      beforeDecision: (sandbox) => sandbox.recordUse('bob.martinez', 'console-password', NOW),
    });
    expect(result.outcome).toBe('remediated');
    expect(result.skippedAtRecheck).toEqual([
      {
        userName: 'bob.martinez',
        credential: 'console-password',
        accessKeyId: null,
        liveLastUsed: NOW.toISOString(),
      },
    ]);
    expect(userIn(result.sandbox.toSeed(), 'bob.martinez').loginProfile).not.toBeNull();
  });

  it('blast-radius guard: more credentials than the limit stops before any approval is asked', async () => {
    const h = tempHome();
    const result = await runDemo({
      seed: sample(),
      now: NOW,
      home: h,
      approval: 'auto-approve',
      maxCredentials: 3,
    });
    expect(result).toMatchObject({ status: 'FAILED', changes: [] });
    expect(result.error?.Error).toBe('BlastRadiusExceeded');
    expect(result.error?.Cause).toMatch(/would disable \d+ credentials, more than the limit of 3/);
    expect(result.sandbox.toSeed()).toEqual(sample());
    // The stop is on record: the plan it refused, and why.
    const evidence = JSON.parse(readFileSync(join(result.evidenceDir, 'evidence.json'), 'utf8'));
    expect(evidence).toMatchObject({ outcome: 'failed', error: { Error: 'BlastRadiusExceeded' } });
    expect(evidence.summary).toMatch(/^Stopped before approval \(BlastRadiusExceeded/);
    expect(evidence.findings.length).toBeGreaterThan(3);
  });
});
