/**
 * MAX_BATCHES (handlers/core/shared/quotas.ts) against the workflow itself: the history events and the
 * payload of a run with that many batches stay within Step Functions' quotas, reasoned from the
 * ASL (scripts/quota-arithmetic.ts), and toBatches never makes more batches than the bound allows.
 */
import { describe, expect, it } from 'vitest';
import { toBatches } from '../../handlers/core/plan/plan.js';
import {
  HISTORY_EVENT_QUOTA,
  MAX_BATCHES,
  maxCredentialsFor,
  minBatchSizeFor,
  PAYLOAD_QUOTA_BYTES,
  quotaProblem,
  worstCaseBatches,
} from '../../handlers/core/shared/quotas.js';
import type { PlanItem } from '../../handlers/core/shared/types.js';
import {
  ACCOUNT_REF_BYTES,
  batchesAllowed,
  batchLimits,
  deployedAsl,
  deployedOrgAsl,
  EVENTS,
  historyBudget,
  largestBatchRefBytes,
  orgHistoryBudget,
  orgListPaths,
  orgPayloadWorst,
} from '../../scripts/quota-arithmetic.js';

describe('the history-event budget of a run (25,000 events)', () => {
  const budget = historyBudget(deployedAsl());

  it('counts 17 events for a Map iteration whose three Lambda tasks succeed first time', () => {
    expect(budget.perBatch).toBe(EVENTS.mapIteration + 3 * EVENTS.lambdaTask);
    expect(budget.perBatch).toBe(17);
  });

  it('holds MAX_BATCHES batches even if every task of every iteration and outside used every retry', () => {
    expect(budget.perBatchWorst).toBeGreaterThan(budget.perBatch);
    expect(MAX_BATCHES * budget.perBatchWorst + budget.outsideWorst).toBeLessThanOrEqual(HISTORY_EVENT_QUOTA);
  });

  it('would not hold 15,000 single-credential batches (the setting the bound refuses)', () => {
    expect(15_000 * budget.perBatch).toBeGreaterThan(HISTORY_EVENT_QUOTA);
    expect(quotaProblem(15_000, 1)).toMatch(/maxCredentials 15000 with batchSize 1/);
  });
});

describe('the payload of a run (256 KiB)', () => {
  it('keeps MAX_BATCHES of the largest batch references under a fifth of the limit', () => {
    expect(MAX_BATCHES * largestBatchRefBytes()).toBeLessThan(PAYLOAD_QUOTA_BYTES / 5);
  });
});

describe('worstCaseBatches', () => {
  /** Users with 1 to 3 credentials each, in a pseudo-random but repeatable order. */
  function plan(credentials: number, seed: number): PlanItem[] {
    const items: PlanItem[] = [];
    let state = seed;
    let user = 0;
    while (items.length < credentials) {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      const count = Math.min(1 + (state % 3), credentials - items.length);
      for (let i = 0; i < count; i++) {
        items.push({ id: `u${user}/${i}`, userName: `u${user}` } as PlanItem);
      }
      user++;
    }
    return items;
  }

  it('is never below the batches toBatches makes, for any mix of users', () => {
    for (const size of [1, 2, 3, 4, 5, 10, 25, 100]) {
      for (const credentials of [1, 7, 50, 301, 1000]) {
        for (const seed of [1, 2, 3]) {
          const made = toBatches(plan(credentials, seed), size).length;
          expect(made, `${credentials} credentials, batchSize ${size}`).toBeLessThanOrEqual(
            worstCaseBatches(credentials, size),
          );
        }
      }
    }
  });

  it('gives the way out that quotaProblem names: either bound makes the pair safe', () => {
    for (const size of [1, 5, 25, 100]) {
      expect(quotaProblem(maxCredentialsFor(size), size)).toBeUndefined();
    }
    for (const max of [400, 5_000, 15_000]) {
      expect(quotaProblem(max, minBatchSizeFor(max))).toBeUndefined();
      expect(quotaProblem(max, minBatchSizeFor(max) - 1)).toBeDefined();
    }
  });
});

describe('an organization run of 5,000 accounts (statemachine/organization.asl.json)', () => {
  const def = deployedOrgAsl();
  const budget = orgHistoryBudget(def);

  it('runs every account in a Distributed Map, so nothing in the parent history is per account', () => {
    const maps = Object.entries(def.States).filter(([, s]) => s.Type === 'Map');
    expect(maps.map(([name]) => name).sort()).toEqual([
      'AnalyzeAccounts',
      'ApplyAccounts',
      'BackoutAccounts',
    ]);
    for (const [name, state] of maps) {
      expect(state.ItemProcessor?.ProcessorConfig, name).toMatchObject({ Mode: 'DISTRIBUTED' });
      // The children's results are not collected into the parent's state.
      expect((state as { ResultPath?: unknown }).ResultPath, name).toBeNull();
    }
    expect(budget.parentWorst).toBeLessThan(500);
  });

  it('keeps every execution, parent and each account’s child, within 25,000 events at worst', () => {
    expect(Object.keys(budget.childWorst).sort()).toEqual([
      'AnalyzeAccounts',
      'ApplyAccounts',
      'BackoutAccounts',
    ]);
    for (const [map, events] of Object.entries(budget.childWorst)) {
      expect(events, map).toBeLessThanOrEqual(HISTORY_EVENT_QUOTA);
    }
    // The apply child holds the account workflow's own bound: MAX_BATCHES batches.
    expect(budget.childWorst.ApplyAccounts).toBe(
      MAX_BATCHES * budget.apply.perBatchWorst + budget.apply.outsideWorst,
    );
  });

  it('runs the account workflow’s three batch tasks per batch in each account, delete stage included', () => {
    // The same iteration as the account workflow's: three Lambda tasks, 17 events, 89 with every retry.
    expect(budget.apply.perBatch).toBe(EVENTS.mapIteration + 3 * EVENTS.lambdaTask);
    expect(budget.apply.perBatchWorst).toBe(historyBudget(deployedAsl()).perBatchWorst);
    expect(budget.childWorst.ApplyAccounts).toBe(23_290);
  });

  it('derives the per-account batch limit from both workflows: MAX_BATCHES fits each, one more batch per 89 events', () => {
    const limits = batchLimits();
    expect(limits).toEqual({
      account: batchesAllowed(historyBudget(deployedAsl())),
      organization: batchesAllowed(budget.apply),
    });
    expect(MAX_BATCHES).toBeLessThanOrEqual(Math.min(limits.account, limits.organization));
    // At the derived limit each execution is within the quota; one batch more would not be.
    const apply = budget.apply;
    expect(apply.outsideWorst + limits.organization * apply.perBatchWorst).toBeLessThanOrEqual(
      HISTORY_EVENT_QUOTA,
    );
    expect(apply.outsideWorst + (limits.organization + 1) * apply.perBatchWorst).toBeGreaterThan(
      HISTORY_EVENT_QUOTA,
    );
    // The blast-radius limit of each account cannot ask for more: its largest maxCredentials makes
    // at most MAX_BATCHES batches, and one credential more is refused with the way out.
    for (const size of [1, 25, 100]) {
      const largest = maxCredentialsFor(size);
      expect(worstCaseBatches(largest, size)).toBeLessThanOrEqual(MAX_BATCHES);
      if (largest < 15_000)
        expect(quotaProblem(largest + 1, size)).toMatch(/lower maxCredentials to at most/);
    }
  });

  it('carries account ids only in the lists that grow, and 5,000 accounts fit the 256 KiB payload', () => {
    expect(orgListPaths(def)).toEqual(['$.accounts.items', '$.plan.items']);
    expect(ACCOUNT_REF_BYTES).toBe(15);
    expect(orgPayloadWorst(5000, def)).toBeLessThanOrEqual(PAYLOAD_QUOTA_BYTES);
    // And where it would stop fitting: about 8,000 accounts.
    expect(orgPayloadWorst(8200, def)).toBeGreaterThan(PAYLOAD_QUOTA_BYTES);
  });
});
