/**
 * The organization summary on the approval page (account-summary.ts counts it): one row per OU with
 * its totals, then one row per account with a "Keep out" box (form field `keep-account`) that keeps
 * the whole account out of the approval without any script. Every value is escaped here.
 */
import { escapeHtml as e } from '../shared/html.js';
import { plural } from '../shared/words.js';
import {
  type AccountSummary,
  type OrganizationSummary,
  type SummaryCounts,
  summarySentence,
} from './account-summary.js';
import { KEEP_ACCOUNT_FIELD } from './decision.js';

const COLUMNS: [keyof SummaryCounts, string][] = [
  ['passwords', 'Console passwords'],
  ['keys', 'Access keys'],
  ['deletions', 'Deletions (cannot be undone)'],
  ['warned', 'Owner warned (held)'],
  ['tagsToFix', 'Tags to fix'],
];

const cells = (c: SummaryCounts) =>
  COLUMNS.map(
    ([field, label]) =>
      `<td class="num${field === 'deletions' && c.deletions > 0 ? ' delete' : ''}" data-label="${e(label)}">${e(c[field])}</td>`,
  ).join('');

export interface KeepOutState {
  /** Ticked by this approver (after a refused form). */
  ticked: ReadonlySet<string>;
  /** Kept out by an earlier approver: shown ticked, cannot be unticked. */
  earlier: ReadonlySet<string>;
}

function keepBox(a: AccountSummary, keep: KeepOutState): string {
  if (!a.proposed) return '<td data-label="Keep out">nothing proposed</td>';
  const earlier = keep.earlier.has(a.accountId);
  const box =
    `<input type="checkbox" name="${KEEP_ACCOUNT_FIELD}" value="${e(a.accountId)}"` +
    `${earlier || keep.ticked.has(a.accountId) ? ' checked' : ''}${earlier ? ' disabled' : ''}` +
    ` aria-label="${e(`Keep ${a.label} out of the approval`)}">`;
  return `<td data-label="Keep out"><label class="keep">${box} keep out</label>${earlier ? ' <strong>(kept out by an earlier approver)</strong>' : ''}</td>`;
}

export function summaryTableHtml(s: OrganizationSummary, keep: KeepOutState): string {
  const head = ['OU / account', ...COLUMNS.map(([, label]) => label), 'Keep out']
    .map((h) => `<th scope="col">${e(h)}</th>`)
    .join('');
  const body = s.ous.flatMap((ou) => [
    `<tr class="ou"><th scope="rowgroup">${e(`OU ${ou.ou}: ${plural(ou.accounts.length, 'account')}`)}</th>${cells(ou)}<td></td></tr>`,
    ...ou.accounts.map(
      (a) => `<tr><th scope="row" class="account-name">${e(a.label)}</th>${cells(a)}${keepBox(a, keep)}</tr>`,
    ),
  ]);
  return `<h2 id="summary">Summary by OU and account</h2>
<p>${e(summarySentence(s))}</p>
<p class="muted">Tick <strong>keep out</strong> to leave a whole account as it is: none of its credentials is approved, even if ticked below.</p>
<div class="scroll"><table class="summary">
<thead><tr>${head}</tr></thead>
<tbody>
${body.join('\n')}
</tbody>
</table></div>`;
}
