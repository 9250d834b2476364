import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { passwordPolicyViolations } from '../../cli/local/password-policy.js';
import { backoutRun } from '../../handlers/core/change/backout.js';
import { deactivateAccessKeys, disableConsoleAccess } from '../../handlers/core/change/remediate.js';
import { verifyRun } from '../../handlers/core/change/verify.js';
import { analyzeRun } from '../../handlers/core/plan/analyze-run.js';
import { readPlan } from '../../handlers/core/plan/plan.js';
import { harness, storeDecision } from '../helpers/local-harness.js';
import { NOW, smallSeed } from '../helpers/seeds.js';

const EXEC = 'arn:aws:states:us-east-1:111122223333:execution:credsweep:run-1';

async function planned(h = harness(smallSeed(), NOW)) {
  await h.sandbox.generateCredentialReport();
  const analysis = await analyzeRun(h.ports, EXEC, { mode: 'remediate' });
  const plan = await readPlan(h.ports.blobs, analysis.planKey);
  return { h, analysis, plan };
}

/** A plan whose every item an approver approved. */
async function approvedAll(h = harness(smallSeed(), NOW)) {
  const run = await planned(h);
  const approvalId = await storeDecision(
    run.h.ports,
    EXEC,
    'approved',
    run.plan.items.map((i) => i.id),
  );
  return { ...run, approvalId };
}

async function applyAll(
  h: ReturnType<typeof harness>,
  analysis: Awaited<ReturnType<typeof analyzeRun>>,
  approvalId: string,
) {
  for (const batch of analysis.batches) {
    const task = { executionId: EXEC, approvalId, thresholdDays: analysis.thresholdDays, batch };
    await disableConsoleAccess(h.ports, task);
    await deactivateAccessKeys(h.ports, task);
  }
}

describe('analyze: the plan', () => {
  it('lists each stale credential once, with the key id resolved from ListAccessKeys', async () => {
    const { plan, analysis } = await planned();
    expect(plan.items.map((i) => i.id).sort()).toEqual([
      'ci+deploy@svc/AKIATESTCIDEPLOY0001',
      'stale.both/AKIATESTSTALEBOTH001',
      'stale.both/console-password',
      'stale.console/console-password',
    ]);
    expect(analysis.total).toBe(4);
    expect(analysis.batches.reduce((n, b) => n + b.size, 0)).toBe(4);
  });

  it('stops before approval when the run would exceed maxCredentials, keeping the plan for the record', async () => {
    const h = harness(smallSeed(), NOW, { settings: { maxCredentials: 3 } });
    await h.sandbox.generateCredentialReport();
    await expect(analyzeRun(h.ports, EXEC, { mode: 'remediate' })).rejects.toMatchObject({
      name: 'BlastRadiusExceeded',
    });
    expect((await readPlan(h.ports.blobs, 'runs/run-1/plan.json')).items).toHaveLength(4);
    // A new run (a run's name is its identity: the stopped run's name is not reused).
    await expect(
      analyzeRun(h.ports, `${EXEC}-again`, { mode: 'remediate', maxCredentials: 4 }),
    ).resolves.toMatchObject({
      total: 4,
    });
  });

  it('refuses, before reading anything, a maxCredentials override the workflow could not hold within its quotas', async () => {
    const h = harness(smallSeed(), NOW, { settings: { batchSize: 1 } });
    await h.sandbox.generateCredentialReport();
    const reads: string[] = [];
    const iam = new Proxy(h.ports.iam, {
      get: (target, prop, receiver) => {
        reads.push(String(prop));
        return Reflect.get(target, prop, receiver);
      },
    });
    await expect(
      analyzeRun({ ...h.ports, iam }, EXEC, { mode: 'remediate', maxCredentials: 15_000 }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(
        /^The run input is refused: maxCredentials 15000 with batchSize 1 .*Nothing was changed\.$/,
      ),
    });
    expect(reads).toEqual([]);
    await expect(
      analyzeRun(h.ports, EXEC, { mode: 'remediate', maxCredentials: 260 }),
    ).resolves.toMatchObject({
      total: 4,
    });
  });

  it('skips users tagged credsweep:exempt=true', async () => {
    const seed = smallSeed();
    const user = seed.users.find((u) => u.userName === 'stale.console');
    if (user) user.tags = { 'credsweep:exempt': 'true' };
    const { plan } = await planned(harness(seed, NOW));
    expect(plan.items.some((i) => i.userName === 'stale.console')).toBe(false);
    expect(plan.analysis.skipped).toContainEqual({ userName: 'stale.console', reason: 'exempt-tag' });
  });
});

describe('disable and deactivate', () => {
  it('changes exactly the approved credentials and records the prior state before each change', async () => {
    const { h, analysis, approvalId } = await approvedAll();
    await applyAll(h, analysis, approvalId);

    const state = h.sandbox.toSeed();
    const user = (n: string) => state.users.find((u) => u.userName === n);
    expect(user('stale.console')?.loginProfile).toBeNull();
    expect(user('stale.both')?.loginProfile).toBeNull();
    expect(user('stale.both')?.accessKeys.map((k) => k.status)).toEqual(['Inactive', 'Active']);
    expect(user('ci+deploy@svc')?.accessKeys[0]?.status).toBe('Inactive');
    expect(user('fresh.user')?.loginProfile).not.toBeNull();

    const ledger = await h.ports.store.listLedger(EXEC);
    expect(ledger.filter((e) => e.status === 'changed')).toHaveLength(4);
    expect(ledger.find((e) => e.itemId === 'stale.both/AKIATESTSTALEBOTH001')).toMatchObject({
      before: 'Active',
      after: 'Inactive',
    });
  });

  it('leaves credentials the approver unticked, recorded as not approved', async () => {
    const { h, analysis } = await planned();
    const approvalId = await storeDecision(h.ports, EXEC, 'approved', ['stale.console/console-password']);
    await applyAll(h, analysis, approvalId);
    const ledger = await h.ports.store.listLedger(EXEC);
    expect(ledger.filter((e) => e.status === 'changed').map((e) => e.itemId)).toEqual([
      'stale.console/console-password',
    ]);
    expect(ledger.filter((e) => e.skipReason === 'not-approved')).toHaveLength(3);
    expect(h.sandbox.toSeed().users.find((u) => u.userName === 'stale.both')?.loginProfile).not.toBeNull();
  });

  it('skips a credential used between the report and the change', async () => {
    const { h, analysis, approvalId } = await approvedAll();
    h.sandbox.recordUse('stale.console', 'console-password', NOW);
    h.sandbox.recordUse('ci+deploy@svc', 'AKIATESTCIDEPLOY0001', NOW);
    await applyAll(h, analysis, approvalId);
    const ledger = await h.ports.store.listLedger(EXEC);
    const skipped = ledger.filter((e) => e.skipReason === 'used-since-report');
    expect(skipped.map((e) => e.itemId).sort()).toEqual([
      'ci+deploy@svc/AKIATESTCIDEPLOY0001',
      'stale.console/console-password',
    ]);
    expect(skipped[0]?.liveLastUsed).toBe(NOW.toISOString());
    expect(h.sandbox.toSeed().users.find((u) => u.userName === 'stale.console')?.loginProfile).not.toBeNull();
  });

  it('changes nothing twice when a task runs again', async () => {
    const { h, analysis, approvalId } = await approvedAll();
    await applyAll(h, analysis, approvalId);
    const first = h.sandbox.calls();
    await applyAll(h, analysis, approvalId);
    const second = h.sandbox.calls();
    expect(second.DeleteLoginProfile).toBe(first.DeleteLoginProfile);
    expect(second.UpdateAccessKey).toBe(first.UpdateAccessKey);
    expect((await h.ports.store.listLedger(EXEC)).filter((e) => e.status === 'changed')).toHaveLength(4);
  });

  it('completes a change that crashed after IAM applied it but before the ledger said so', async () => {
    const { h, analysis, plan, approvalId } = await approvedAll();
    const item = plan.items.find((i) => i.id === 'stale.console/console-password');
    if (!item) throw new Error('plan lacks stale.console');
    await h.ports.store.recordIntent({
      executionId: EXEC,
      itemId: item.id,
      userName: item.userName,
      credential: item.credential,
      action: 'delete-login-profile',
      status: 'intended',
      before: 'login profile present',
      recordedAt: NOW.toISOString(),
    });
    await h.sandbox.deleteLoginProfile('stale.console');
    await applyAll(h, analysis, approvalId);
    const entry = (await h.ports.store.listLedger(EXEC)).find((e) => e.itemId === item.id);
    expect(entry).toMatchObject({ status: 'changed', before: 'login profile present' });
    expect(h.sandbox.calls().DeleteLoginProfile).toBe(3);
  });

  it('refuses to act on an approval that was rejected', async () => {
    const { h, analysis } = await planned();
    const approvalId = await storeDecision(h.ports, EXEC, 'rejected', []);
    await expect(applyAll(h, analysis, approvalId)).rejects.toThrow(/not approved/);
    expect(h.sandbox.calls().DeleteLoginProfile).toBe(0);
  });
});

describe('verify and backout', () => {
  it('verifies live state and fails naming the credential that is not disabled', async () => {
    const { h, analysis, approvalId } = await approvedAll();
    await applyAll(h, analysis, approvalId);
    await expect(verifyRun(h.ports, EXEC)).resolves.toMatchObject({ checked: 4, failed: 0 });
    await h.sandbox.updateAccessKey('ci+deploy@svc', 'AKIATESTCIDEPLOY0001', 'Active');
    await expect(verifyRun(h.ports, EXEC)).rejects.toThrow(
      /ci\+deploy@svc access-key-1: expected Inactive, found Active/,
    );
  });

  it('restores exactly what the run changed: keys Active, console with reset required, password only in secrets', async () => {
    const seed = smallSeed();
    const { h, analysis, approvalId } = await approvedAll(harness(seed, NOW));
    await applyAll(h, analysis, approvalId);
    await h.sandbox.updateAccessKey('fresh.user', 'AKIATESTFRESHUSER001', 'Inactive'); // not this run's change

    const result = await backoutRun(h.ports, {
      executionId: EXEC,
      sourceExecutionId: EXEC,
      passwordSecretPrefix: 'credsweep/restored/',
    });
    expect(result).toMatchObject({ restored: 4, failed: 0 });
    const after = h.sandbox.toSeed();
    const user = (n: string) => after.users.find((u) => u.userName === n);
    expect(user('stale.console')?.loginProfile?.passwordResetRequired).toBe(true);
    expect(user('stale.both')?.accessKeys.map((k) => k.status)).toEqual(['Active', 'Active']);
    expect(user('fresh.user')?.accessKeys[0]?.status).toBe('Inactive');

    const ledger = await h.ports.store.listLedger(EXEC);
    const console = ledger.find((e) => e.itemId === 'stale.console/console-password');
    expect(console?.status).toBe('restored');
    expect(console?.secretRef).toMatch(/credsweep%2Frestored%2Frun-1%2Fstale.console\.secret$/);
    expect(JSON.stringify(ledger)).not.toMatch(/"password"/i);
  });

  it('backs out only the named users, and is idempotent', async () => {
    const { h, analysis, approvalId } = await approvedAll();
    await applyAll(h, analysis, approvalId);
    const task = {
      executionId: EXEC,
      sourceExecutionId: EXEC,
      users: ['stale.both'],
      passwordSecretPrefix: 'p/',
    };
    expect(await backoutRun(h.ports, task)).toMatchObject({ restored: 2 });
    expect(await backoutRun(h.ports, task)).toMatchObject({ restored: 0 });
    expect(h.sandbox.toSeed().users.find((u) => u.userName === 'stale.console')?.loginProfile).toBeNull();
  });

  it("restores console passwords the account's password policy accepts, reading the policy once per run", async () => {
    const passwordPolicy = {
      MinimumPasswordLength: 100,
      RequireSymbols: true,
      RequireNumbers: true,
      RequireUppercaseCharacters: true,
      RequireLowercaseCharacters: true,
    };
    const { h, analysis, approvalId } = await approvedAll(harness({ ...smallSeed(), passwordPolicy }, NOW));
    await applyAll(h, analysis, approvalId);
    h.sandbox.resetCalls();

    const result = await backoutRun(h.ports, {
      executionId: EXEC,
      sourceExecutionId: EXEC,
      passwordSecretPrefix: 'p/',
    });

    expect(result).toMatchObject({ restored: 4, failed: 0 });
    expect(h.sandbox.calls()).toMatchObject({ GetAccountPasswordPolicy: 1, CreateLoginProfile: 2 });
    const consoles = (await h.ports.store.listLedger(EXEC)).filter(
      (e) => e.credential === 'console-password',
    );
    expect(consoles).toHaveLength(2);
    for (const entry of consoles) {
      const stored = readFileSync(entry.secretRef ?? '', 'utf8');
      expect(stored).toHaveLength(100);
      expect(passwordPolicyViolations(stored, passwordPolicy)).toEqual([]);
    }
  });

  it('does not read the password policy when no console password is restored', async () => {
    const { h, analysis, approvalId } = await approvedAll();
    await applyAll(h, analysis, approvalId);
    h.sandbox.resetCalls();
    await backoutRun(h.ports, {
      executionId: EXEC,
      sourceExecutionId: EXEC,
      users: ['ci+deploy@svc'],
      passwordSecretPrefix: 'p/',
    });
    expect(h.sandbox.calls().GetAccountPasswordPolicy).toBe(0);
  });

  it('when the policy cannot be read, restores the keys and names the policy read for each console password', async () => {
    const { h, analysis, approvalId } = await approvedAll();
    await applyAll(h, analysis, approvalId);
    h.sandbox.getAccountPasswordPolicy = () =>
      Promise.reject(
        Object.assign(new Error('not authorized to perform: iam:GetAccountPasswordPolicy'), {
          name: 'AccessDenied',
        }),
      );

    const err = await backoutRun(h.ports, {
      executionId: EXEC,
      sourceExecutionId: EXEC,
      passwordSecretPrefix: 'p/',
    }).catch((e: Error) => e);

    expect(err).toMatchObject({ name: 'BackoutIncomplete' });
    expect((err as Error).message).toMatch(/^2 of 4 changes could not be restored/);
    expect((err as Error).message).toContain(
      'stale.console console-password: AccessDenied: cannot read the account password policy (iam:GetAccountPasswordPolicy)',
    );
    const after = h.sandbox.toSeed();
    expect(after.users.find((u) => u.userName === 'stale.both')?.accessKeys.map((k) => k.status)).toEqual([
      'Active',
      'Active',
    ]);
  });
});
