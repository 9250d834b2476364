/** How a run ends; every Report state passes one of these. */
export const OUTCOMES = [
  'remediated',
  'nothing-to-do',
  /** Organization runs: the account had credentials proposed, and the approval kept every one of them out. */
  'nothing-approved',
  'dry-run',
  'rejected',
  'timed-out',
  'backed-out',
  'backout-failed',
  /** Stopped before anyone was asked (blast-radius guard, report never ready, analysis error). */
  'failed',
  /** Organization runs: the member role of the account could not be assumed; nothing was read or changed. */
  'unreachable',
  /** Organization runs: the account is suspended (or closing); it was not swept. */
  'suspended',
] as const;

export type Outcome = (typeof OUTCOMES)[number];
