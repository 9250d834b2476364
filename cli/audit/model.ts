/**
 * The period report as one model, and its `--json` form (the contract in docs/compliance.md):
 * `{"from","to","every","runs":[…],"gaps":[…],"exceptions":[…],"openAtEnd":N,"open":[…]}`.
 */
import { exceptionsInPeriod, openAtEnd, type PeriodException, type PeriodOpen } from './at-end.js';
import type { RunFacts } from './facts.js';
import { type Gap, gapsOf, type Period } from './gaps.js';
import { type ChangeTime, changeTimesOf, type GroupBy, type TrendGroup, trendOf } from './trend.js';

export interface AuditModel {
  period: Period;
  /** Where the cadence came from: `--every`, the deployment's schedule, or the default. */
  cadence: string;
  /** Where the runs were read: the state machines or the local home. */
  where: string;
  /** Only this account's part of each run, when given. */
  account: string | null;
  runs: RunFacts[];
  gaps: Gap[];
  exceptions: PeriodException[];
  open: PeriodOpen[];
  trend: TrendGroup[];
  changeTimes: ChangeTime[];
}

export function auditModel(input: {
  period: Period;
  cadence: string;
  where: string;
  account: string | null;
  runs: RunFacts[];
}): AuditModel {
  const groupBy: GroupBy = input.account ? 'account' : 'ou';
  return {
    ...input,
    gaps: gapsOf(input.period, input.runs),
    exceptions: exceptionsInPeriod(input.period, input.runs),
    open: openAtEnd(input.runs),
    trend: trendOf(input.runs, groupBy),
    changeTimes: changeTimesOf(input.runs),
  };
}

/** `--json`: the contract's keys first, in its order; what else a reviewer needs after them. */
export function auditJson(m: AuditModel) {
  return {
    from: m.period.from,
    to: m.period.to,
    every: m.period.every,
    runs: m.runs.map((r) => ({
      name: r.name,
      kind: r.kind,
      startedAt: r.startedAt,
      outcome: r.outcome,
      approvers: r.approvers,
      proposed: r.counts.proposed,
      approved: r.counts.approved,
      changed: r.counts.changed,
      restored: r.counts.restored,
      deleted: r.counts.deleted,
      evidence: r.evidence,
      workflow: r.workflow,
      status: r.status,
      stoppedAt: r.stoppedAt,
      startedBy: r.startedBy,
      decision: r.decision,
      decidedAt: r.decidedAt,
      reason: r.reason,
      findings: r.counts.findings,
      accounts: r.workflow === 'organization' ? r.accounts.length : undefined,
      error: r.error,
      evidenceProblem: r.evidenceProblem,
    })),
    gaps: m.gaps.map((g) => ({ from: g.from, to: g.to, why: g.why, run: g.run, days: g.days })),
    exceptions: m.exceptions,
    openAtEnd: m.open.length,
    open: m.open,
    cadence: m.cadence,
    where: m.where,
    account: m.account,
    trend: m.trend,
    timeToChange: m.changeTimes,
  };
}
