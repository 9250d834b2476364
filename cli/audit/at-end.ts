/**
 * What stood over a period, account by account: the exceptions in force (each exemption, break-glass
 * user and owner grace period, with the runs that first and last saw it), and what was still stale and
 * enabled at the end. Pure, on plain values (test/unit/audit-period.test.ts).
 *
 * "At the end" is as each account's last run in the period that read its credential report found
 * it, with what later runs changed without reading it: credentials a backout restored, and an
 * account a later run could not reach. Credentials that went stale after that run are not known.
 */
import {
  accountLevelOpen,
  type ExceptionEntry,
  type OpenEntry,
} from '../../handlers/core/evidence/standing.js';
import type { AccountFacts, RunFacts } from './facts.js';
import { dayOf, type Period } from './gaps.js';

export interface PeriodException extends ExceptionEntry {
  accountId: string;
  /** The first and last run in the period that found it in force (name and the day it started). */
  firstRun: string;
  firstSeen: string;
  lastRun: string;
  lastSeen: string;
  /** Found by the account's last run that read its report, and not ended before the period's end. */
  inForceAtEnd: boolean;
}

export interface PeriodOpen extends OpenEntry {
  accountId: string;
  /** The run that found it so, and the day it started. */
  run: string;
  seen: string;
}

interface Part {
  run: RunFacts;
  account: AccountFacts;
}

function partsByAccount(runs: RunFacts[]): Map<string, Part[]> {
  const out = new Map<string, Part[]>();
  for (const run of runs) {
    for (const account of run.accounts) {
      out.set(account.accountId, [...(out.get(account.accountId) ?? []), { run, account }]);
    }
  }
  return out;
}

const analysed = (p: Part) => p.account.asOf !== null && p.run.mode !== 'backout';

/** Each exception found in the period, once per account, user, kind and credential. */
export function exceptionsInPeriod(period: Period, runs: RunFacts[]): PeriodException[] {
  const all: PeriodException[] = [];
  for (const [accountId, parts] of partsByAccount(runs)) {
    const merged = new Map<string, PeriodException>();
    const lastRead = parts.filter(analysed).at(-1);
    const atEnd = new Set(
      (lastRead?.account.exceptions ?? []).map((x) => `${x.kind}\n${x.userName}\n${x.credential ?? ''}`),
    );
    for (const { run, account } of parts) {
      for (const x of account.exceptions ?? []) {
        const key = `${x.kind}\n${x.userName}\n${x.credential ?? ''}`;
        const before = merged.get(key);
        const seen = dayOf(run.startedAt);
        merged.set(key, {
          ...x,
          accountId,
          lastUsed: latest(before?.lastUsed ?? null, x.lastUsed),
          until: x.until ?? before?.until ?? null,
          firstRun: before?.firstRun ?? run.name,
          firstSeen: before?.firstSeen ?? seen,
          lastRun: run.name,
          lastSeen: seen,
          inForceAtEnd: false,
        });
      }
    }
    for (const [key, x] of merged) {
      x.inForceAtEnd = atEnd.has(key) && !x.expired && (x.until === null || x.until >= period.to);
      all.push(x);
    }
  }
  return all.sort(
    (a, b) =>
      a.accountId.localeCompare(b.accountId) ||
      a.kind.localeCompare(b.kind) ||
      a.userName.localeCompare(b.userName) ||
      (a.credential ?? '').localeCompare(b.credential ?? ''),
  );
}

const latest = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a > b ? a : b);

/** What was still stale and enabled at the end, account by account, each with why. */
export function openAtEnd(runs: RunFacts[]): PeriodOpen[] {
  const out: PeriodOpen[] = [];
  for (const [accountId, parts] of partsByAccount(runs)) {
    const stamp = (p: Part) => (o: OpenEntry) => ({
      ...o,
      accountId,
      run: p.run.name,
      seen: dayOf(p.run.startedAt),
    });
    const lastIndex = parts.findLastIndex(analysed);
    const last = parts[lastIndex];
    if (last) out.push(...(last.account.open ?? [accountLevelOpen('not-analyzed')]).map(stamp(last)));
    let accountNote: PeriodOpen | null = null;
    for (const p of parts.slice(lastIndex + 1)) {
      if (p.run.mode === 'backout') {
        out.push(...(p.account.open ?? []).filter((o) => o.why === 'restored').map(stamp(p)));
        continue;
      }
      const whole = p.account.open?.find((o) => o.userName === null) ?? accountLevelOpen('not-analyzed');
      accountNote = stamp(p)(whole);
    }
    if (accountNote) out.push(accountNote);
  }
  return out;
}
