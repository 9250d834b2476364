/**
 * Where the control did not operate in a period: stretches longer than the cadence with no run that
 * reached a decision, and each run that failed, timed out, was rejected or backed out, or whose
 * evidence cannot be read. Pure, on plain values (test/unit/audit-period.test.ts).
 *
 * A run reached a decision when an approver approved or rejected it, or when it found nothing to
 * propose. Stretches are counted in whole UTC days between the days runs started, the period's first
 * and last day included: with a cadence of 7, runs on the 5th and the 12th leave no gap, and a period
 * ending on the 30th after a last decision on the 16th has one.
 */

import { plural } from '../../handlers/core/shared/words.js';
import type { RunFacts } from './facts.js';

export interface Period {
  /** First day, YYYY-MM-DD (UTC). */
  from: string;
  /** Last day, included, YYYY-MM-DD (UTC). */
  to: string;
  /** The expected cadence, in days. */
  every: number;
}

export interface Gap {
  /** First day of the stretch, or the day the run started. */
  from: string;
  /** Last day of the stretch, or the day the run ended. */
  to: string;
  /** Days without a decision (a stretch); null for a run. */
  days: number | null;
  /** The run it names; null for a stretch. */
  run: string | null;
  why: string;
}

const DAY_MS = 86_400_000;
export const dayOf = (iso: string) => iso.slice(0, 10);
export const dayNumber = (iso: string) => Math.floor(Date.parse(`${dayOf(iso)}T00:00:00Z`) / DAY_MS);

/** An approver approved or rejected it, or it found nothing that needed a decision. */
export const reachedDecision = (run: RunFacts) => run.decision !== null || run.outcome === 'nothing-to-do';

/** Why a run is named among the gaps; null when it did what a run should. */
export function runProblem(run: RunFacts): string | null {
  const by = run.approvers.length > 0 ? ` by ${run.approvers.join(', ')}` : '';
  const on = run.decidedAt ? ` on ${dayOf(run.decidedAt)}` : '';
  const error = run.error ? `: ${run.error}` : '';
  const name = run.workflow === 'organization' ? `${run.name} (organization run)` : run.name;
  if (run.evidenceProblem) return `${name} (${run.outcome}): ${run.evidenceProblem}`;
  switch (run.outcome) {
    case 'rejected':
      return `${name} was rejected${by}${on}: ${run.reason ? `"${run.reason}"` : 'no reason given'}`;
    case 'timed-out':
      return `${name}: nobody decided within the approval window, nothing was changed`;
    case 'failed':
      return `${name} stopped before approval${error}`;
    case 'backed-out':
      return `${name} was approved${by}, then backed out: its changes were restored${error}`;
    case 'backout-failed':
      return `${name}: its backout did not finish${error}`;
    case 'aborted':
      return `${name} was stopped (${run.status}) before it ended`;
    case 'running':
    case 'awaiting-approval':
      return `${name} has not ended (${run.outcome})`;
    case 'dry-run':
      return `${name} was a dry run: it proposed, nobody decided, nothing was changed`;
  }
  if (['FAILED', 'ABORTED', 'TIMED_OUT'].includes(run.status)) return `${name} ended ${run.status}${error}`;
  const troubled = run.accounts.filter((a) =>
    ['unreachable', 'failed', 'backed-out', 'backout-failed'].includes(a.outcome),
  );
  if (run.workflow === 'organization' && troubled.length > 0) {
    const byOutcome = new Map<string, string[]>();
    for (const a of troubled) byOutcome.set(a.outcome, [...(byOutcome.get(a.outcome) ?? []), a.accountId]);
    const parts = [...byOutcome].map(
      ([outcome, ids]) =>
        `${plural(ids.length, 'account')} ${outcome} (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''})`,
    );
    return `${name}: ${parts.join('; ')} of ${run.accounts.length}`;
  }
  return null;
}

/** The stretches longer than the cadence without a decision, then the runs that had a problem. */
export function gapsOf(period: Period, runs: RunFacts[]): Gap[] {
  const decided = runs.filter(reachedDecision);
  const first = dayNumber(period.from);
  const last = dayNumber(period.to);
  const stops: { day: number; run: RunFacts | null }[] = [
    { day: first, run: null },
    ...decided.map((run) => ({ day: dayNumber(run.startedAt), run })),
    { day: last, run: null },
  ];
  const gaps: Gap[] = [];
  for (let i = 1; i < stops.length; i++) {
    const a = stops[i - 1] as (typeof stops)[number];
    const b = stops[i] as (typeof stops)[number];
    const days = b.day - a.day;
    if (days <= period.every) continue;
    const after = a.run ? `after ${describe(a.run)}` : 'from the start of the period';
    const until = b.run ? `until ${describe(b.run)}` : 'until the end of the period';
    const between = runs.filter(
      (r) => !reachedDecision(r) && dayNumber(r.startedAt) >= a.day && dayNumber(r.startedAt) <= b.day,
    );
    const inBetween =
      between.length > 0
        ? `; in between, without a decision: ${between.map((r) => `${r.name} (${r.outcome})`).join(', ')}`
        : '';
    gaps.push({
      from: a.run ? dayOf(a.run.startedAt) : period.from,
      to: b.run ? dayOf(b.run.startedAt) : period.to,
      days,
      run: null,
      why:
        decided.length === 0
          ? `no run reached a decision in the period (${days} days; expected every ${plural(period.every, 'day')})${inBetween}`
          : `no run reached a decision for ${days} days (expected every ${plural(period.every, 'day')}): ${after} ${until}${inBetween}`,
    });
  }
  for (const run of runs) {
    const why = runProblem(run);
    if (why === null) continue;
    gaps.push({
      from: dayOf(run.startedAt),
      to: dayOf(run.stoppedAt ?? run.startedAt),
      days: null,
      run: run.name,
      why,
    });
  }
  return gaps;
}

const describe = (run: RunFacts) => `${run.name} on ${dayOf(run.startedAt)}`;
