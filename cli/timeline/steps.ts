/** The steps of a run: each state it entered, derived from its timeline events alone. */
import type { ExecutionRecord, TimelineEvent } from './events.js';

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

const key = (e: { state: string | null; index: number | null }) => `${e.state}#${e.index}`;

function close(step: Step, at: string, status: Step['status']): void {
  step.exitedAt = at;
  step.durationMs = ms(at) - ms(step.enteredAt);
  step.status = status;
}

/**
 * Builds the steps event by event, with constant work per event (a progress printer feeds it as a
 * run goes; a run of 5,000 accounts has hundreds of thousands of events).
 */
export class StepBuilder {
  readonly steps: Step[] = [];
  private readonly open = new Map<string, Step>();

  /** Takes one event; returns the step it entered, closed or changed, if any. */
  add(e: TimelineEvent): Step | undefined {
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
      this.steps.push(step);
      this.open.set(key(e), step);
      return step;
    }
    const step = this.open.get(key(e));
    if (!step) return undefined;
    if (e.type === 'StateExited') {
      step.output = e.output;
      close(step, e.timestamp, step.error ? 'failed' : 'succeeded');
      this.open.delete(key(e));
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
    return step;
  }
}

/** The states in the order they were entered, each with its duration, retries and error. */
export function buildSteps(events: TimelineEvent[], record?: ExecutionRecord): Step[] {
  const builder = new StepBuilder();
  for (const e of events) builder.add(e);
  const steps = builder.steps;
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
