/**
 * The staleness policy of DESIGN.md, in one place: the analysis of a credential report and the
 * live re-check before a change both use `assessCredential` / `isStale`.
 *
 * A credential is stale when it is enabled (console password) or active (access key) and its last
 * use is `days` or more whole days before `now`: exactly `days` × 24 h ago is stale, one second less
 * is not. A credential with no recorded use is aged from when it was created.
 */
import type {
  Analysis,
  CredentialKind,
  CredentialReport,
  Finding,
  FindingReason,
  ReportDate,
  ReportRow,
  Skipped,
} from '../shared/types.js';

const MS_PER_DAY = 86_400_000;

/** Whole days from `from` to `to`, rounded down (negative when `from` is after `to`). */
export function daysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / MS_PER_DAY);
}

/** The rule itself: last use (or, never used, creation) is `days` or more whole days before `now`. */
export function isStale(lastUse: Date, now: Date, days: number): boolean {
  return daysBetween(lastUse, now) >= days;
}

/** What is known about one enabled/active credential. */
export interface CredentialEvidence {
  /** Last recorded use; null when never used (or no use was recorded). */
  lastUsed: Date | null;
  /** When the credential was created, to age it when it was never used; null when unknown. */
  createdAt: Date | null;
}

export interface CredentialAssessment {
  stale: boolean;
  /** ISO date of the last use, or null when never used. */
  lastUsed: string | null;
  /** ISO date the credential was created (a password: last set), or null when unknown. */
  createdAt: string | null;
  /**
   * Set after its last recorded use, and that use alone would make it stale while its age from
   * being set does not: a password reset (or restored) recently, on a user idle for longer.
   */
  resetRecently: boolean;
  /** Whole days since the last use, or since creation when never used. */
  daysUnused: number;
  reason: FindingReason;
  /** ISO instant the credential is aged from: the later of its last use and its creation. */
  since: string;
}

/**
 * Applies the rule to one enabled/active credential: the age is from the later of its last use and
 * its creation (IAM keeps a user's password_last_used across a password reset, so a password set
 * yesterday on a user idle for a year is one day old, not a year). Returns null when there is no date to age it
 * from (never used and creation unknown): such a credential is never reported stale.
 */
export function assessCredential(
  evidence: CredentialEvidence,
  now: Date,
  days: number,
): CredentialAssessment | null {
  // A credential created (a password reset, a restored login profile) after its last recorded use
  // has not been used since it was created: its age counts from creation.
  const { lastUsed, createdAt } = evidence;
  const since =
    lastUsed && createdAt
      ? new Date(Math.max(lastUsed.getTime(), createdAt.getTime()))
      : (lastUsed ?? createdAt);
  if (since === null) return null;
  const stale = isStale(since, now, days);
  return {
    stale,
    lastUsed: lastUsed === null ? null : lastUsed.toISOString(),
    createdAt: createdAt === null ? null : createdAt.toISOString(),
    resetRecently:
      !stale &&
      lastUsed !== null &&
      createdAt !== null &&
      createdAt > lastUsed &&
      isStale(lastUsed, now, days),
    daysUnused: daysBetween(since, now),
    reason: evidence.lastUsed === null ? 'never-used' : 'unused',
    since: since.toISOString(),
  };
}

/** One credential of a report row, with its assessment when it is enabled/active. */
export interface RowCredential {
  credential: CredentialKind;
  /** Console password enabled, or access key active. */
  enabled: boolean;
  /** null when disabled/inactive, or when there is no date to age it from. */
  assessment: CredentialAssessment | null;
}

/**
 * The three credentials of a report row (console password, access key 1, access key 2) in that
 * order, assessed. A password with password_enabled other than `true` and an inactive key are not
 * enabled, whatever their dates say. `N/A` and `no_information` last-use values count as no
 * recorded use; the age then counts from password_last_changed (else user_creation_time) for the
 * password and from access_key_N_last_rotated for a key.
 */
export function rowCredentials(row: ReportRow, now: Date, days: number): RowCredential[] {
  const passwordEnabled = row.passwordEnabled === true;
  const credentials: RowCredential[] = [
    {
      credential: 'console-password',
      enabled: passwordEnabled,
      assessment: passwordEnabled
        ? assessCredential(
            {
              lastUsed: asDate(row.passwordLastUsed),
              createdAt: asDate(row.passwordLastChanged) ?? asDate(row.userCreationTime),
            },
            now,
            days,
          )
        : null,
    },
  ];
  row.accessKeys.forEach((key, i) => {
    credentials.push({
      credential: i === 0 ? 'access-key-1' : 'access-key-2',
      enabled: key.active,
      assessment: key.active
        ? assessCredential(
            { lastUsed: asDate(key.lastUsedDate), createdAt: asDate(key.lastRotated) },
            now,
            days,
          )
        : null,
    });
  });
  return credentials;
}

export interface AnalyzeOptions {
  now: Date;
  /** Threshold in whole days, a positive integer. */
  days: number;
  /** User names never touched (matched without regard to case, as IAM names are). */
  exemptUsers?: string[];
  /** When given, only these users are considered (matched without regard to case). */
  users?: string[];
}

/**
 * Analyzes a credential report.
 *
 * Skipped users, in order of precedence: the root user is always listed (`root`) and never a
 * finding; users in `exemptUsers` that appear in the report are always listed (`exempt`); when
 * `users` is given, users outside it are listed (`not-selected`) only if they had a stale
 * credential, to keep the output small on large accounts. A console password whose last use is
 * `days` or more ago but that was set again since (a reset, a restore) is not stale; it is listed
 * (`reset-recently`, with both dates), because Security Hub's IAM.8 judges it by the last use alone.
 *
 * Findings are sorted by user name (code-unit order, independent of locale), then console
 * password, access key 1, access key 2. Skipped entries are sorted by user name.
 */
export function analyzeReport(report: CredentialReport, opts: AnalyzeOptions): Analysis {
  const { now, days } = opts;
  if (Number.isNaN(now.getTime())) throw new RangeError('analyzeReport: now is not a valid date');
  if (!Number.isSafeInteger(days) || days < 1) {
    throw new RangeError(`analyzeReport: days must be a positive integer, got ${days}`);
  }
  const exempt = new Set((opts.exemptUsers ?? []).map(foldCase));
  const selected = opts.users === undefined ? null : new Set(opts.users.map(foldCase));

  const findings: Finding[] = [];
  const skipped: Skipped[] = [];
  for (const row of report.rows) {
    if (row.isRoot) {
      skipped.push({ userName: row.user, reason: 'root' });
      continue;
    }
    if (exempt.has(foldCase(row.user))) {
      skipped.push({ userName: row.user, reason: 'exempt' });
      continue;
    }
    const stale: Finding[] = [];
    const reset: Skipped[] = [];
    for (const { credential, assessment } of rowCredentials(row, now, days)) {
      if (assessment === null) continue;
      const { lastUsed, createdAt, daysUnused, reason } = assessment;
      if (assessment.stale) {
        stale.push({ userName: row.user, credential, lastUsed, createdAt, daysUnused, reason });
      } else if (assessment.resetRecently) {
        reset.push({
          userName: row.user,
          reason: 'reset-recently',
          credential,
          lastUsed,
          createdAt,
          daysUnused,
        });
      }
    }
    if (selected !== null && !selected.has(foldCase(row.user))) {
      if (stale.length > 0) skipped.push({ userName: row.user, reason: 'not-selected' });
      continue;
    }
    findings.push(...stale);
    skipped.push(...reset);
  }

  findings.sort(
    (a, b) =>
      compare(a.userName, b.userName) || CREDENTIAL_ORDER[a.credential] - CREDENTIAL_ORDER[b.credential],
  );
  skipped.sort((a, b) => compare(a.userName, b.userName));
  return { asOf: now.toISOString(), thresholdDays: days, findings, skipped };
}

/** Names in `names` that match no user of the report (case-insensitively), in their given order. */
export function usersNotInReport(report: CredentialReport, names: string[]): string[] {
  const known = new Set(report.rows.map((row) => foldCase(row.user)));
  return names.filter((name) => !known.has(foldCase(name)));
}

const CREDENTIAL_ORDER: Record<CredentialKind, number> = {
  'console-password': 0,
  'access-key-1': 1,
  'access-key-2': 2,
};

function compare(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

function foldCase(name: string): string {
  return name.toLowerCase();
}

function asDate(value: ReportDate): Date | null {
  return value instanceof Date ? value : null;
}
