/**
 * Each credential's last change (CHANGE# items, handlers/core/change/last-change.ts) says what a run did:
 * `disabled`, `reset` (consoleAction reset) or `deleted` (the delete stage), and a backout that
 * leaves a credential alone says precisely what the later run did to it. Items written before
 * `reset` and `deleted` existed (`disabled` for everything) are still read.
 */
import { describe, expect, it } from 'vitest';
import { backoutSkipText } from '../../cli/commands/common.js';
import { releaseAccount } from '../../handlers/core/change/account-guard.js';
import { backoutRun } from '../../handlers/core/change/backout.js';
import { changeOf, credentialKeyOf, laterChangeText } from '../../handlers/core/change/last-change.js';
import { deactivateAccessKeys, disableConsoleAccess } from '../../handlers/core/change/remediate.js';
import { analyzeRun } from '../../handlers/core/plan/analyze-run.js';
import { readPlan } from '../../handlers/core/plan/plan.js';
import type { LastChange } from '../../handlers/core/shared/types.js';
import { harness, storeDecision } from '../helpers/local-harness.js';
import { NOW, smallSeed } from '../helpers/seeds.js';

const RUN_A = 'arn:aws:states:us-east-1:111122223333:execution:credsweep:run-a';
const RUN_B = 'arn:aws:states:us-east-1:111122223333:execution:credsweep:run-b';
const BACKOUT = 'arn:aws:states:us-east-1:111122223333:execution:credsweep:backout-a';

/** Run A on the small seed, every item approved and applied, with the run input given. */
async function runA(input: { consoleAction?: 'reset' } = {}) {
  const h = harness(smallSeed(), NOW);
  await h.sandbox.generateCredentialReport();
  const analysis = await analyzeRun(h.ports, RUN_A, { mode: 'remediate', ...input });
  const plan = await readPlan(h.ports.blobs, analysis.planKey);
  const approvalId = await storeDecision(
    h.ports,
    RUN_A,
    'approved',
    plan.items.map((i) => i.id),
  );
  for (const batch of analysis.batches) {
    const task = { executionId: RUN_A, approvalId, thresholdDays: analysis.thresholdDays, batch };
    await disableConsoleAccess(h.ports, task);
    await deactivateAccessKeys(h.ports, task);
  }
  // Run A ends (its Report task releases the account), a minute later.
  await releaseAccount(h.ports, RUN_A);
  h.advance(60_000);
  return h;
}

const keyOf = (h: ReturnType<typeof harness>, userName: string, accessKeyId?: string) =>
  credentialKeyOf(h.ports.settings.accountId, { userName, ...(accessKeyId ? { accessKeyId } : {}) });

describe("a credential's last change", () => {
  it('names what each ledger action did', () => {
    expect(changeOf('deactivate-access-key')).toBe('disabled');
    expect(changeOf('delete-login-profile')).toBe('disabled');
    expect(changeOf('reset-login-profile')).toBe('reset');
    expect(changeOf('delete-access-key')).toBe('deleted');
  });

  it('is recorded as reset for a password reset and disabled for a deactivated key', async () => {
    const h = await runA({ consoleAction: 'reset' });
    const console = await h.ports.store.getLastChange(keyOf(h, 'stale.console'));
    expect(console).toMatchObject({ executionId: RUN_A, change: 'reset' });
    const key = await h.ports.store.getLastChange(keyOf(h, 'stale.both', 'AKIATESTSTALEBOTH001'));
    expect(key).toMatchObject({ executionId: RUN_A, change: 'disabled' });
  });

  it('makes a backout say which later run deleted a key or reset a password, and restore the rest', async () => {
    const h = await runA();
    // As a later run records its change: the next in the credential's order.
    const later = async (credentialKey: string, change: LastChange['change']) =>
      h.ports.store.setLastChange({
        credentialKey,
        executionId: RUN_B,
        change,
        at: h.ports.now().toISOString(),
        seq: ((await h.ports.store.getLastChange(credentialKey))?.seq ?? 0) + 1,
      });
    // Run B deleted the key run A deactivated (the delete stage), and reset stale.console's password
    // (after someone gave it a login profile again).
    await later(keyOf(h, 'stale.both', 'AKIATESTSTALEBOTH001'), 'deleted');
    await h.sandbox.deleteAccessKey('stale.both', 'AKIATESTSTALEBOTH001');
    await later(keyOf(h, 'stale.console'), 'reset');
    // An item written before `reset`/`deleted` existed: a later run's change reads as `disabled`.
    await later(keyOf(h, 'ci+deploy@svc', 'AKIATESTCIDEPLOY0001'), 'disabled');

    const result = await backoutRun(h.ports, {
      executionId: BACKOUT,
      sourceExecutionId: RUN_A,
      passwordSecretPrefix: 'credsweep/restored/',
    });

    const why = Object.fromEntries(result.skips.map((s) => [s.accessKeyId ?? s.userName, s]));
    expect(why.AKIATESTSTALEBOTH001).toMatchObject({ laterRun: RUN_B, laterChange: 'deleted' });
    expect(why['stale.console']).toMatchObject({ laterRun: RUN_B, laterChange: 'reset' });
    expect(why.AKIATESTCIDEPLOY0001).toMatchObject({ laterRun: RUN_B, laterChange: 'disabled' });
    // The other password of the run is still run A's change: restored.
    expect(result).toMatchObject({ restored: 1, skipped: 3, failed: 0 });
    expect(result.skips.map((s) => backoutSkipText(s)).sort()).toEqual([
      'ci+deploy@svc access-key-1 AKIATESTCIDEPLOY0001: disabled again by later run run-b; not restored',
      'stale.both access-key-1 AKIATESTSTALEBOTH001: key deleted by later run run-b (a deletion cannot be restored); not restored',
      'stale.console console-password: password reset by later run run-b (the old password cannot be brought back); not restored',
    ]);
    // The ledger keeps the reason with the entry (the evidence reads it from there).
    const entry = (await h.ports.store.listLedger(RUN_A)).find(
      (e) => e.accessKeyId === 'AKIATESTSTALEBOTH001',
    );
    expect(entry?.backoutSkip).toMatchObject({ reason: 'changed-by-later-run', laterChange: 'deleted' });
  });

  it('reads skips recorded before laterChange existed as a change by a later run', () => {
    expect(laterChangeText(RUN_B, undefined)).toBe('changed later by run run-b');
    expect(laterChangeText(RUN_B, null)).toBe('changed later by run run-b');
    expect(laterChangeText(BACKOUT, 'restored')).toBe('already restored by backout backout-a');
  });
});
