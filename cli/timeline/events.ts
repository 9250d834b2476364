/**
 * The events of one execution's timeline, whether it comes from Step Functions (DescribeExecution +
 * GetExecutionHistory) or from a local run's record (`<home>/executions/<name>.json`).
 *
 * Both sources are normalised into `TimelineEvent`s here (each event knows its state and, inside the
 * Map, its batch index); steps.ts and run-view.ts derive everything the commands show from those
 * events alone.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { LocalExecution, LocalHistoryEvent } from '../local/executions.js';

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
