/**
 * One model of an execution's timeline, whether it comes from Step Functions (DescribeExecution +
 * GetExecutionHistory) or from a local run's record (`<home>/executions/<name>.json`).
 *
 * Both sources are first normalised into `TimelineEvent`s (each event knows its state and, inside the
 * Map, its batch index), then everything the commands show is derived from those events alone:
 * the steps with their durations, the outcome, the current state, the counts, the approval.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { OUTCOMES, type Outcome } from '../handlers/core/shared/outcomes.js';
import type { LocalExecution, LocalHistoryEvent } from './local/executions.js';

export type ExecutionStatus =
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'TIMED_OUT'
  | 'ABORTED'
  | 'PENDING_REDRIVE';

/** What DescribeExecution says (or the local record): the execution without its history. */
export interface ExecutionRecord {
  executionArn: string;
  name: string;
  stateMachineArn: string;
  status: ExecutionStatus;
  startDate: string;
  stopDate: string | null;
  input: unknown;
  output: unknown;
  error: string | null;
  cause: string | null;
}

export type TimelineEventType =
  | 'ExecutionStarted'
  | 'ExecutionSucceeded'
  | 'ExecutionFailed'
  | 'ExecutionAborted'
  | 'ExecutionTimedOut'
  | 'StateEntered'
  | 'StateExited'
  | 'StateFailed'
  | 'StateRetried'
  | 'MapIterationStarted'
  | 'MapIterationSucceeded'
  | 'MapIterationFailed';

export interface TimelineEvent {
  timestamp: string;
  type: TimelineEventType;
  /** The state the event belongs to (for Map iteration events: the Map state). */
  state: string | null;
  /** The Map iteration (batch) the event belongs to; null outside the Map. */
  index: number | null;
  input?: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
}

// --- Normalisation: AWS history ------------------------------------------------------------------

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The error of any failure-type event (task, Lambda, activity, execution, evaluation, map run). */
function failureOf(e: HistoryEvent): { error?: string; cause?: string } | undefined {
  return (
    e.taskFailedEventDetails ??
    e.taskStartFailedEventDetails ??
    e.taskSubmitFailedEventDetails ??
    e.taskTimedOutEventDetails ??
    e.lambdaFunctionFailedEventDetails ??
    e.lambdaFunctionScheduleFailedEventDetails ??
    e.lambdaFunctionStartFailedEventDetails ??
    e.lambdaFunctionTimedOutEventDetails ??
    e.activityFailedEventDetails ??
    e.activityScheduleFailedEventDetails ??
    e.activityTimedOutEventDetails ??
    e.evaluationFailedEventDetails ??
    e.mapRunFailedEventDetails
  );
}

const TASK_FAILURES = new Set([
  'TaskFailed',
  'TaskStartFailed',
  'TaskSubmitFailed',
  'TaskTimedOut',
  'LambdaFunctionFailed',
  'LambdaFunctionScheduleFailed',
  'LambdaFunctionStartFailed',
  'LambdaFunctionTimedOut',
  'ActivityFailed',
  'ActivityScheduleFailed',
  'ActivityTimedOut',
  'EvaluationFailed',
  'MapStateFailed',
  'MapRunFailed',
]);
const TASK_SCHEDULED = new Set(['TaskScheduled', 'LambdaFunctionScheduled', 'ActivityScheduled']);

interface Context {
  state: string | null;
  index: number | null;
  /** The context outside the current Map iteration. */
  outer: Context | null;
}

const ROOT: Context = { state: null, index: null, outer: null };

/**
 * Step Functions' events carry a state name only on StateEntered/Exited; every other event is
 * attributed by following `previousEventId` back to the state (and Map iteration) it came from, so
 * concurrent Map iterations stay apart. Without `previousEventId` the preceding event is used.
 */
export function fromAwsHistory(history: HistoryEvent[]): TimelineEvent[] {
  const sorted = [...history].sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
  const contexts = new Map<number, Context>();
  const failedVisits = new Set<string>();
  let lastIterationFailure: { error?: string; cause?: string } | undefined;
  const out: TimelineEvent[] = [];
  let previousId = 0;
  for (const e of sorted) {
    const id = e.id ?? previousId + 1;
    const before = contexts.get(e.previousEventId ?? previousId) ?? ROOT;
    previousId = id;
    const type = String(e.type ?? '');
    const timestamp = (e.timestamp ?? new Date(0)).toISOString();
    const at = (ctx: Context) => ({ timestamp, state: ctx.state, index: ctx.index });
    let ctx = before;

    if (type === 'ExecutionStarted') {
      ctx = ROOT;
      out.push({ ...at(ROOT), type, input: parseJson(e.executionStartedEventDetails?.input) });
    } else if (type === 'ExecutionSucceeded') {
      out.push({ ...at(ROOT), type, output: parseJson(e.executionSucceededEventDetails?.output) });
    } else if (type === 'ExecutionFailed' || type === 'ExecutionAborted' || type === 'ExecutionTimedOut') {
      const d =
        e.executionFailedEventDetails ?? e.executionAbortedEventDetails ?? e.executionTimedOutEventDetails;
      out.push({ ...at(ROOT), type, error: d?.error ?? '', cause: d?.cause ?? '' });
    } else if (type.endsWith('StateEntered')) {
      ctx = { ...before, state: e.stateEnteredEventDetails?.name ?? null };
      failedVisits.delete(`${ctx.state}#${ctx.index}`);
      out.push({ ...at(ctx), type: 'StateEntered', input: parseJson(e.stateEnteredEventDetails?.input) });
    } else if (type.endsWith('StateExited')) {
      ctx = { ...before, state: e.stateExitedEventDetails?.name ?? before.state };
      out.push({ ...at(ctx), type: 'StateExited', output: parseJson(e.stateExitedEventDetails?.output) });
    } else if (type === 'MapIterationStarted') {
      const d = e.mapIterationStartedEventDetails;
      // One level of Map: an iteration's outer context is the one outside any iteration.
      ctx = { state: null, index: d?.index ?? null, outer: before.index === null ? before : before.outer };
      out.push({ timestamp, type, state: d?.name ?? before.state, index: d?.index ?? null });
    } else if (
      type === 'MapIterationSucceeded' ||
      type === 'MapIterationFailed' ||
      type === 'MapIterationAborted'
    ) {
      const d =
        e.mapIterationSucceededEventDetails ??
        e.mapIterationFailedEventDetails ??
        e.mapIterationAbortedEventDetails;
      const outer = before.index === null ? before : (before.outer ?? ROOT);
      ctx = outer;
      out.push({
        timestamp,
        type: type === 'MapIterationSucceeded' ? 'MapIterationSucceeded' : 'MapIterationFailed',
        state: d?.name ?? outer.state,
        index: d?.index ?? before.index,
      });
    } else if (TASK_FAILURES.has(type)) {
      // MapStateFailed carries no error: the Map fails with the error of the iteration that failed.
      const f = failureOf(e) ?? (type === 'MapStateFailed' ? lastIterationFailure : undefined);
      failedVisits.add(`${before.state}#${before.index}`);
      if (before.index !== null && f) lastIterationFailure = f;
      out.push({ ...at(before), type: 'StateFailed', error: f?.error ?? type, cause: f?.cause ?? '' });
    } else if (TASK_SCHEDULED.has(type)) {
      // A task scheduled again after a failure, without leaving the state, is a Retry.
      const visit = `${before.state}#${before.index}`;
      if (failedVisits.delete(visit)) out.push({ ...at(before), type: 'StateRetried' });
    }
    contexts.set(id, ctx);
  }
  return out;
}

// --- Normalisation: local records ----------------------------------------------------------------

const LOCAL_TYPES: Partial<Record<LocalHistoryEvent['type'], TimelineEventType>> = {
  ExecutionStarted: 'ExecutionStarted',
  ExecutionSucceeded: 'ExecutionSucceeded',
  ExecutionFailed: 'ExecutionFailed',
  ExecutionAborted: 'ExecutionAborted',
  ExecutionTimeout: 'ExecutionTimedOut',
  StateEntered: 'StateEntered',
  StateExited: 'StateExited',
  StateFailed: 'StateFailed',
  StateRetried: 'StateRetried',
  MapIterationStarted: 'MapIterationStarted',
  MapIterationSucceeded: 'MapIterationSucceeded',
  MapIterationFailed: 'MapIterationFailed',
};

/** The local engine names its events as Step Functions does and keeps state and index on each. */
export function fromLocalEvents(events: LocalHistoryEvent[]): TimelineEvent[] {
  const out: TimelineEvent[] = [];
  for (const e of events) {
    const type = LOCAL_TYPES[e.type];
    if (!type) continue;
    const event: TimelineEvent = {
      timestamp: e.timestamp,
      type,
      state: type.startsWith('Execution') ? null : (e.state ?? null),
      index: e.index ?? null,
    };
    if (e.input !== undefined) event.input = e.input;
    if (e.output !== undefined) event.output = e.output;
    if (e.error !== undefined) event.error = e.error;
    if (e.cause !== undefined) event.cause = e.cause;
    out.push(event);
  }
  return out;
}

export function localRecord(execution: LocalExecution): ExecutionRecord {
  return {
    executionArn: execution.executionArn,
    name: execution.name,
    stateMachineArn: execution.stateMachineArn,
    status: execution.status,
    startDate: execution.startDate,
    stopDate: execution.stopDate,
    input: execution.input,
    output: execution.output,
    error: execution.error,
    cause: execution.cause,
  };
}

// --- Derivation ------------------------------------------------------------------------------------

export interface Step {
  state: string;
  /** Map iteration (batch) index; null outside the Map. */
  index: number | null;
  enteredAt: string;
  exitedAt: string | null;
  durationMs: number | null;
  status: 'running' | 'succeeded' | 'failed' | 'stopped';
  retries: number;
  error: { error: string; cause: string } | null;
  input: unknown;
  output: unknown;
}

const ms = (iso: string) => new Date(iso).getTime();

/** The states in the order they were entered, each with its duration, retries and error. */
export function buildSteps(events: TimelineEvent[], record?: ExecutionRecord): Step[] {
  const steps: Step[] = [];
  const open = new Map<string, Step>();
  const key = (e: { state: string | null; index: number | null }) => `${e.state}#${e.index}`;
  const close = (step: Step, at: string, status: Step['status']) => {
    step.exitedAt = at;
    step.durationMs = ms(at) - ms(step.enteredAt);
    step.status = status;
  };
  for (const e of events) {
    if (e.type === 'StateEntered' && e.state !== null) {
      const step: Step = {
        state: e.state,
        index: e.index,
        enteredAt: e.timestamp,
        exitedAt: null,
        durationMs: null,
        status: 'running',
        retries: 0,
        error: null,
        input: e.input,
        output: null,
      };
      steps.push(step);
      open.set(key(e), step);
      continue;
    }
    const step = open.get(key(e));
    if (!step) continue;
    if (e.type === 'StateExited') {
      step.output = e.output;
      close(step, e.timestamp, step.error ? 'failed' : 'succeeded');
      open.delete(key(e));
    } else if (e.type === 'StateFailed') {
      step.error = { error: e.error ?? '', cause: e.cause ?? '' };
      close(step, e.timestamp, 'failed');
    } else if (e.type === 'StateRetried') {
      step.retries += 1;
      step.error = null;
      step.exitedAt = null;
      step.durationMs = null;
      step.status = 'running';
    }
  }
  // A Fail state is entered and never exited; when the execution has stopped, so has every open step.
  const end = events.findLast((e) => e.type.startsWith('Execution') && e.type !== 'ExecutionStarted');
  const stoppedAt = end?.timestamp ?? record?.stopDate ?? null;
  if (stoppedAt) {
    for (const step of steps) {
      if (step.status !== 'running') continue;
      const failedHere = end?.type === 'ExecutionFailed' && step.index === null;
      if (failedHere) step.error = { error: end.error ?? '', cause: end.cause ?? '' };
      close(step, failedHere ? step.enteredAt : stoppedAt, failedHere ? 'failed' : 'stopped');
    }
  }
  return steps;
}

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
  counts: RunCounts;
  evidenceKey: string | null;
  backoutOf: string | null;
  /** Credentials a backout left alone, and why (the first ones; the evidence lists them all). */
  backoutSkips: BackoutSkipView[];
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
  let batchSkipped = 0;
  for (const b of perBatch.values()) {
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
    error,
    steps,
  };
}
