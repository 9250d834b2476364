/**
 * MAX_BATCHES (handlers/core/shared/quotas.ts) against the workflows: the history events and the
 * payload of a run at the bound stay within Step Functions' quotas.
 *
 * Every expected number here is worked out by hand in the comments, from the ASL files and the
 * events AWS documents for each kind of state in GetExecutionHistory (the "Execution event" types of
 * the Step Functions API reference), checked against real histories in test/asl/history-real.test.ts:
 *
 * - an execution: ExecutionStarted and its end (2);
 * - a Pass, Choice, Wait or Succeed state: <Type>StateEntered and <Type>StateExited (2); a Fail state
 *   records only FailStateEntered, counted 2 here all the same (an over-count on the safe side);
 * - a Lambda Task: TaskStateEntered, LambdaFunctionScheduled, -Started, -Succeeded, TaskStateExited
 *   (5); every failed attempt retried adds LambdaFunctionScheduled, -Started, -Failed (3);
 * - a `.waitForTaskToken` Task: TaskStateEntered, TaskScheduled, TaskStarted, TaskSubmitted,
 *   TaskSucceeded, TaskStateExited (6); each failed attempt retried adds Scheduled, Started,
 *   Submitted, Failed (4);
 * - an inline Map: MapStateEntered, MapStateStarted, MapStateSucceeded, MapStateExited (4), and
 *   MapIterationStarted/-Succeeded per iteration (2);
 * - a Distributed Map, in its parent: MapStateEntered, MapStateStarted, MapRunStarted,
 *   MapRunSucceeded, MapStateSucceeded, MapStateExited (6); each item is a child execution.
 *
 * The worst case counts every state as if visited (all branches), each with every retry its Retry
 * allows (the MaxAttempts of its retriers, summed), and the report poll at its 30-attempt limit.
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
  batchLimits,
  deployedAsl,
  deployedOrgAsl,
  historyBudget,
  largestBatchRefBytes,
  orgHistoryBudget,
  orgListPaths,
  orgPayloadWorst,
} from '../../scripts/quota-arithmetic.js';

describe('the bound itself', () => {
  it('is 260 batches, against 25,000 events and 262,144 bytes', () => {
    expect(MAX_BATCHES).toBe(260);
    expect(HISTORY_EVENT_QUOTA).toBe(25_000);
    expect(PAYLOAD_QUOTA_BYTES).toBe(262_144);
  });
});

describe('the account workflow (statemachine/remediation.asl.json), 25,000 events', () => {
  it('records 17 events per batch whose three Lambda tasks succeed first time, 89 with every retry used', () => {
    // ApplyBatches' iteration: MapIterationStarted/-Succeeded 2 + DisableConsoleAccess,
    // DeactivateAccessKeys, DeleteAccessKeys, 5 each: 2 + 15 = 17.
    // Worst: each of the three Retries 8 attempts (MaxAttempts 8): 5 + 8 x 3 = 29; 2 + 3 x 29 = 89.
    const budget = historyBudget(deployedAsl());
    expect(budget.perBatch).toBe(17);
    expect(budget.perBatchWorst).toBe(89);
  });

  it('records at most 1,062 events outside the batches, 810 of them polling for the report', () => {
    // Poll loop, 30 times: GenerateReport (Retry 6) 5 + 18 = 23, ReportReady? 2, WaitForReport 2:
    // 27 x 30 = 810.
    // The rest: the execution 2;
    //   23 Pass/Choice/Succeed/Fail states x 2 = 46 (Start, Mode?, ReportNotReady, StoppedBeforeApproval,
    //   AnalysisFailed, NothingToDo?, NothingToDo, DryRun, ApprovalTimedOut, ApprovalFailed,
    //   Decision?, Rejected, Remediated, ChangeFailed, BackoutRequested, BackoutIncomplete, Outcome?,
    //   RejectedByApprover, ApprovalExpired, BackedOut, BackoutFailed, BackoutCompleted, Done);
    //   5 Lambda tasks with Retry 6 x 23 = 115 (Analyze, ReportStopped, ReportUnchanged, Report,
    //   ReportBackout); Verify (Retries 3 + 8) 5 + 33 = 38; Backout (Retry 8) 5 + 24 = 29;
    //   RequestApproval (.waitForTaskToken, Retry 3) 6 + 12 = 18; the Map ApplyBatches 4.
    //   2 + 46 + 115 + 38 + 29 + 18 + 4 = 252. With the poll: 252 + 810 = 1,062.
    const budget = historyBudget(deployedAsl());
    expect(budget.pollLoopWorst).toBe(810);
    expect(budget.outsideWorst).toBe(1062);
  });

  it('holds MAX_BATCHES batches at worst (24,202 events), and at most 268', () => {
    // 260 x 89 + 1,062 = 23,140 + 1,062 = 24,202 <= 25,000.
    // (25,000 - 1,062) / 89 = 23,938 / 89 = 268.9: 268 batches (268 x 89 = 23,852; 269 x 89 = 23,941).
    const budget = historyBudget(deployedAsl());
    expect(MAX_BATCHES * budget.perBatchWorst + budget.outsideWorst).toBe(24_202);
    expect(batchLimits().account).toBe(268);
  });

  it('would not hold 15,000 single-credential batches (the setting the bound refuses)', () => {
    // 15,000 x 17 = 255,000 events even without a retry.
    expect(15_000 * historyBudget(deployedAsl()).perBatch).toBe(255_000);
    expect(quotaProblem(15_000, 1)).toMatch(/maxCredentials 15000 with batchSize 1/);
  });
});

describe('the payload of a run (256 KiB)', () => {
  it('keeps MAX_BATCHES of the largest batch references (138 bytes each) under a fifth of the limit', () => {
    // {"index":9999, (14) + "key":"runs/<80-character name>/batches/9999.json", (7 + 103 + 2 = 112)
    // + "size":999} (11) + the comma between items (1) = 138 bytes; 260 x 138 = 35,880 < 52,428.
    expect(largestBatchRefBytes()).toBe(138);
    expect(MAX_BATCHES * 138).toBeLessThan(PAYLOAD_QUOTA_BYTES / 5);
  });
});

describe('worstCaseBatches and the settings it allows', () => {
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

  it('allows, per batchSize, 260 x (batchSize - 2) credentials (at least 1 per batch), at most 15,000', () => {
    // A batch keeps a user's (up to 3) credentials together, so it may close with batchSize - 2.
    // 1 -> 260 x 1; 5 -> 260 x 3 = 780; 25 -> 260 x 23 = 5,980; 100 -> 260 x 98 = 25,480, capped at 15,000.
    expect([1, 5, 25, 100].map(maxCredentialsFor)).toEqual([260, 780, 5_980, 15_000]);
    // And the other way: ceil(maxCredentials / 260) + 2. 400 -> 2 + 2; 5,000 -> 20 + 2; 15,000 -> 58 + 2.
    expect([400, 5_000, 15_000].map(minBatchSizeFor)).toEqual([4, 22, 60]);
  });

  it('gives the way out that quotaProblem names: either bound makes the pair safe', () => {
    expect(quotaProblem(260, 1)).toBeUndefined();
    expect(quotaProblem(261, 1)).toMatch(
      /lower maxCredentials to at most 260, or raise batchSize to at least 4/,
    );
    expect(quotaProblem(5_980, 25)).toBeUndefined();
    expect(quotaProblem(5_981, 25)).toMatch(/lower maxCredentials to at most 5980/);
    expect(quotaProblem(5_000, 22)).toBeUndefined();
    expect(quotaProblem(5_000, 21)).toBeDefined();
  });
});

describe('an organization run of 5,000 accounts (statemachine/organization.asl.json)', () => {
  it('runs every account in a Distributed Map, so nothing in the parent history is per account', () => {
    const def = deployedOrgAsl();
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
  });

  it('records at most 149 events in the parent, for 1 or 5,000 accounts', () => {
    // The execution 2; 21 Pass/Choice/Succeed/Fail states x 2 = 42 (Start, Mode?,
    // StoppedBeforeApproval, NothingToDo?, NothingToDo, DryRun, ApprovalTimedOut, ApprovalFailed,
    // Decision?, Rejected, Applied, ApplyInterrupted, BackoutDone, BackoutInterrupted,
    // OrgReportFailed, Outcome?, RejectedByApprover, ApprovalExpired, StoppedRun, AccountsFailed,
    // Done); ListAccounts, BuildOrgPlan, ReportOrg (Retry 6) 3 x 23 = 69; RequestApproval 18; the
    // three Distributed Maps 3 x 6 = 18. 2 + 42 + 69 + 18 + 18 = 149.
    expect(orgHistoryBudget(deployedOrgAsl()).parentWorst).toBe(149);
  });

  it('records at most 872, 23,290 and 60 events in each account’s child execution of the three Maps', () => {
    // AnalyzeAccounts: the execution 2 + AccountStart 2 + the poll (23 + 2 + 2) x 30 = 810
    //   + ReportNotReady 2 + Analyze 23 + AccountAnalyzed 2 + AccountNotAnalyzed 2 + AccountUnreachable 2
    //   + AccountAnalysisFailed 2 + ReportAccountStopped 23 + AccountStopped 2 = 872.
    // ApplyAccounts: the execution 2 + AccountPlan 23 + the Map ApplyBatches 4 + Verify 38
    //   + ReportAccount 23 + AccountApplied 2 + AccountChangeFailed 2 + Backout 29
    //   + AccountBackoutIncomplete 2 + ReportAccountBackout 23 + AccountBackedOut 2 = 150 outside the
    //   batches; with 260 batches of 89: 23,140 + 150 = 23,290.
    // BackoutAccounts: the execution 2 + BackoutStart 2 + BackoutAccount 29
    //   + AccountRestoreIncomplete 2 + ReportAccountRestored 23 + AccountRestored 2 = 60.
    const budget = orgHistoryBudget(deployedOrgAsl());
    expect(budget.childWorst).toEqual({ AnalyzeAccounts: 872, ApplyAccounts: 23_290, BackoutAccounts: 60 });
    expect(budget.apply).toMatchObject({ perBatch: 17, perBatchWorst: 89, outsideWorst: 150 });
  });

  it('lets an account’s child hold at most 279 batches, so MAX_BATCHES fits both workflows', () => {
    // (25,000 - 150) / 89 = 24,850 / 89 = 279.2: 279 (279 x 89 = 24,831; 280 x 89 = 24,920).
    expect(batchLimits()).toEqual({ account: 268, organization: 279 });
    expect(MAX_BATCHES).toBeLessThanOrEqual(268);
  });

  it('carries account ids only in the lists that grow, and 5,000 accounts fit the 256 KiB payload', () => {
    // Two lists of ids, '"123456789012",' 15 bytes each, plus 16 KiB for the rest:
    // 5,000 accounts: 2 x 5,000 x 15 + 16,384 = 166,384 <= 262,144;
    // 8,200 accounts: 2 x 8,200 x 15 + 16,384 = 262,384 > 262,144.
    expect(orgListPaths(deployedOrgAsl())).toEqual(['$.accounts.items', '$.plan.items']);
    expect(ACCOUNT_REF_BYTES).toBe(15);
    expect(orgPayloadWorst(5000)).toBe(166_384);
    expect(orgPayloadWorst(8200)).toBe(262_384);
  });
});
