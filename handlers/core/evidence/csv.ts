/**
 * findings.csv: one row per credential the run proposed, changed, restored or could not resolve,
 * rendered from the evidence object (so it never says more or less than evidence.json).
 *
 * RFC 4180: CRLF line ends, a header row, and a field quoted (with `"` doubled) when it holds a comma,
 * a quote, CR or LF. A field that a spreadsheet would evaluate as a formula (it starts with `=`, `+`,
 * `-`, `@`, a tab or CR; IAM user names may start with `+`, `=`, `-` or `@`) is written with a leading
 * apostrophe, as OWASP recommends; evidence.json keeps the exact value.
 */
import type { CredentialRecord, Evidence } from './schema.js';

export const FINDINGS_CSV_COLUMNS = [
  'execution',
  'account_id',
  'user_name',
  'credential',
  'access_key_id',
  'last_used',
  'created_at',
  'days_unused',
  'finding_reason',
  'threshold_days',
  'approved',
  'result',
  'skip_reason',
  'before',
  'after',
  'changed_at',
  'live_last_used',
  'restored_at',
  'restored_state',
  'restored_by',
  'verified',
  'verified_state',
  'action',
  'deactivated_by',
  'deactivated_at',
  'key_created_at',
] as const;

type Cell = string | number | boolean | null;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field: neutralised against formula evaluation, then quoted when RFC 4180 requires it. */
export function csvField(value: Cell): string {
  if (value === null) return '';
  let text = typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(cells: Cell[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

const nameOf = (id: string) => id.split(':').pop() ?? id;

function row(e: Evidence, c: CredentialRecord): Cell[] {
  return [
    e.execution.name,
    e.execution.accountId,
    c.userName,
    c.credential,
    c.accessKeyId,
    c.finding ? (c.finding.lastUsed ?? 'never') : null,
    c.finding?.createdAt ?? null,
    c.finding?.daysUnused ?? null,
    c.finding?.reason ?? null,
    e.report?.thresholdDays ?? null,
    c.approved,
    c.result,
    c.skipReason ?? null,
    c.before,
    c.after,
    c.changedAt,
    c.liveLastUsed,
    c.restored?.at ?? null,
    c.restored?.state ?? null,
    c.restored ? nameOf(c.restored.by) : null,
    c.verification?.ok ?? null,
    c.verification?.actual ?? null,
    c.action,
    c.deletion ? nameOf(c.deletion.deactivatedBy) : null,
    c.deletion?.deactivatedAt ?? null,
    c.deletion?.keyCreatedAt ?? null,
  ];
}

export function renderFindingsCsv(e: Evidence): string {
  return [
    csvLine([...FINDINGS_CSV_COLUMNS]),
    ...[...e.changes, ...e.unchanged].map((c) => csvLine(row(e, c))),
  ].join('');
}
