/**
 * The timeline (cli/timeline/: what `credsweep status`/`history` show of an execution) read from
 * GetExecutionHistory answers recorded against AWS (test/fixtures/outside/step-functions, sources
 * in the README there), not from histories this project wrote.
 */
import { describe, expect, it } from 'vitest';
import { fromAwsHistory } from '../../cli/timeline/events.js';
import { buildSteps } from '../../cli/timeline/steps.js';
import { asSdkHistory, recordedEvents } from '../helpers/real-history.js';

const stepsOf = (file: string) => buildSteps(fromAwsHistory(asSdkHistory(recordedEvents(file))));

describe('timelines of real executions', () => {
  it('a Lambda Task that failed four times, retried three times, then was caught: one failed step with 3 retries, then the handler', () => {
    const steps = stepsOf('lambda-retry.snapshot.json');
    expect(steps.map((s) => [s.state, s.status, s.retries, s.error?.error ?? null])).toEqual([
      ['InvokeLambdaWithRetry', 'failed', 3, 'Exception'],
      ['HandleError', 'succeeded', 0, null],
    ]);
    expect(JSON.parse(steps[0]?.error?.cause ?? '{}')).toMatchObject({
      errorMessage: 'Some exception was raised.',
    });
  });

  it('an inline Map of 8 items: each item’s step in its own iteration, with that item as input', () => {
    const steps = stepsOf('inline-map.snapshot.json');
    const items = steps.filter((s) => s.state === 'HandleItem');
    expect(items.map((s) => [s.index, s.input, s.status])).toEqual([
      [0, 1, 'succeeded'],
      [1, 'Hello', 'succeeded'],
      [2, {}, 'succeeded'],
      [3, null, 'succeeded'],
      [4, 3.3, 'succeeded'],
      [5, 3, 'succeeded'],
      [6, 4, 'succeeded'],
      [7, 5, 'succeeded'],
    ]);
    expect(steps.filter((s) => s.index === null).map((s) => [s.state, s.status])).toEqual([
      ['StartState', 'succeeded'],
      ['MapState', 'succeeded'],
      ['Final', 'succeeded'],
    ]);
  });

  it('a Distributed Map: the parent shows the Map as one step; its items run in child executions', () => {
    const steps = stepsOf('distributed-map.snapshot.json');
    expect(steps.map((s) => [s.state, s.index, s.status])).toEqual([
      ['MapState', null, 'succeeded'],
      ['Finish', null, 'succeeded'],
    ]);
  });
});
