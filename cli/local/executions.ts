/**
 * The local stand-in for Step Functions' execution records (DescribeExecution + GetExecutionHistory):
 * each local run is kept as `<home>/executions/<name>.json`, so `status`, `history`, `show` and
 * `backout` work with `--local` the way they do against AWS.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CredsweepError } from '../../handlers/core/shared/errors.js';
import type { EventLog } from './event-log.js';
import { listJson, readJson, safeName, writeFileAtomic } from './files.js';
import { processAlive } from './processes.js';

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
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  /** The process running it, while RUNNING: a record whose process is gone reads as ABORTED. */
  pid?: number;
  startDate: string;
  stopDate: string | null;
  input: Record<string, unknown>;
  output: Record<string, unknown> | null;
  error: string | null;
  cause: string | null;
  events: LocalHistoryEvent[];
}

/** The local state machines' names (their ARNs name the hub account: `arn:aws:states:<region>:<hub>:…`). */
export const LOCAL_STATE_MACHINES = {
  account: 'credsweep-remediation',
  organization: 'credsweep-organization',
} as const;

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
  const found = readJson<LocalExecution>(join(dir(home), `${safeName(name)}.json`));
  return found ? settled(found) : null;
}

/** Newest first. */
export function listExecutions(home: string): LocalExecution[] {
  return listJson<LocalExecution>(dir(home))
    .map(settled)
    .sort((a, b) => b.startDate.localeCompare(a.startDate));
}

/** A local execution without its input, output and events: what a list of runs needs. */
export type LocalExecutionHead = Pick<
  LocalExecution,
  'executionArn' | 'name' | 'stateMachineArn' | 'status' | 'startDate' | 'stopDate'
>;

const HEAD_FIELDS = ['executionArn', 'name', 'stateMachineArn', 'status', 'startDate', 'stopDate'] as const;

const HEAD_BYTES = 8192;

/**
 * Every local run's record without its history, oldest first, as ListExecutions gives them: only the
 * start of each file is read (saveExecution writes the short fields before `input`), so listing a
 * home of large organization runs does not parse every event they kept. A record that does not start
 * so is read whole.
 */
export function listExecutionHeads(home: string): LocalExecutionHead[] {
  let names: string[];
  try {
    names = readdirSync(dir(home)).filter((n) => n.endsWith('.json'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const heads = names.map((n) => {
    const path = join(dir(home), n);
    const buffer = Buffer.alloc(HEAD_BYTES);
    const fd = openSync(path, 'r');
    let text: string;
    try {
      text = buffer.subarray(0, readSync(fd, buffer, 0, HEAD_BYTES, 0)).toString('utf8');
    } finally {
      closeSync(fd);
    }
    const cut = text.indexOf(',\n  "input": ');
    if (cut >= 0) {
      try {
        const head = JSON.parse(`${text.slice(0, cut)}}`) as LocalExecution;
        if (HEAD_FIELDS.every((f) => head[f] !== undefined)) return settled(head);
      } catch {}
    }
    const { input: _i, output: _o, events: _e, ...head } = readJson<LocalExecution>(path) as LocalExecution;
    return settled(head as LocalExecution);
  });
  return heads.sort((a, b) => a.startDate.localeCompare(b.startDate));
}

/** A RUNNING record whose process has gone (Ctrl-C, a crash) ended there: ABORTED, as Step Functions says. */
function settled(execution: LocalExecution): LocalExecution {
  if (execution.status !== 'RUNNING' || execution.pid === undefined || processAlive(execution.pid))
    return execution;
  return { ...execution, status: 'ABORTED', error: 'Aborted', cause: 'the process running it ended' };
}

/**
 * Claims a run's name before anything runs: creates its RUNNING record, refusing a name that already
 * has a record or a ledger (a run's name is its identity for good; Step Functions says
 * ExecutionAlreadyExists).
 */
export function reserveExecution(home: string, execution: LocalExecution): void {
  const existing = readExecution(home, execution.name);
  const ledger = existsSync(join(home, 'store', 'ledger', safeName(execution.name)));
  if (existing || ledger) {
    const what = existing
      ? `started ${existing.startDate}, ${existing.status.toLowerCase()}`
      : 'it has a ledger';
    throw new CredsweepError(
      'ExecutionAlreadyExists',
      `a run named ${execution.name} already exists in ${home} (${what}); a run's name is its identity, ` +
        'so nothing was run or changed: choose another --name.',
    );
  }
  mkdirSync(dir(home), { recursive: true });
  try {
    writeFileSync(join(dir(home), `${safeName(execution.name)}.json`), JSON.stringify(execution, null, 2), {
      flag: 'wx',
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    throw new CredsweepError(
      'ExecutionAlreadyExists',
      `a run named ${execution.name} was started in ${home} at the same moment; nothing was run or changed.`,
    );
  }
}
