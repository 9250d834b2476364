/**
 * Everything the commands say about a run (outcome, current state, counts, approval), derived from
 * its timeline events and steps alone: the workflow's state documents are read with zod.
 */
import { z } from 'zod';
import { OUTCOMES, type Outcome } from '../../handlers/core/shared/outcomes.js';
import type { ApprovalProgress } from '../../handlers/core/shared/types.js';
import type { ExecutionRecord, TimelineEvent } from './events.js';
import { buildSteps, type Step } from './steps.js';

const count = z.number().int().nonnegative();
const backoutSkip = z.looseObject({
  userName: z.string(),
  credential: z.string(),
  accessKeyId: z.string().nullable(),
  reason: z.string(),
  laterRun: z.string().nullable(),
  /** What the later run did (runs before this field existed have none). */
  laterChange: z.enum(['disabled', 'reset', 'deleted', 'restored']).nullish().catch(null),
});
export type BackoutSkipView = z.infer<typeof backoutSkip>;
const irreversible = z.looseObject({
  userName: z.string(),
  credential: z.string(),
  accessKeyId: z.string().nullable(),
  action: z.string(),
});
export type IrreversibleView = z.infer<typeof irreversible>;
const object = <T extends z.ZodRawShape>(shape: T) => z.looseObject(shape).partial().nullish().catch(null);

/** The workflow's state document at the top level (Start puts `request` and `outcome` in it). */
const stateDocument = z.looseObject({
  request: z.record(z.string(), z.unknown()).nullish().catch(null),
  outcome: z.string(),
  plan: object({
    planKey: z.string(),
    total: count,
    dryRun: z.boolean(),
    thresholdDays: count,
    findings: count,
    skipped: count,
    batches: z.array(z.unknown()),
  }),
  approval: object({
    decision: z.string(),
    approvalId: z.string(),
    approver: z.string(),
    decidedAt: z.string(),
    approvedCount: count,
    notApprovedCount: count,
  }),
  verification: object({ checked: count, failed: count, key: z.string() }),
  evidence: object({
    outcome: z.string(),
    evidenceKey: z.string(),
    changed: count,
    /** Of the changed: access keys deleted for good (the delete stage). */
    deleted: count,
    restored: count,
    skippedAtRecheck: count,
    /** Organization runs (ReportOrg): how many accounts the run covered. */
    accounts: count,
  }),
  /** Organization runs (ListAccounts): the accounts listed, and how many were not ACTIVE. */
  accounts: object({ total: count, notActive: count }),
  backout: object({
    sourceExecutionId: z.string(),
    restored: count,
    notChanged: count,
    skipped: count,
    failed: count,
    skips: z.array(backoutSkip).catch([]),
    cannotRestore: count,
    irreversible: z.array(irreversible).catch([]),
  }),
});
type StateDocument = z.infer<typeof stateDocument>;

const batchCounts = object({ changed: count, skipped: count });
/** The state document inside a Map iteration: the batch reference and each task's result. */
const iterationDocument = z.looseObject({
  batch: z.unknown(),
  console: batchCounts,
  keys: batchCounts,
  deleted: batchCounts,
});

const requestDocument = z.looseObject({
  mode: z.string().optional().catch(undefined),
  startedBy: z.string().optional().catch(undefined),
  backoutOf: z.string().optional().catch(undefined),
});

const anyObject = z.record(z.string(), z.unknown());

export type RunOutcome = Outcome | 'running' | 'awaiting-approval' | 'failed' | 'aborted' | 'succeeded';

const KNOWN_OUTCOMES: readonly string[] = OUTCOMES;

/** The workflow's Fail states and the outcome each stands for (statemachine/remediation.asl.json). */
const FAIL_STATES: Record<string, RunOutcome> = {
  RejectedByApprover: 'rejected',
  ApprovalExpired: 'timed-out',
  BackedOut: 'backed-out',
  BackoutFailed: 'backout-failed',
  AnalysisFailed: 'failed',
};
const ERROR_OUTCOMES: Record<string, RunOutcome> = {
  Rejected: 'rejected',
  ApprovalTimedOut: 'timed-out',
  BackoutIncomplete: 'backout-failed',
};

export interface RunCounts {
  /** Stale credentials in the report (Analyze). */
  findings: number | null;
  /** Users skipped: root, exempt, not selected. */
  skippedUsers: number | null;
  /** Credentials proposed for approval. */
  proposed: number | null;
  approved: number | null;
  notApproved: number | null;
  batches: number | null;
  batchesDone: number;
  /** Disabled by this run: from the Report task when it has run, else summed over the batches so far. */
  changed: number | null;
  /** Of the changed: access keys deleted for good (the delete stage). */
  deleted: number | null;
  /** Skipped by the batches (used since the report, not approved, already disabled, gone). */
  skippedInBatches: number | null;
  skippedAtRecheck: number | null;
  restored: number | null;
  verified: number | null;
  verificationFailed: number | null;
}

export interface RunView {
  execution: ExecutionRecord;
  /** A run of the organization workflow (statemachine/organization.asl.json): one outcome per account. */
  organization: boolean;
  /** Organization runs: the accounts it covers (known once ListAccounts has run). */
  accountCount: number | null;
  outcome: RunOutcome;
  mode: string | null;
  startedBy: string | null;
  request: Record<string, unknown> | null;
  thresholdDays: number | null;
  dryRun: boolean | null;
  /** States running now (innermost last), e.g. ['ApplyBatches', 'DeactivateAccessKeys [batch 2]']. */
  currentStates: string[];
  waitingForApproval: boolean;
  approval: {
    decision: string;
    approver: string | null;
    decidedAt: string | null;
    approvedCount: number | null;
    notApprovedCount: number | null;
  } | null;
  /** While it waits: how far the approval is (runs/<name>/approval.json), when the command read it. */
  approvalProgress?: ApprovalProgress | null;
  counts: RunCounts;
  evidenceKey: string | null;
  backoutOf: string | null;
  /** Credentials a backout left alone, and why (the first ones; the evidence lists them all). */
  backoutSkips: BackoutSkipView[];
  /** Changes of the backed-out run that no backout can undo (deleted keys, reset passwords): a partial backout. */
  cannotRestore: IrreversibleView[];
  error: { error: string; cause: string } | null;
  steps: Step[];
}

/** The latest top-level state document in the events (a state's input or output, or the run's output). */
function latestDocument(events: TimelineEvent[], record: ExecutionRecord): StateDocument | null {
  const candidates: unknown[] = [record.output];
  for (const e of events) {
    if (e.index !== null) continue;
    if (e.type === 'StateEntered') candidates.push(e.input);
    if (e.type === 'StateExited' || e.type === 'ExecutionSucceeded') candidates.push(e.output);
  }
  for (let i = candidates.length - 1; i >= 0; i -= 1) {
    const parsed = stateDocument.safeParse(candidates[i]);
    if (parsed.success) return parsed.data;
  }
  return null;
}

function outcomeOf(record: ExecutionRecord, doc: StateDocument | null, steps: Step[], waiting: boolean) {
  const reported = doc?.evidence?.outcome;
  if (reported && KNOWN_OUTCOMES.includes(reported)) return reported as Outcome;
  switch (record.status) {
    case 'RUNNING':
    case 'PENDING_REDRIVE':
      return waiting ? 'awaiting-approval' : 'running';
    case 'ABORTED':
    case 'TIMED_OUT':
      return 'aborted';
    case 'SUCCEEDED':
      return 'succeeded';
    case 'FAILED': {
      const failState = steps.findLast((s) => s.index === null && s.state in FAIL_STATES);
      if (failState) return FAIL_STATES[failState.state] ?? 'failed';
      return ERROR_OUTCOMES[record.error ?? ''] ?? 'failed';
    }
  }
}

/** States only the organization workflow has: a run that entered one is an organization run. */
const ORGANIZATION_STATES = new Set([
  'ListAccounts',
  'AnalyzeAccounts',
  'BuildOrgPlan',
  'ApplyAccounts',
  'BackoutAccounts',
  'ReportOrg',
]);

/**
 * Everything `status`, `show`, `history` and `start --wait` say about a run, from one event list.
 * `organization` is what the source knows (the run is an execution of the organization workflow's
 * state machine); without it, a run that entered an organization-only state is one.
 */
export function viewRun(
  record: ExecutionRecord,
  events: TimelineEvent[],
  options: { organization?: boolean } = {},
): RunView {
  const steps = buildSteps(events, record);
  const doc = latestDocument(events, record);
  const started = events.find((e) => e.type === 'ExecutionStarted');
  const request = requestDocument.safeParse(record.input ?? started?.input ?? doc?.request);
  const req = request.success ? request.data : null;

  const running = steps.filter((s) => s.status === 'running');
  const waitingForApproval = running.some((s) => s.state === 'RequestApproval');

  // Batches: the last result of each iteration (DeleteAccessKeys' output carries all three tasks').
  const perBatch = new Map<number, z.infer<typeof iterationDocument>>();
  for (const e of events) {
    if (e.type !== 'StateExited' || e.index === null) continue;
    const parsed = iterationDocument.safeParse(e.output);
    if (parsed.success) perBatch.set(e.index, parsed.data);
  }
  let batchChanged = 0;
  let batchDeleted = 0;
  let batchSkipped = 0;
  for (const b of perBatch.values()) {
    batchDeleted += b.deleted?.changed ?? 0;
    batchChanged += (b.console?.changed ?? 0) + (b.keys?.changed ?? 0) + (b.deleted?.changed ?? 0);
    batchSkipped += (b.console?.skipped ?? 0) + (b.keys?.skipped ?? 0) + (b.deleted?.skipped ?? 0);
  }
  const batchesDone = events.filter((e) => e.type === 'MapIterationSucceeded').length;

  const a = doc?.approval;
  const error =
    record.error !== null
      ? { error: record.error, cause: record.cause ?? '' }
      : (() => {
          const failed = events.findLast((e) => e.type === 'ExecutionFailed');
          return failed ? { error: failed.error ?? '', cause: failed.cause ?? '' } : null;
        })();
  const organization = options.organization || steps.some((s) => ORGANIZATION_STATES.has(s.state));
  return {
    execution: record,
    organization,
    accountCount: organization ? (doc?.evidence?.accounts ?? doc?.accounts?.total ?? null) : null,
    outcome: outcomeOf(record, doc, steps, waitingForApproval),
    mode: req?.mode ?? null,
    startedBy: req?.startedBy ?? null,
    request: anyObject.safeParse(record.input ?? started?.input).data ?? doc?.request ?? null,
    thresholdDays: doc?.plan?.thresholdDays ?? null,
    dryRun: doc?.plan?.dryRun ?? null,
    currentStates: running.map((s) => (s.index === null ? s.state : `${s.state} [batch ${s.index}]`)),
    waitingForApproval,
    approval: a?.decision
      ? {
          decision: a.decision,
          approver: a.approver ?? null,
          decidedAt: a.decidedAt ?? null,
          approvedCount: a.approvedCount ?? null,
          notApprovedCount: a.notApprovedCount ?? null,
        }
      : null,
    counts: {
      findings: doc?.plan?.findings ?? null,
      skippedUsers: doc?.plan?.skipped ?? null,
      proposed: doc?.plan?.total ?? null,
      approved: a?.approvedCount ?? null,
      notApproved: a?.notApprovedCount ?? null,
      batches: doc?.plan?.batches?.length ?? null,
      batchesDone,
      changed: doc?.evidence?.changed ?? (perBatch.size > 0 ? batchChanged : null),
      deleted: doc?.evidence?.deleted ?? (perBatch.size > 0 ? batchDeleted : null),
      skippedInBatches: perBatch.size > 0 ? batchSkipped : null,
      skippedAtRecheck: doc?.evidence?.skippedAtRecheck ?? null,
      restored: doc?.evidence?.restored ?? doc?.backout?.restored ?? null,
      verified:
        doc?.verification?.checked !== undefined
          ? doc.verification.checked - (doc.verification.failed ?? 0)
          : null,
      verificationFailed: doc?.verification?.failed ?? null,
    },
    evidenceKey: doc?.evidence?.evidenceKey ?? null,
    backoutOf: req?.backoutOf ?? null,
    backoutSkips: doc?.backout?.skips ?? [],
    cannotRestore: doc?.backout?.irreversible ?? [],
    error,
    steps,
  };
}
