/**
 * report.html: the evidence as one self-contained page a reviewer can read on screen and print.
 * No external asset (inline CSS, no script, no image, a CSP that forbids loading anything), and every
 * value from the evidence is HTML-escaped: user names, reasons and user agents come from outside.
 */

import { lifecycleSections, RESET_RECENTLY_TITLE } from '../plan/lifecycle/sections.js';
import { escapeHtml as escapeHtmlWith } from '../shared/html.js';
import type { Skipped } from '../shared/types.js';
import type { CredentialRecord, Evidence, FindingRecord } from './schema.js';

/** The evidence keeps line breaks in free text (a rejection reason); everything else as the mail and page. */
export const escapeHtml = (value: unknown): string => escapeHtmlWith(value, true);

const ISO = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/;

/** `2026-11-26T12:00:00.000Z` reads as `2026-11-26 12:00:00 UTC`; anything else as given. */
export function when(value: string | null | undefined): string {
  if (!value) return '';
  const m = ISO.exec(value);
  return m ? `${m[1]} ${m[2]} UTC` : value;
}

const nameOf = (id: string) => id.split(':').pop() ?? id;

export const OUTCOME_TEXT: Record<Evidence['outcome'], string> = {
  remediated: 'Remediated',
  'nothing-to-do': 'Nothing to do',
  'nothing-approved': 'Nothing approved',
  'dry-run': 'Dry run',
  rejected: 'Rejected',
  'timed-out': 'Approval timed out',
  'backed-out': 'Backed out',
  'backout-failed': 'Backout failed',
  failed: 'Stopped before approval',
  unreachable: 'Account unreachable',
  suspended: 'Account suspended',
};

const SKIP_TEXT: Record<string, string> = {
  root: 'root user: never changed by credsweep (manual steps)',
  exempt: 'exempt: on the exemption list',
  'exempt-tag': 'exempt: tagged credsweep:exempt',
  'exempt-tag-invalid': 'exemption tag unreadable (neither true nor YYYY-MM-DD): never acted on',
  'break-glass': 'break-glass user: never changed (listed above with its last use)',
  'not-selected': 'not among the users this run was limited to',
  'reset-recently': 'password set again after its last use: aged from the reset, not stale',
};

/** The Why of a skipped entry; a credential-level one names the credential and both dates. */
function skipText(s: Skipped): string {
  const text = SKIP_TEXT[s.reason] ?? s.reason;
  if (s.credential === undefined) return text;
  const lastUsed = s.lastUsed ? s.lastUsed.slice(0, 10) : 'never';
  const set = s.createdAt ? s.createdAt.slice(0, 10) : 'unknown';
  return `${s.credential}: ${text} (last used ${lastUsed}, set ${set}, ${s.daysUnused ?? '?'} days ago)`;
}

const RESULT_TEXT: Record<CredentialRecord['result'], string> = {
  disabled: 'disabled',
  restored: 'disabled, then restored',
  skipped: 'skipped',
  'not-approved': 'not approved',
  rejected: 'rejected',
  'no-decision': 'no decision',
  proposed: 'proposed (dry run)',
  'not-reached': 'not reached',
  intended: 'change started, outcome not recorded',
  unresolved: 'unresolved',
};

const FINDING_ACTION_TEXT: Record<FindingRecord['action'], string> = {
  notified: 'NOTIFIED: approval requested',
  resolved: 'RESOLVED',
  suppressed: 'SUPPRESSED: exemption',
  reopened: 'back to NEW',
  left: 'left as it was',
};

/** The columns of "what about this finding?" (the account's evidence and the organization's). */
export const FINDING_HEADERS = ['Finding', 'User', 'Workflow', 'credsweep', 'Why', 'Note written'] as const;

/** One finding's escaped cells under FINDING_HEADERS. */
export function findingCells(f: FindingRecord): string[] {
  return [
    `${escapeHtml(f.control)}<br><small>${escapeHtml(f.id)}</small>`,
    escapeHtml(f.userName ?? ''),
    escapeHtml(f.before === f.after ? f.after : `${f.before} -> ${f.after}`),
    escapeHtml(
      f.error ? `${FINDING_ACTION_TEXT[f.action]} NOT applied (${f.error})` : FINDING_ACTION_TEXT[f.action],
    ),
    escapeHtml(f.why),
    escapeHtml(f.note ?? ''),
  ];
}

/** "What about this finding?": each IAM.8 / IAM.22 / CIS finding, what credsweep did and why. */
function securityHubSection(ev: Evidence): string[] {
  const hub = ev.securityHub;
  const out = ['<h2 id="security-hub">Security Hub findings</h2>'];
  if (!hub)
    return [
      ...out,
      '<p class="empty">Not recorded (evidence written before credsweep followed Security Hub).</p>',
    ];
  if (hub.status === 'not-enabled') return [...out, `<p class="info">${escapeHtml(hub.reason)}.</p>`];
  if (hub.notified) {
    const n = hub.notified;
    out.push(
      `<p>At the approval request (${escapeHtml(when(n.at))}): ${escapeHtml(
        n.status === 'not-updated' || n.status === 'not-enabled'
          ? n.reason
          : `${n.findings.filter((f) => f.action === 'notified' && f.error === null).length} finding(s) set to NOTIFIED`,
      )}.</p>`,
    );
  }
  if (hub.status === 'not-updated') return [...out, `<p class="error">${escapeHtml(hub.reason)}</p>`];
  out.push(
    `<p>At the end of the run (${escapeHtml(when(hub.at))}), for each IAM.8, IAM.22 and CIS unused-credential finding of the account:</p>`,
    table(
      [...FINDING_HEADERS],
      hub.findings.map(findingCells),
      'No IAM.8, IAM.22 or CIS unused-credential finding is failing in this account.',
    ),
  );
  if (hub.reason) out.push(`<p class="error">${escapeHtml(hub.reason)}</p>`);
  return out;
}

/** A table from already-escaped cells; `cells` must come from `escapeHtml` or `when`-then-escape. */
export function table(headers: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${escapeHtml(empty)}</p>`;
  const head = headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A definition list of label/value pairs; values are escaped here. */
export function facts(pairs: [string, string | number | null | undefined][]): string {
  const rows = pairs
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join('\n');
  return `<table class="facts"><tbody>\n${rows}\n</tbody></table>`;
}

function requestText(e: Evidence): string {
  const r = e.execution.request;
  if (!r) return 'not passed to the Report task (see the execution input in the Step Functions history)';
  const parts = [
    `mode ${r.mode}`,
    r.days !== undefined ? `days ${r.days}` : null,
    r.users ? `users ${r.users.join(', ')}` : null,
    r.exemptUsers?.length ? `exempt ${r.exemptUsers.join(', ')}` : null,
    r.dryRun ? 'dry run' : null,
    r.maxCredentials !== undefined ? `max credentials ${r.maxCredentials}` : null,
    r.backoutOf ? `backout of ${r.backoutOf}` : null,
  ];
  return parts.filter((p) => p !== null).join('; ');
}

/** "access-key-1 AKIA..." or "console-password", escaped. */
function credentialCell(c: { credential: string; accessKeyId: string | null }): string {
  return c.accessKeyId
    ? `${escapeHtml(c.credential)}<br><code>${escapeHtml(c.accessKeyId)}</code>`
    : escapeHtml(c.credential);
}

function lastUsedCell(c: CredentialRecord): string {
  if (!c.finding) return '';
  const used = c.finding.lastUsed ? when(c.finding.lastUsed) : 'never used';
  return `${escapeHtml(used)}<br>${escapeHtml(`${c.finding.daysUnused} days`)}`;
}

function resultCell(c: CredentialRecord): string {
  const text = c.result === 'skipped' && c.skipReason ? `skipped: ${c.skipReason}` : RESULT_TEXT[c.result];
  const live = c.liveLastUsed ? ` (used ${when(c.liveLastUsed)})` : '';
  return `<span class="result ${escapeHtml(c.result)}">${escapeHtml(text + live)}</span>`;
}

const approvedText = (c: CredentialRecord) => (c.approved === null ? '' : c.approved ? 'yes' : 'no');

function changeRow(c: CredentialRecord): string[] {
  const e = escapeHtml;
  const restored = c.restored
    ? `${c.restored.state}, ${when(c.restored.at)}, by ${nameOf(c.restored.by)}${
        c.restored.secretRef ? `; new password kept in ${c.restored.secretRef}` : ''
      }`
    : '';
  const verified = c.verification ? `${c.verification.ok ? 'yes' : 'NO'}: ${c.verification.actual}` : '';
  return [
    e(c.userName),
    credentialCell(c),
    lastUsedCell(c),
    e(approvedText(c)),
    e(c.before ?? ''),
    `${e(c.after ?? '')}<br>${e(when(c.changedAt))}`,
    e(restored),
    e(verified),
  ];
}

function unchangedRow(c: CredentialRecord): string[] {
  return [
    escapeHtml(c.userName),
    credentialCell(c),
    lastUsedCell(c),
    escapeHtml(approvedText(c)),
    resultCell(c),
  ];
}

export const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f24; margin: 2rem auto; max-width: 80rem; padding: 0 1.5rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 2rem 0 .5rem; border-bottom: 1px solid #d0d7de; padding-bottom: .25rem; }
.summary { font-size: 1.05rem; margin: .5rem 0 1rem; }
.badge { display: inline-block; padding: .1rem .6rem; border-radius: 1rem; font-weight: 600; border: 1px solid currentColor; }
.badge.remediated, .badge.nothing-to-do, .badge.dry-run { color: #116329; }
.badge.rejected, .badge.timed-out, .badge.backed-out { color: #9a6700; }
.badge.backout-failed, .badge.failed, .badge.unreachable { color: #b3261e; }
.badge.suspended { color: #57606a; }
table { border-collapse: collapse; width: 100%; margin: .25rem 0 1rem; }
th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
thead th { background: #f6f8fa; white-space: nowrap; }
code { font: .9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
table.facts { width: auto; max-width: 100%; }
table.facts th { background: #f6f8fa; white-space: nowrap; }
.result.disabled { font-weight: 600; }
.result.restored, .result.skipped { color: #9a6700; }
.result.intended, .result.unresolved { color: #b3261e; font-weight: 600; }
.empty { color: #57606a; font-style: italic; }
.error { border-left: 4px solid #b3261e; padding: .25rem .75rem; background: #fff5f5; }
.info { border-left: 4px solid #5f6368; padding: .25rem .75rem; background: #f6f7f9; }
footer { margin-top: 2rem; color: #57606a; font-size: .85rem; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  tr, .error { break-inside: avoid; }
  thead { display: table-header-group; }
  thead th, table.facts th { background: none; }
  .badge { border: 1px solid #000; color: #000 !important; }
}
`;

export function renderReportHtml(ev: Evidence): string {
  const e = escapeHtml;
  const a = ev.approval;
  const d = a?.decision ?? null;
  const c = ev.counts;
  const sections: string[] = [];

  sections.push(
    '<h2>Run</h2>',
    facts([
      ['Execution', ev.execution.id],
      ['Account', ev.execution.accountId],
      ['Region', ev.execution.region],
      ['State machine', ev.execution.stateMachineArn],
      ['Mode', ev.execution.mode],
      ['Started by', ev.execution.startedBy ?? 'not recorded in the evidence'],
      ['Request', requestText(ev)],
      ['Credential report generated', ev.report ? when(ev.report.generatedAt) || 'unknown' : null],
      ['Analysed as of', ev.report ? when(ev.report.asOf) : null],
      ['Threshold', ev.report ? `unused ${ev.report.thresholdDays} days or more` : null],
      ['Evidence written', when(ev.writtenAt)],
    ]),
    '<h2>Counts</h2>',
    facts([
      ['Findings (stale credentials in the report)', c.findings],
      ['Users skipped (root, exempt, not selected)', c.skippedUsers],
      ['Passwords set again since their last use (reset-recently, not stale)', c.resetRecently ?? 0],
      ['Proposed for approval', c.proposed],
      ['Approved', c.approved],
      ['Disabled and still disabled', c.disabled],
      ['Restored by backout', c.restored],
      ['Skipped at re-check (used since the report)', c.skippedAtRecheck],
      ['Not approved', c.notApproved],
      ['Verified', c.verified],
      ['Verification failed', c.verificationFailed],
      ['Unresolved', c.unresolved],
      ['Owner warnings mailed by this run', c.ownersWarned],
      ['Held until the owner was warned long enough', c.heldForWarning],
      ['Access keys deleted (cannot be undone)', c.deleted],
    ]),
  );
  if (ev.lifecycle) {
    const l = ev.lifecycle;
    sections.push(
      '<h2>Lifecycle</h2>',
      facts([
        [
          'Owner warning',
          l.warnDays > 0 ? `${l.warnDays} days before a disable (tag ${l.ownerTagKey})` : 'off',
        ],
        [
          'Console action',
          l.consoleAction === 'reset'
            ? 'reset the password (reset required)'
            : 'disable (delete the login profile)',
        ],
        [
          'Delete stage',
          l.deleteAfterDays === null ? 'off' : `keys credsweep deactivated ${l.deleteAfterDays}+ days ago`,
        ],
      ]),
    );
    const warned = l.warnings;
    if (warned.length > 0) {
      sections.push(
        '<h3>Owner warnings</h3>',
        table(
          ['User', 'Credential', 'Owner', 'Warned', 'By run', 'May be disabled from', 'Now'],
          warned.map((n) => [
            e(n.userName),
            credentialCell(n),
            e(n.owner),
            e(`${when(n.warnedAt)}${n.mailed ? ' (mailed by this run)' : ''}`),
            e(nameOf(n.warnedBy)),
            e(when(n.disableFrom)),
            e(n.proposed ? 'proposed' : 'held: owner warned'),
          ]),
          'None.',
        ),
      );
    }
  }
  for (const section of lifecycleSections({ lifecycle: ev.lifecycle, skipped: ev.skipped }).filter(
    // The evidence lists reset-recently passwords in its own "Not proposed" table, with the users.
    (s) => !s.title.startsWith('Owner warned') && s.title !== RESET_RECENTLY_TITLE,
  )) {
    sections.push(
      `<h3>${e(section.title)}</h3>`,
      `<p>${e(section.note)}</p>`,
      table(
        section.headers,
        section.rows.map((r) => r.map((cell) => e(cell))),
        'None.',
      ),
    );
  }

  sections.push('<h2>Approval</h2>');
  if (!a) {
    sections.push(
      `<p class="empty">${e(
        ev.execution.mode === 'backout'
          ? 'A backout restores what an approved run changed; it asks for no new approval.'
          : 'No approval was requested (nothing to do, a dry run, or the run stopped before asking).',
      )}</p>`,
    );
  } else {
    sections.push(
      facts([
        ['Approval id', a.approvalId],
        ['Requested', when(a.requestedAt)],
        ['Window closes', when(a.expiresAt)],
        ['Asked', a.approvers.join(', ')],
        ['Status', a.status],
        ['Decision', d ? d.decision : 'none'],
        ['Decided by', d?.approver],
        ['Decided at', when(d?.decidedAt)],
        ['From address', d?.sourceIp],
        ['Browser', d?.userAgent],
        ['Reason', d?.reason],
        [
          'Credentials approved',
          d && d.decision === 'approved' ? `${d.selection.length} of ${c.proposed}` : null,
        ],
        ['Approvals required', (a.approvalsRequired ?? 1) > 1 ? String(a.approvalsRequired) : null],
      ]),
    );
    if ((a.approvals ?? []).length > 0) {
      sections.push(
        table(
          ['Approved by', 'At', 'From address', 'Browser', 'Ticked'],
          (a.approvals ?? []).map((x) =>
            [
              x.approver,
              when(x.decidedAt),
              x.sourceIp,
              x.userAgent,
              `${x.selection.length} of ${c.proposed}: ${x.selection.join(', ')}`,
            ].map((cell) => e(cell)),
          ),
          'No approval was counted.',
        ),
      );
    }
  }

  sections.push(
    '<h2>Changes</h2>',
    '<p>Every credential this run changed or restored. <em>Before</em> is the state the ledger recorded just before the change (write-ahead); <em>after</em> is the state the change left; <em>restored</em> is what a backout put back.</p>',
    table(
      ['User', 'Credential', 'Last used', 'Approved', 'Before', 'After', 'Restored', 'Verified'],
      ev.changes.map(changeRow),
      'Nothing was changed.',
    ),
    '<h2>Not changed</h2>',
    '<p>Every other credential the run proposed or found stale, and why it was left as it was.</p>',
    table(['User', 'Credential', 'Last used', 'Approved', 'Result'], ev.unchanged.map(unchangedRow), 'None.'),
    '<h2>Skipped at re-check</h2>',
    '<p>Used again between the credential report and the change, so left as they were.</p>',
    table(
      ['User', 'Credential', 'Last used in the report', 'Last used, read live', 'Recorded at'],
      ev.skippedAtRecheck.map((s) => [
        e(s.userName),
        credentialCell(s),
        e(s.lastUsedInReport ? when(s.lastUsedInReport) : 'never'),
        e(when(s.liveLastUsed)),
        e(when(s.recordedAt)),
      ]),
      'None.',
    ),
    '<h2>Not proposed</h2>',
    '<p>Users credsweep did not assess for change, and credentials it judged not stale although their last use is older than the threshold.</p>',
    table(
      ['User', 'Why'],
      ev.skipped.map((s) => [e(s.userName), e(skipText(s))]),
      ev.report
        ? 'None: every user in the report was assessed.'
        : 'No credential report was read in this run.',
    ),
  );
  if (ev.unresolved.length > 0) {
    sections.push(
      '<h2>Unresolved findings</h2>',
      table(
        ['User', 'Credential', 'Why'],
        ev.unresolved.map((u) => [e(u.userName), e(u.credential), e(u.why)]),
        'None.',
      ),
    );
  }

  sections.push('<h2>Verification</h2>');
  if (!ev.verification) {
    sections.push(
      '<p class="empty">Verification did not run (nothing was changed, or the run stopped before it).</p>',
    );
  } else {
    const v = ev.verification;
    sections.push(
      `<p>Read back from live IAM state at ${e(when(v.verifiedAt))}: ${e(v.checked - v.failed)} of ${e(v.checked)} as expected.</p>`,
      table(
        ['User', 'Credential', 'Expected', 'Found', 'OK'],
        v.checks.map((k) => [
          e(k.userName),
          credentialCell({ credential: k.credential, accessKeyId: k.accessKeyId ?? null }),
          e(k.expected),
          e(k.actual),
          e(k.ok ? 'yes' : 'NO'),
        ]),
        'Nothing to verify.',
      ),
    );
  }

  sections.push(...securityHubSection(ev));

  if (ev.backout) {
    const b = ev.backout;
    sections.push(
      '<h2>Backout</h2>',
      facts([
        ['Restored the changes of', b.sourceExecutionId],
        ['Why', b.trigger],
        ['Limited to users', b.users ? b.users.join(', ') : null],
        ['Credentials restored', b.restored],
        ['Backout error', b.error ? `${b.error.Error}: ${b.error.Cause}` : null],
      ]),
    );
    if (b.cannotRestore.length > 0) {
      sections.push(
        '<p class="error">These changes were approved as impossible to undo; this backout could not restore them:</p>',
        table(
          ['User', 'Credential', 'Why'],
          b.cannotRestore.map((x) => [e(x.userName), credentialCell(x), e(x.why)]),
          'None.',
        ),
      );
    }
  }
  if (ev.error) {
    sections.push(
      '<h2>Error</h2>',
      `<p class="error"><strong>${e(ev.error.Error)}</strong>: ${e(ev.error.Cause)}</p>`,
    );
  }

  return reportPage({
    heading: `credsweep run ${ev.execution.name}`,
    outcome: ev.outcome,
    account: `account ${ev.execution.accountId}`,
    summary: ev.summary,
    sections,
    footer: `Rendered from evidence.json (schema ${e(ev.schemaVersion)}) of this run; that file is the record, this page and findings.csv are views of it.`,
  });
}

/**
 * The printable, self-contained page of a run's evidence (account and organization runs alike): no
 * script, no external asset, one inline stylesheet. `sections` and `footer` are HTML already escaped.
 */
export function reportPage(page: {
  heading: string;
  outcome: Evidence['outcome'];
  account: string;
  summary: string;
  sections: string[];
  footer: string;
}): string {
  const e = escapeHtml;
  const outcome = OUTCOME_TEXT[page.outcome];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(`${page.heading}: ${outcome}`)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${e(page.heading)}</h1>
<p><span class="badge ${e(page.outcome)}">${e(outcome)}</span> ${e(page.account)}</p>
<p class="summary">${e(page.summary)}</p>
</header>
<main>
${page.sections.join('\n')}
</main>
<footer>${page.footer}</footer>
</body>
</html>
`;
}
