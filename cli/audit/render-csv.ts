/**
 * The period report's CSV files (RFC 4180, CRLF, formula-looking cells neutralised as findings.csv
 * does): runs.csv (one row per run), exceptions.csv, gaps.csv and open.csv. Text from the evidence
 * (names, reasons, tag values) is cleaned of control and bidi characters first.
 */
import { csvLine } from '../../handlers/core/evidence/csv.js';
import { clean } from '../../handlers/core/shared/html.js';
import type { AuditModel } from './model.js';

type Cell = string | number | boolean | null;

const text = (v: string | null | undefined) => (v === null || v === undefined ? null : clean(v));

function csv(header: string[], rows: Cell[][]): string {
  return (
    csvLine(header) + rows.map((r) => csvLine(r.map((c) => (typeof c === 'string' ? clean(c) : c)))).join('')
  );
}

export function runsCsv(m: AuditModel): string {
  return csv(
    [
      'name',
      'workflow',
      'kind',
      'started_at',
      'stopped_at',
      'status',
      'outcome',
      'started_by',
      'decision',
      'approvers',
      'decided_at',
      'reason',
      'accounts',
      'findings',
      'proposed',
      'approved',
      'changed',
      'restored',
      'deleted',
      'evidence',
      'evidence_problem',
      'error',
    ],
    m.runs.map((r) => [
      r.name,
      r.workflow,
      r.kind,
      r.startedAt,
      r.stoppedAt,
      r.status,
      r.outcome,
      text(r.startedBy),
      r.decision,
      r.approvers.join('; '),
      r.decidedAt,
      text(r.reason),
      r.accounts.length,
      r.counts.findings,
      r.counts.proposed,
      r.counts.approved,
      r.counts.changed,
      r.counts.restored,
      r.counts.deleted,
      r.evidence,
      text(r.evidenceProblem),
      text(r.error),
    ]),
  );
}

export function exceptionsCsv(m: AuditModel): string {
  return csv(
    [
      'account_id',
      'kind',
      'user_name',
      'credential',
      'access_key_id',
      'until',
      'expired',
      'last_used',
      'owner',
      'tag_value',
      'first_run',
      'first_seen',
      'last_run',
      'last_seen',
      'in_force_at_end',
    ],
    m.exceptions.map((x) => [
      x.accountId,
      x.kind,
      x.userName,
      x.credential,
      x.accessKeyId,
      x.until,
      x.expired,
      x.lastUsed,
      x.owner,
      x.value,
      x.firstRun,
      x.firstSeen,
      x.lastRun,
      x.lastSeen,
      x.inForceAtEnd,
    ]),
  );
}

export function gapsCsv(m: AuditModel): string {
  return csv(
    ['from', 'to', 'days', 'run', 'why'],
    m.gaps.map((g) => [g.from, g.to, g.days, g.run, g.why]),
  );
}

export function openCsv(m: AuditModel): string {
  return csv(
    [
      'account_id',
      'user_name',
      'credential',
      'access_key_id',
      'last_used',
      'days_unused',
      'why',
      'until',
      'run',
      'seen',
    ],
    m.open.map((o) => [
      o.accountId,
      o.userName,
      o.credential,
      o.accessKeyId,
      o.lastUsed,
      o.daysUnused,
      o.why,
      o.until,
      o.run,
      o.seen,
    ]),
  );
}
