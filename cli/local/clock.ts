/**
 * The one clock of a local run: it starts at the run's `now` (`--now`, or the real time) and runs at
 * real speed. The handlers read it as `ports.now()`, the sandbox account as its current time, and the
 * local stand-ins for what Step Functions and SES would stamp (the execution's start and stop, its
 * history events, the outbox file names) read it too, so a run rehearsed weeks ahead is dated then.
 */
export interface SandboxClock {
  (): Date;
  /** The sandbox time of a real instant (ms since the epoch), e.g. an engine event's timestamp. */
  at(realMs: number): Date;
}

export function sandboxClock(start: Date = new Date()): SandboxClock {
  const offset = start.getTime() - Date.now();
  const at = (realMs: number) => new Date(realMs + offset);
  return Object.assign(() => at(Date.now()), { at });
}
