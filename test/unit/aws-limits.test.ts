/** The limits the local engine enforces as Step Functions does (cli/local/aws-limits.ts), on event streams. */
import { describe, expect, it } from 'vitest';
import type { AslDefinition } from '../../cli/local/asl.js';
import { HISTORY_LIMIT_EVENTS, LimitWatcher, PAYLOAD_LIMIT_BYTES } from '../../cli/local/aws-limits.js';
import type { EventLog } from '../../cli/local/event-log.js';

const definition = {
  StartAt: 'Fan',
  States: {
    Fan: {
      Type: 'Map',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Work',
        States: { Work: { Type: 'Task', Resource: 'x', End: true } },
      },
      ResultPath: null,
      Next: 'Last',
    },
    Last: { Type: 'Pass', End: true },
  },
} as unknown as AslDefinition;

const entered = (name: string, input: unknown) =>
  ({ type: 'StateEntered', timestamp: 0, state: { name, type: 'Task', input } }) as unknown as EventLog;
const exited = (name: string, output: unknown, index?: number) =>
  ({
    type: 'StateExited',
    timestamp: 0,
    state: { name, type: 'Task', input: {}, output },
    index,
  }) as unknown as EventLog;

describe('the local engine holds a run to AWS limits', () => {
  it('fails a state whose output is over 262,144 bytes with States.DataLimitExceeded', () => {
    const watcher = new LimitWatcher(definition, {});
    expect(watcher.observe(exited('Last', { blob: 'x'.repeat(PAYLOAD_LIMIT_BYTES - 20) }))).toBeNull();
    const breach = watcher.observe(exited('Last', { blob: 'x'.repeat(PAYLOAD_LIMIT_BYTES) }));
    expect(breach?.Error).toBe('States.DataLimitExceeded');
    expect(breach?.Cause).toContain("'Last'");
  });

  it("counts a Map's combined result, not each iteration alone", () => {
    const watcher = new LimitWatcher(definition, {});
    watcher.observe(entered('Fan', {}));
    const item = { blob: 'x'.repeat(10_000) };
    let breach = null;
    let n = 0;
    while (!breach && n < 100) breach = watcher.observe(exited('Work', item, n++));
    // Each iteration is 10,012 bytes; 26 of them with the array's brackets and commas pass 262,144.
    expect(n).toBe(27);
    expect(breach?.Cause).toMatch(/'Fan'.*combined result of its 27 iterations is 270\d{3} bytes/);
    expect(watcher.maxMapResultBytes).toBeGreaterThan(PAYLOAD_LIMIT_BYTES);
  });

  it('starts a Map result again each time the Map is entered', () => {
    const watcher = new LimitWatcher(definition, {});
    for (let round = 0; round < 3; round++) {
      watcher.observe(entered('Fan', {}));
      for (let i = 0; i < 20; i++)
        expect(watcher.observe(exited('Work', { blob: 'x'.repeat(10_000) }, i))).toBeNull();
    }
  });

  it('fails an execution whose history passes 25,000 events', () => {
    const watcher = new LimitWatcher(definition, {});
    let breach = null;
    let events = 0;
    // Pass state: entered + exited, 1 event each.
    while (!breach) {
      breach = watcher.observe(entered('Last', {})) ?? watcher.observe(exited('Last', {}));
      events += 2;
    }
    expect(breach.Error).toBe('States.Runtime');
    expect(watcher.history.max).toBe(HISTORY_LIMIT_EVENTS + 1);
    expect(events).toBeGreaterThan(HISTORY_LIMIT_EVENTS);
  });
});
