/** One run changes an account at a time (issue 12): the guard, its lease, its release on every ending. */
import { describe, expect, it } from 'vitest';
import { LEASE_MS } from '../../handlers/core/change/account-guard.js';
import { backoutRun } from '../../handlers/core/change/backout.js';
import { deactivateAccessKeys, disableConsoleAccess } from '../../handlers/core/change/remediate.js';
import { analyzeRun } from '../../handlers/core/plan/analyze-run.js';
import { readPlan } from '../../handlers/core/plan/plan.js';
import { reportRun } from '../../handlers/core/run/report-run.js';
import { harness, storeDecision } from '../helpers/local-harness.js';
import { NOW, smallSeed } from '../helpers/seeds.js';

const RUN = 'arn:aws:states:us-east-1:111122223333:execution:credsweep:run-1';
const OTHER = 'arn:aws:states:us-east-1:111122223333:execution:credsweep:run-other';

async function approved(h = harness(smallSeed(), NOW)) {
  await h.sandbox.generateCredentialReport();
  const analysis = await analyzeRun(h.ports, RUN, { mode: 'remediate' });
  const plan = await readPlan(h.ports.blobs, analysis.planKey);
  const approvalId = await storeDecision(
    h.ports,
    RUN,
    'approved',
    plan.items.map((i) => i.id),
  );
  const tasks = analysis.batches.map((batch) => ({
    executionId: RUN,
    approvalId,
    thresholdDays: analysis.thresholdDays,
    batch,
  }));
  return { h, tasks };
}

const lockOf = (holder: string, since: Date) => ({
  accountId: '111122223333',
  holder,
  since: since.toISOString(),
  expiresAt: new Date(since.getTime() + LEASE_MS).toISOString(),
});

describe('the account guard', () => {
  it('stops a remediation before any change when another run holds the account, naming it', async () => {
    const { h, tasks } = await approved();
    await h.ports.store.holdLock(lockOf(OTHER, h.ports.now()));
    const task = tasks[0];
    if (!task) throw new Error('no batch');

    await expect(disableConsoleAccess(h.ports, task)).rejects.toMatchObject({
      name: 'AccountBusy',
      message: expect.stringMatching(
        /^run run-other is changing account 111122223333 .*run-1 stopped before changing anything/,
      ),
    });
    await expect(deactivateAccessKeys(h.ports, task)).rejects.toMatchObject({ name: 'AccountBusy' });
    expect(await h.ports.store.listLedger(RUN)).toEqual([]);
    expect(
      h.sandbox
        .toSeed()
        .users.flatMap((u) => u.accessKeys)
        .every((k) => k.status === 'Active'),
    ).toBe(true);
    // Its own backout has nothing to restore and so needs no guard: the run can end.
    await expect(
      backoutRun(h.ports, { executionId: RUN, sourceExecutionId: RUN, passwordSecretPrefix: 'p/' }),
    ).resolves.toMatchObject({ restored: 0 });
  });

  it('takes over a guard whose lease ran out (a stopped or timed-out run never released it)', async () => {
    const { h, tasks } = await approved();
    await h.ports.store.holdLock(lockOf(OTHER, new Date(h.ports.now().getTime() - LEASE_MS - 1000)));
    const task = tasks[0];
    if (!task) throw new Error('no batch');

    await expect(disableConsoleAccess(h.ports, task)).resolves.toMatchObject({ changed: 2 });
    await expect(h.ports.store.holdLock(lockOf(OTHER, h.ports.now()))).resolves.toMatchObject({
      holder: RUN,
    });
  });

  it('is released by the Report task on every ending, only by its holder', async () => {
    const { h, tasks } = await approved();
    for (const task of tasks) await disableConsoleAccess(h.ports, task);
    await reportRun(h.ports, { executionId: OTHER, outcome: 'backed-out' });
    await expect(h.ports.store.holdLock(lockOf(OTHER, h.ports.now()))).resolves.toMatchObject({
      holder: RUN,
    });

    await reportRun(h.ports, { executionId: RUN, outcome: 'backed-out' });

    await expect(h.ports.store.holdLock(lockOf(OTHER, h.ports.now()))).resolves.toMatchObject({
      holder: OTHER,
    });
  });

  it('lets exactly one of two backouts of one run restore, the other stopping before any change', async () => {
    const { h, tasks } = await approved();
    for (const task of tasks) {
      await disableConsoleAccess(h.ports, task);
      await deactivateAccessKeys(h.ports, task);
    }
    await reportRun(h.ports, { executionId: RUN, outcome: 'remediated' });
    const backout = (name: string) =>
      backoutRun(h.ports, {
        executionId: `${RUN}-${name}`,
        sourceExecutionId: RUN,
        passwordSecretPrefix: 'p/',
      });

    const results = await Promise.allSettled([backout('x'), backout('y')]);

    const restored = results.map((r) => (r.status === 'fulfilled' ? r.value.restored : 0));
    expect(restored.sort()).toEqual([0, 4]);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({
      reason: { name: 'AccountBusy', message: expect.stringMatching(/^run run-1-x is changing account/) },
    });
  });
});

describe("a run's identity on AWS (Step Functions frees a name after 90 days)", () => {
  it('Analyze refuses an execution whose name an earlier run used, and its Report overwrites nothing', async () => {
    const { h } = await approved();
    const plan = await h.ports.blobs.get('runs/run-1/plan.json');

    await expect(analyzeRun(h.ports, RUN, { mode: 'remediate', days: 1 })).rejects.toMatchObject({
      name: 'RunNameReused',
      message: expect.stringMatching(/^an earlier run named run-1 has records/),
    });
    await reportRun(h.ports, {
      executionId: RUN,
      outcome: 'failed',
      error: { Error: 'RunNameReused', Cause: 'an earlier run named run-1 has records' },
    });

    expect(await h.ports.blobs.get('runs/run-1/plan.json')).toBe(plan);
    await expect(h.ports.blobs.get('runs/run-1/evidence.json')).rejects.toMatchObject({ name: 'NoSuchKey' });
  });
});
