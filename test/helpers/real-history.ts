/**
 * Real Step Functions executions (test/fixtures/outside/step-functions, sources in the README there):
 * localstack's snapshot of a GetExecutionHistory answer recorded against AWS, the definition that
 * execution ran, and the same definition run in the local engine (aws-local-stepfunctions, as
 * cli/local/engine.ts runs credsweep's workflows) for comparison.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { StateMachine } from 'aws-local-stepfunctions';
import type { AslDefinition } from '../../cli/local/asl.js';
import type { EventLog } from '../../cli/local/event-log.js';
import { outsideJson, outsideJson5 } from './outside.js';

/** One event as localstack's snapshot keeps it: `timestamp` replaced by the word, payloads parsed. */
type SnapshotEvent = Record<string, unknown> & { id: number; previousEventId: number; type: string };

/** The GetExecutionHistory events a snapshot file recorded (one test per file). */
export function recordedEvents(file: string): SnapshotEvent[] {
  const snapshot = outsideJson<Record<string, { 'recorded-content': Record<string, unknown> }>>(
    `step-functions/${file}`,
  );
  const [entry] = Object.values(snapshot);
  const history = entry?.['recorded-content'].get_execution_history as
    | { events: SnapshotEvent[] }
    | undefined;
  if (!history) throw new Error(`${file} has no get_execution_history`);
  return history.events;
}

/**
 * The recorded events in the SDK's shape, for code that reads GetExecutionHistory: localstack's
 * snapshot replaced each timestamp by the word "timestamp" (here: one second apart, in event order,
 * from `start`) and parsed the JSON payloads (input, output, cause: here serialised again).
 */
export function asSdkHistory(events: SnapshotEvent[], start = '2024-01-01T00:00:00Z'): HistoryEvent[] {
  const t0 = new Date(start).getTime();
  const payload = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  return events.map((e) => {
    const out: Record<string, unknown> = { ...e, timestamp: new Date(t0 + e.id * 1000) };
    for (const [key, value] of Object.entries(e)) {
      if (!key.endsWith('EventDetails') || typeof value !== 'object' || value === null) continue;
      const details: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      for (const field of ['input', 'output', 'cause']) {
        if (field in details) details[field] = payload(details[field]);
      }
      out[key] = details;
    }
    return out as unknown as HistoryEvent;
  });
}

/** A definition as the execution ran it (localstack's JSON5 template). */
export const recordedDefinition = (file: string): AslDefinition =>
  outsideJson5<AslDefinition>(`step-functions/${file}`);

/**
 * The local engine's events for `definition` run with `input`, every Task bound to `task` (a Task's
 * Resource there is a placeholder the recording replaced with a real Lambda), retries without waiting.
 */
export async function runLocally(
  definition: AslDefinition,
  input: unknown,
  task: (input: unknown) => Promise<unknown>,
): Promise<EventLog[]> {
  const tasks: Record<string, (input: unknown) => Promise<never>> = {};
  const bind = (states: AslDefinition['States']) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task') tasks[name] = task as (input: unknown) => Promise<never>;
      const inner = state.ItemProcessor ?? state.Iterator;
      if (inner) bind(inner.States);
    }
  };
  bind(definition.States);
  const machine = new StateMachine(definition as never, {
    validationOptions: { checkArn: false, checkPaths: false },
  });
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: tasks,
      retryIntervalOverrides: Object.fromEntries(Object.keys(tasks).map((name) => [name, 0])),
    },
    noThrowOnAbort: true,
  });
  const events: EventLog[] = [];
  for await (const event of execution.eventLogs) events.push(event);
  await execution.result.catch(() => undefined);
  return events;
}
