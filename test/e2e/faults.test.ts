/**
 * Reliability under faults (docs/reliability.md lists each with its result): every fault is
 * injected into the sandbox account or the local engine, and the real workflow runs end to end.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../cli/local/demo-run.js';
import { SAMPLE_EXEMPT_USERS } from '../../cli/local/sample-account.js';
import type { Evidence } from '../../handlers/core/evidence/schema.js';
import { demo, sample, tempHome, userIn } from '../helpers/demo.js';
import { NOW } from '../helpers/seeds.js';

const evidenceOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'evidence.json'), 'utf8')) as Evidence;

describe('faults', () => {
  it('throttling on 30% of IAM calls: the same final state as without throttling', async () => {
    const calm = await demo();
    const throttled = await demo({ throttleRate: 0.3, rngSeed: 7 });
    expect(throttled).toMatchObject({ status: 'SUCCEEDED', outcome: 'remediated' });
    expect(throttled.sandbox.toSeed()).toEqual(calm.sandbox.toSeed());
    expect(throttled.changes).toEqual(calm.changes);
  });

  it('AccessDenied in the middle of a batch: backout restores every change and the run fails with the cause', async () => {
    const result = await demo({ denyUsers: ['frank.li'] });
    expect(result).toMatchObject({ status: 'FAILED', outcome: 'backed-out' });
    expect(result.error?.Error).toBe('AccessDenied');
    expect(result.error?.Cause).toMatch(/not authorized to perform: iam:\w+ on resource: user frank.li/);
    expect(result.changes.length).toBeGreaterThan(0);
    expect(result.changes.every((c) => c.status === 'restored')).toBe(true);
    const after = result.sandbox.toSeed();
    for (const original of sample().users) {
      const now = userIn(after, original.userName);
      expect(now?.accessKeys, original.userName).toEqual(original.accessKeys);
      expect(now?.loginProfile === null, original.userName).toBe(original.loginProfile === null);
    }
  });

  it.each(['disable-console', 'deactivate-keys'] as const)(
    '%s crashing after its change and retried: no double change, ledger consistent',
    async (crashOnceAt) => {
      const calm = await demo();
      const crashed = await demo({ crashOnceAt });
      expect(crashed).toMatchObject({ status: 'SUCCEEDED', outcome: 'remediated' });
      expect(crashed.sandbox.toSeed()).toEqual(calm.sandbox.toSeed());
      expect(crashed.changes).toEqual(calm.changes);
      const keys = crashed.changes.filter((c) => c.action === 'deactivate-access-key');
      expect(keys.every((c) => c.before === 'Active' && c.after === 'Inactive')).toBe(true);
    },
  );

  it('IAM reads lagging behind a change (eventual consistency): Verify reads again, the run is not backed out', async () => {
    const calm = await demo();
    const lagging = await demo({ readLag: 1 });
    expect(lagging).toMatchObject({ status: 'SUCCEEDED', outcome: 'remediated' });
    expect(lagging.changes).toEqual(calm.changes);
    expect(lagging.sandbox.toSeed()).toEqual(calm.sandbox.toSeed());
  });

  it('IAM reads lagging behind a change while backing out: every change is still restored', async () => {
    const result = await demo({ readLag: 2, failAt: 'verify' });
    expect(result).toMatchObject({ status: 'FAILED', outcome: 'backed-out' });
    expect(result.changes.length).toBe(8);
    expect(result.changes.every((c) => c.status === 'restored')).toBe(true);
    const after = result.sandbox.toSeed();
    for (const original of sample().users) {
      expect(userIn(after, original.userName)?.accessKeys, original.userName).toEqual(original.accessKeys);
      expect(userIn(after, original.userName)?.loginProfile === null, original.userName).toBe(
        original.loginProfile === null,
      );
    }
  });

  it('a report still in progress: the poll waits and the run goes on', async () => {
    const result = await demo({ reportPollsUntilComplete: 3 });
    expect(result).toMatchObject({ status: 'SUCCEEDED', outcome: 'remediated' });
    expect(result.sandbox.calls().GenerateCredentialReport).toBe(4);
  });

  it('a report that never completes: bounded, clear failure, nothing asked or changed', async () => {
    const h = tempHome();
    const result = await runDemo({
      seed: sample(),
      now: NOW,
      home: h,
      approval: 'auto-approve',
      reportNeverCompletes: true,
    });
    expect(result).toMatchObject({ status: 'FAILED', changes: [] });
    expect(result.error).toMatchObject({ Error: 'CredentialReportNotReady' });
    expect(result.sandbox.calls().GenerateCredentialReport).toBe(10);
    const mails = readdirSync(join(h, 'outbox')).filter((n) => n.endsWith('.json'));
    const texts = mails.map((n) => readFileSync(join(h, 'outbox', n), 'utf8'));
    expect(texts.some((t) => t.includes('/approvals/'))).toBe(false);
    expect(texts.join('\n')).toContain('CredentialReportNotReady');
    expect(result.sandbox.toSeed()).toEqual(sample());
  });

  it('root is never touched, and reported', async () => {
    const result = await demo();
    const evidence = evidenceOf(result.evidenceDir);
    expect(evidence.skipped).toContainEqual({ userName: '<root_account>', reason: 'root' });
    expect(result.changes.some((c) => c.userName === '<root_account>')).toBe(false);
  });

  it('a user tagged credsweep:exempt=true is never touched, and reported', async () => {
    const result = await demo();
    expect(userIn(result.sandbox.toSeed(), 'legacy-reporting')).toEqual(userIn(sample(), 'legacy-reporting'));
    expect(evidenceOf(result.evidenceDir).skipped).toContainEqual({
      userName: 'legacy-reporting',
      reason: 'exempt-tag',
    });
  });

  it('a user tagged exempt while the approval waits is skipped at change time, not backed out', async () => {
    const result = await demo({
      beforeDecision: (sandbox) => sandbox.tagUser('frank.li', 'credsweep:exempt', 'true'),
    });
    expect(result).toMatchObject({ status: 'SUCCEEDED', outcome: 'remediated' });
    expect(userIn(result.sandbox.toSeed(), 'frank.li')?.loginProfile).not.toBeNull();
    expect(result.changes.some((c) => c.userName === 'frank.li')).toBe(false);
    const { unchanged } = evidenceOf(result.evidenceDir);
    expect(unchanged.filter((c) => c.userName === 'frank.li').map((c) => c.skipReason)).toEqual([
      'exempt-tag',
      'exempt-tag',
    ]);
  });

  it('a console password restored by backout is not disabled again by the next run', async () => {
    const h = tempHome();
    const first = await runDemo({
      seed: sample(),
      now: NOW,
      home: h,
      approval: 'auto-approve',
      failAt: 'verify',
    });
    expect(first.outcome).toBe('backed-out');
    const second = await runDemo({
      seed: first.sandbox.toSeed(),
      now: NOW,
      home: h,
      approval: 'auto-approve',
      exemptUsers: [...SAMPLE_EXEMPT_USERS],
    });
    expect(second.changes.some((c) => c.credential === 'console-password')).toBe(false);
  });
});
