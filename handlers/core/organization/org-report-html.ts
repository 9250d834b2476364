/**
 * report.html of an organization run, read problems first (account-order.ts): the accounts someone
 * must look at, then the accounts changed and the credentials the approver kept out, each with its
 * account; the accounts with nothing to do are counted and their list folded (it is in evidence.json
 * and each account's folder too). Everything from a report or a person is escaped here.
 */
import {
  escapeHtml,
  FINDING_HEADERS,
  facts,
  findingCells,
  OUTCOME_TEXT,
  reportPage,
  table,
  when,
} from '../evidence/html.js';
import { changedText } from '../evidence/summary.js';
import { plural } from '../shared/words.js';
import { groupAccounts } from './account-order.js';
import type { OrgAccountEvidence, OrgEvidence } from './org-evidence.js';

const e = escapeHtml;

/** Tables longer than this are folded under a summary line (they stay complete, and in the CSV). */
const FOLD_ROWS = 50;

function folded(summary: string, body: string, rows: number): string {
  if (rows <= FOLD_ROWS) return body;
  return `<details><summary>${e(summary)}</summary>\n${body}\n</details>`;
}

const accountCell = (a: OrgAccountEvidence) =>
  `<a href="accounts/${e(a.accountId)}/report.html">${e(a.name)}</a><br><code>${e(a.accountId)}</code>`;

function accountTable(accounts: OrgAccountEvidence[], empty: string, withError: boolean): string {
  const rows = accounts.map((a) => [
    accountCell(a),
    e(a.ou),
    `<span class="badge ${e(a.outcome)}">${e(OUTCOME_TEXT[a.outcome])}</span>`,
    e(a.counts.proposed),
    e(changedText(a.counts)),
    e(a.counts.restored),
    ...(withError ? [e(a.error ? `${a.error.Error}: ${a.error.Cause}` : a.summary)] : []),
  ]);
  const headers = [
    'Account',
    'OU',
    'Outcome',
    'Proposed',
    'Changed',
    'Restored',
    ...(withError ? ['Why'] : []),
  ];
  return table(headers, rows, empty);
}

function approvalFacts(ev: OrgEvidence): [string, string | number | null][] {
  const a = ev.approval;
  const d = a?.decision ?? null;
  if (!d) return [['Approval', 'no decision']];
  const approvers = (a?.approvals ?? []).map((x) => `${x.approver} at ${when(x.decidedAt)}`);
  return [
    ['Approval', `${d.decision} by ${d.approver} at ${when(d.decidedAt)}`],
    ['Approvals counted', approvers.length > 1 ? approvers.join('; ') : null],
    ['Reason given', d.reason ?? 'none given'],
    ['Accounts kept out', d.keptOutAccounts?.length ? d.keptOutAccounts.join(', ') : null],
  ];
}

export function renderOrgReportHtml(ev: OrgEvidence): string {
  const groups = groupAccounts(ev.accounts);
  const quiet = groups['nothing-to-do'];
  const notApproved = ev.notApproved ?? [];
  const changeRows = ev.changes.map((c) => [
    `<code>${e(c.accountId)}</code>`,
    e(c.userName),
    e(c.accessKeyId ? `${c.credential} ${c.accessKeyId}` : c.credential),
    e(c.before),
    e(c.after),
    e(c.result),
  ]);
  const sections = [
    '<h2>Run</h2>',
    facts([
      ['Execution', ev.execution.id],
      ['Hub account', ev.execution.accountId],
      ['Mode', ev.execution.mode],
      ['Started by', ev.execution.startedBy ?? 'not recorded'],
      ['Accounts', ev.counts.accounts],
      ...approvalFacts(ev),
      ['Evidence written', when(ev.writtenAt)],
    ]),
    '<h2 id="attention">Accounts that need attention</h2>',
    accountTable(
      groups.attention,
      'None: no account failed, was unreachable, backed out or suspended.',
      true,
    ),
    '<h2 id="changed">Accounts changed</h2>',
    accountTable(groups.changed, 'No account was changed.', false),
    ...(groups.unchanged.length > 0
      ? [
          '<h2 id="unchanged">Accounts proposed but not changed</h2>',
          accountTable(groups.unchanged, '', true),
        ]
      : []),
    '<h2 id="not-approved">Not approved</h2>',
    folded(
      `${plural(notApproved.length, 'credential')} the approver kept out`,
      table(
        ['Account', 'User', 'Credential'],
        notApproved.map((n) => [
          `<code>${e(n.accountId)}</code>`,
          e(n.userName),
          e(n.accessKeyId ? `${n.credential} ${n.accessKeyId}` : n.credential),
        ]),
        'Every proposed credential was approved (or nothing was decided).',
      ),
      notApproved.length,
    ),
    '<h2 id="nothing-to-do">Nothing to do</h2>',
    quiet.length === 0
      ? '<p class="empty">Every account had something to do.</p>'
      : `<details><summary>${e(`${plural(quiet.length, 'account')} had no credential unused for the threshold (listed here, in evidence.json and in each account's folder)`)}</summary>\n${accountTable(quiet, '', false)}\n</details>`,
    '<h2>Changes</h2>',
    folded(
      `All ${ev.changes.length} changes (also in findings.csv)`,
      table(
        ['Account', 'User', 'Credential', 'Before', 'After', 'Result'],
        changeRows,
        'Nothing was changed.',
      ),
      changeRows.length,
    ),
    '<h2 id="security-hub">Security Hub findings</h2>',
    '<p>For each IAM.8, IAM.22 and CIS unused-credential finding, in the account that owns it: what credsweep did and why.</p>',
    table(
      ['Account', ...FINDING_HEADERS],
      (ev.securityHubFindings ?? []).map((f) => [`<code>${e(f.accountId)}</code>`, ...findingCells(f)]),
      'No account had a failing IAM.8, IAM.22 or CIS unused-credential finding credsweep could read.',
    ),
    folded(
      'Security Hub, per account',
      table(
        ['Account', 'Security Hub, per account'],
        ev.accounts.map((a) => [`<code>${e(a.accountId)}</code>`, e(a.securityHub ?? 'not recorded')]),
        'No account was listed.',
      ),
      ev.accounts.length,
    ),
    ...(ev.error
      ? ['<h2>Error</h2>', `<p class="error"><strong>${e(ev.error.Error)}</strong>: ${e(ev.error.Cause)}</p>`]
      : []),
  ];
  return reportPage({
    heading: `credsweep organization run ${ev.execution.name}`,
    outcome: ev.outcome,
    account: `hub account ${ev.execution.accountId}`,
    summary: ev.summary,
    sections,
    footer:
      "Rendered from evidence.json of this organization run; each account's folder (accounts/&lt;id&gt;/) holds its own evidence.",
  });
}
