/**
 * The local engine's history count (cli/local/history-size.ts, which enforces the 25,000-event
 * quota locally) and the per-state counts of the quota arithmetic (scripts/quota-arithmetic.ts),
 * held against GetExecutionHistory answers recorded against AWS (test/fixtures/outside/
 * step-functions, sources in the README there): a Lambda Task retried and caught, an inline Map, and
 * Distributed Maps. Each real execution's definition is run in the local engine with the same
 * task outcomes, and the events it would record must be as many as AWS recorded.
 */
import { describe, expect, it } from 'vitest';
import { HistoryCounter } from '../../cli/local/history-size.js';
import { EVENTS, stateEvents } from '../../scripts/quota-arithmetic.js';
import { recordedDefinition, recordedEvents, runLocally } from '../helpers/real-history.js';

/** The Lambda of the recording raised `Exception: Some exception was raised.` on every attempt. */
const alwaysFails = async (): Promise<never> => {
  const error = new Error('Some exception was raised.');
  error.name = 'Exception';
  throw error;
};
const echo = async (input: unknown) => input;

/** The events the local count gives the started execution (not its Distributed Maps' children). */
function parentEvents(
  definition: ReturnType<typeof recordedDefinition>,
  events: Parameters<HistoryCounter['add']>[0][],
) {
  const counter = new HistoryCounter(definition);
  for (const event of events) counter.add(event);
  return counter.parent;
}

describe('local history count against real executions', () => {
  it('a Lambda Task retried 3 times, then caught: 18 events, as AWS recorded', async () => {
    // ExecutionStarted; TaskStateEntered; 4 attempts x (LambdaFunctionScheduled, -Started, -Failed);
    // TaskStateExited (a caught failure still exits the Task); PassStateEntered/Exited;
    // ExecutionSucceeded: 1 + 1 + 12 + 1 + 2 + 1 = 18.
    const recorded = recordedEvents('lambda-retry.snapshot.json');
    expect(recorded).toHaveLength(18);
    const definition = recordedDefinition('lambda_invoke_with_retry_base.json5');
    const events = await runLocally(definition, { Value1: 'HelloWorld!', Value2: null }, alwaysFails);
    expect(parentEvents(definition, events)).toBe(18);
  });

  it('an inline Map of 8 items: 42 events, as AWS recorded', async () => {
    // ExecutionStarted; StartState 2; MapStateEntered, MapStateStarted; 8 x (MapIterationStarted,
    // PassStateEntered, PassStateExited, MapIterationSucceeded); MapStateSucceeded, MapStateExited;
    // Final 2; ExecutionSucceeded: 1 + 2 + 2 + 32 + 2 + 2 + 1 = 42.
    const recorded = recordedEvents('inline-map.snapshot.json');
    expect(recorded).toHaveLength(42);
    const definition = recordedDefinition('map_state.json5');
    const events = await runLocally(definition, {}, echo);
    expect(parentEvents(definition, events)).toBe(42);
  });

  it('a Distributed Map: 10 events in the parent, its items being child executions, as AWS recorded', async () => {
    // ExecutionStarted; MapStateEntered, MapStateStarted, MapRunStarted, MapRunSucceeded,
    // MapStateSucceeded, MapStateExited; SucceedStateEntered/Exited; ExecutionSucceeded:
    // 1 + 6 + 2 + 1 = 10, whatever the number of items.
    const recorded = recordedEvents('distributed-map.snapshot.json');
    expect(recorded).toHaveLength(10);
    const definition = recordedDefinition('map_state_config_distributed_parameters.json5');
    const events = await runLocally(definition, ['Hello', 'World'], echo);
    expect(parentEvents(definition, events)).toBe(10);
  });

  it('a Distributed Map of Lambda tasks run twice in a Choice loop: 26 events in the parent, as AWS recorded', async () => {
    // ExecutionStarted; StartState 2; 2 x (BeforeIteration 2, the Distributed Map 6, CheckIteration 2);
    // Terminate (Succeed) 2; ExecutionSucceeded: 1 + 2 + 20 + 2 + 1 = 26.
    const recorded = recordedEvents('distributed-map-loop.snapshot.json');
    expect(recorded).toHaveLength(26);
    const definition = recordedDefinition('map_state_config_distributed_reentrant_lambda.json5');
    const events = await runLocally(definition, {}, echo);
    expect(parentEvents(definition, events)).toBe(26);
  });
});

describe('the quota arithmetic’s per-state counts against real executions', () => {
  /** The events from the `first` event of a type to the `last` one, both included. */
  const span = (types: string[], first: string, last: string) =>
    types.lastIndexOf(last) - types.indexOf(first) + 1;

  it('a Lambda Task with every retry used records what stateEvents counts for it at worst', () => {
    const types = recordedEvents('lambda-retry.snapshot.json').map((e) => e.type);
    const task = recordedDefinition('lambda_invoke_with_retry_base.json5').States.InvokeLambdaWithRetry;
    // TaskStateEntered .. TaskStateExited: 1 + 4 x 3 + 1 = 14 (MaxAttempts 3: every retry used).
    expect(span(types, 'TaskStateEntered', 'TaskStateExited')).toBe(14);
    expect(task && stateEvents(task, true)).toBe(14);
  });

  it('an inline Map records 4 events of its own and 2 per iteration', () => {
    const types = recordedEvents('inline-map.snapshot.json').map((e) => e.type);
    const own = types.filter((t) => t.startsWith('MapState'));
    const iterations = types.filter((t) => t.startsWith('MapIteration'));
    expect(own).toEqual(['MapStateEntered', 'MapStateStarted', 'MapStateSucceeded', 'MapStateExited']);
    expect(iterations).toHaveLength(16);
    const map = recordedDefinition('map_state.json5').States.MapState;
    expect(map && stateEvents(map, true)).toBe(4);
    expect(EVENTS.mapIteration).toBe(2);
  });

  it('a Distributed Map records 6 events in its parent', () => {
    const types = recordedEvents('distributed-map.snapshot.json').map((e) => e.type);
    expect(types.filter((t) => t.startsWith('Map'))).toEqual([
      'MapStateEntered',
      'MapStateStarted',
      'MapRunStarted',
      'MapRunSucceeded',
      'MapStateSucceeded',
      'MapStateExited',
    ]);
    const map = recordedDefinition('map_state_config_distributed_parameters.json5').States.MapState;
    expect(map && stateEvents(map, true)).toBe(6);
  });
});
