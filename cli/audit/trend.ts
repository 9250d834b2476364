/**
 * The trend of a period: per account (or, in an organization, per OU) the stale credentials each run
 * found, approved and disabled; and per run how long the credentials it disabled had been stale. Pure.
 */
import type { RunFacts } from './facts.js';

export interface TrendPoint {
  run: string;
  at: string;
  found: number;
  approved: number;
  disabled: number;
  restored: number;
}

export interface TrendGroup {
  key: string;
  /** `account 123456789012` or `OU ou-ab12-cdef3456`. */
  label: string;
  /** Accounts seen in the group over the period. */
  accounts: number;
  points: TrendPoint[];
}

/** For the credentials one run disabled: days from becoming stale to the change. */
export interface ChangeTime {
  run: string;
  at: string;
  count: number;
  medianDays: number;
  maxDays: number;
}

export type GroupBy = 'account' | 'ou';

const round1 = (n: number) => Math.round(n * 10) / 10;

export function trendOf(runs: RunFacts[], groupBy: GroupBy): TrendGroup[] {
  const groups = new Map<string, TrendGroup & { ids: Set<string> }>();
  for (const run of runs) {
    const points = new Map<string, TrendPoint>();
    for (const a of run.accounts) {
      const byOu = groupBy === 'ou' && run.workflow === 'organization' && a.ou !== null;
      const key = byOu ? `ou:${a.ou}` : `account:${a.accountId}`;
      const group =
        groups.get(key) ??
        ({
          key,
          label: byOu ? `OU ${a.ou}` : `account ${a.accountId}`,
          accounts: 0,
          points: [],
          ids: new Set(),
        } as TrendGroup & { ids: Set<string> });
      groups.set(key, group);
      group.ids.add(a.accountId);
      const point = points.get(key) ?? {
        run: run.name,
        at: run.startedAt,
        found: 0,
        approved: 0,
        disabled: 0,
        restored: 0,
      };
      points.set(key, point);
      point.found += a.counts.findings ?? 0;
      point.approved += a.counts.approved ?? 0;
      point.disabled += a.counts.changed ?? 0;
      point.restored += a.counts.restored ?? 0;
    }
    for (const [key, point] of points) groups.get(key)?.points.push(point);
  }
  return [...groups.values()]
    .map(({ ids, ...g }) => ({ ...g, accounts: ids.size }))
    .sort((a, b) => a.label.localeCompare(b.label));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function changeTimesOf(runs: RunFacts[]): ChangeTime[] {
  return runs.flatMap((run) => {
    const days = run.accounts.flatMap((a) => a.daysToChange);
    if (days.length === 0) return [];
    return [
      {
        run: run.name,
        at: run.startedAt,
        count: days.length,
        medianDays: round1(median(days)),
        maxDays: round1(Math.max(...days)),
      },
    ];
  });
}
