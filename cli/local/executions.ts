/**
 * The local stand-in for Step Functions' execution records (DescribeExecution + GetExecutionHistory):
 * each local run is kept as `<home>/executions/<name>.json`, so `status`, `history`, `show` and
 * `backout` work with `--local` the way they do against AWS.
 */
import { join } from 'node:path';
import type { EventLog } from './engine.js';
import { listJson, readJson, safeName, writeFileAtomic } from './files.js';

export interface LocalHistoryEvent {
  timestamp: string;
  type: EventLog['type'];
  state?: string;
  /** Map iteration (batch) index, for states inside the Map. */
  index?: number;
  input?: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
}

export interface LocalExecution {
  executionArn: string;
  name: string;
  stateMachineArn: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  startDate: string;
  stopDate: string | null;
  input: Record<string, unknown>;
  output: Record<string, unknown> | null;
  error: string | null;
  cause: string | null;
  events: LocalHistoryEvent[];
}

const dir = (home: string) => join(home, 'executions');

export function toHistoryEvent(event: EventLog): LocalHistoryEvent {
  const base: LocalHistoryEvent = { timestamp: new Date(event.timestamp).toISOString(), type: event.type };
  if ('state' in event) {
    base.state = event.state.name;
    if (event.type === 'StateEntered') base.input = event.state.input;
    if (event.type === 'StateExited') base.output = event.state.output;
  }
  if ('parentState' in event) base.state = event.parentState.name;
  if ('index' in event && event.index !== undefined) base.index = event.index;
  if ('Error' in event) {
    base.error = event.Error;
    base.cause = typeof event.Cause === 'string' ? event.Cause : JSON.stringify(event.Cause ?? '');
  }
  if (event.type === 'ExecutionStarted') base.input = event.input;
  if (event.type === 'ExecutionSucceeded') base.output = event.output;
  return base;
}

export function saveExecution(home: string, execution: LocalExecution): void {
  writeFileAtomic(join(dir(home), `${safeName(execution.name)}.json`), JSON.stringify(execution, null, 2));
}

export function readExecution(home: string, nameOrArn: string): LocalExecution | null {
  const name = nameOrArn.split(':').pop() ?? nameOrArn;
  return readJson<LocalExecution>(join(dir(home), `${safeName(name)}.json`));
}

/** Newest first. */
export function listExecutions(home: string): LocalExecution[] {
  return listJson<LocalExecution>(dir(home)).sort((a, b) => b.startDate.localeCompare(a.startDate));
}
