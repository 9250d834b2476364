/**
 * The approval page and its result pages, as complete HTML documents with their security headers.
 *
 * No script at all (a plain HTML form), no external asset; the one inline stylesheet is allowed by
 * its SHA-256 hash in the Content-Security-Policy. Every value from the plan, the record or the
 * request is escaped with `escapeHtml`. Nothing here ever receives the task token.
 */
import { createHash } from 'node:crypto';
import { type LifecycleSection, lifecycleSections } from '../plan/lifecycle/sections.js';
import { clean, escapeHtml as e } from '../shared/html.js';
import type { ApprovalRecord, ApproverLink, DecisionRecord, Plan, PlanItem } from '../shared/types.js';
import { plural } from '../shared/words.js';
import { accountGroups, accountsNotInRequest, scopeOf } from './account-groups.js';
import { organizationSummary } from './account-summary.js';
import { approvalActions, approvalWhat, backoutCommand, TABLE_HEADINGS } from './email.js';
import {
  agreedSelection,
  approvalLines,
  approvalsOf,
  keptOutByAny,
  neededSentence,
  progressNote,
  requiredOf,
} from './quorum.js';
import { credentialRows, formatUtc, reasonLabel } from './rows.js';
import { summaryTableHtml } from './summary-table.js';

function sectionHtml(s: LifecycleSection): string {
  const head = s.headers.map((h) => `<th scope="col">${e(h)}</th>`).join('');
  const body = s.rows
    .map(
      (r) =>
        `<tr>${r.map((cell, col) => `<td data-label="${e(s.headers[col])}">${e(cell)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<h2>${e(s.title)}</h2>
<p class="muted">${e(s.note)}</p>
<table><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table>`;
}

export const STYLE = `
:root{color-scheme:light}
body{margin:0;background:#f6f8fa;color:#1f2328;font:15px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif}
main{max-width:980px;margin:24px auto;padding:24px 28px;background:#fff;border:1px solid #d0d7de;border-radius:8px}
.brand{margin:0 0 4px;color:#59636e;font-size:13px;letter-spacing:.02em}
h1{margin:0 0 12px;font-size:22px;line-height:1.3}
h2{margin:24px 0 8px;font-size:16px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:12px 0 18px;font-size:13px}
dt{color:#59636e}
dd{margin:0;word-break:break-all}
table{width:100%;border-collapse:collapse;margin:8px 0 16px;font-size:14px}
th,td{padding:6px 10px;border-bottom:1px solid #d0d7de;text-align:left;vertical-align:top;overflow-wrap:break-word}
th{background:#f6f8fa;font-weight:600}
th[scope=row]{background:none}
td.date,label.keep{white-space:nowrap}
td.tick{width:1%;text-align:center;white-space:nowrap}
td.num{text-align:right}
td.delete{color:#cf222e;font-weight:600}
tr.delete td{background:#fff5f5}
tr.delete td:first-child{box-shadow:inset 4px 0 #cf222e}
tr.ou th,tr.ou td{background:#eaeef2;font-weight:600}
.badge{display:inline-block;margin:2px 0;padding:0 6px;border-radius:4px;font-size:12px;font-weight:700;letter-spacing:.02em;white-space:nowrap}
.badge.delete{background:#cf222e;color:#fff}
.badge.reset{background:#9a6700;color:#fff}
.scroll{overflow-x:auto}
input[type=checkbox]{width:18px;height:18px;margin:2px}
label.reason{display:block;margin:12px 0 4px;font-weight:600}
label.reason span{font-weight:400;color:#59636e}
textarea{box-sizing:border-box;width:100%;padding:8px;font:inherit;border:1px solid #d0d7de;border-radius:6px}
.actions{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0 4px}
button{padding:9px 18px;font:inherit;font-weight:600;border-radius:6px;border:1px solid transparent;cursor:pointer}
button.approve{background:#1f883d;color:#fff}
button.reject{background:#fff;color:#cf222e;border-color:#cf222e}
.error{margin:12px 0;padding:10px 14px;background:#ffebe9;border:1px solid #ff8182;border-radius:6px}
.ok{margin:12px 0;padding:10px 14px;background:#dafbe1;border:1px solid #4ac26b;border-radius:6px}
.note{margin:12px 0;padding:10px 14px;background:#fff8c5;border:1px solid #d4a72c;border-radius:6px}
.muted{color:#59636e;font-size:13px}
code{background:#f6f8fa;padding:1px 4px;border-radius:4px;word-break:break-all}
ul{padding-left:20px}
@media (max-width:640px){
main{margin:0;padding:16px 14px;border:0;border-radius:0}
dl{grid-template-columns:1fr;gap:0}
dd{margin-bottom:6px}
table,tbody,tr,th,td{display:block}
thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
tr{padding:6px 0;border-bottom:1px solid #d0d7de}
th,td{padding:2px 4px;border:0;overflow-wrap:anywhere}
td[data-label]::before{content:attr(data-label) ": ";color:#59636e;font-weight:400}
td.tick{width:auto;text-align:left;float:left;margin-right:6px}
td.num{text-align:left}
tr.delete td:first-child{box-shadow:none}
tr.delete{box-shadow:inset 4px 0 #cf222e;padding-left:8px}
}
`;

/** The CSP source that allows exactly the stylesheet above. */
export const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`;

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src ${STYLE_HASH}`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Headers sent with every response of the approval API (pages and errors alike). */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Robots-Tag': 'noindex, nofollow',
  };
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export function htmlResponse(statusCode: number, body: string): HttpResponse {
  return { statusCode, headers: securityHeaders(), body };
}

/** A whole document: `title` is plain text, `content` is HTML built from escaped values. */
function layout(title: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${e(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<p class="brand">credsweep</p>
${content}
</main>
</body>
</html>
`;
}

export interface FormPageInput {
  plan: Plan;
  record: ApprovalRecord;
  /** The approver whose link opened the page. */
  approver: ApproverLink;
  /** The anti-CSRF token bound to this approval and link. */
  csrfToken: string;
  /** Shown above the form after a refused POST. */
  error?: string;
  /** Ticked item ids; all of them when absent. */
  selected?: readonly string[];
  /** Accounts ticked "keep out" (after a refused POST); none when absent. */
  keptOut?: readonly string[];
  reason?: string;
}

/** The mark of a row whose change cannot be undone, in the row itself. */
function actionBadge(item: PlanItem | undefined): string {
  if (item?.action === 'delete-access-key')
    return ' <span class="badge delete">DELETE · cannot be undone</span>';
  if (item?.action === 'reset-login-profile')
    return ' <span class="badge reset">RESET · cannot be undone</span>';
  return '';
}

/** GET: the plan with a ticked checkbox per credential, a reason box, Approve and Reject. */
export function renderFormPage(input: FormPageInput): string {
  const { plan, record } = input;
  const rows = credentialRows(plan);
  const agreed = agreedSelection(approvalsOf(record));
  const open = agreed === null ? null : new Set(agreed);
  const ticked = new Set(input.selected ?? agreed ?? rows.map((row) => row.id));
  const progress = progressNote(record, plan.items.length);
  const items = new Map(plan.items.map((i) => [i.id, i]));
  const deletions = plan.items.filter((i) => i.action === 'delete-access-key').length;
  const title = `Approve ${approvalWhat(plan)}`;
  const head = ['Approve', ...TABLE_HEADINGS].map((h) => `<th scope="col">${e(h)}</th>`).join('');
  const [, ...labels] = TABLE_HEADINGS.map((h) => e(h));
  const earlierKept = new Set(keptOutByAny(approvalsOf(record)));
  const summary = organizationSummary(plan);
  let index = 0;
  const rowHtml = (row: (typeof rows)[number]) => {
    const id = `item-${index++}`;
    const item = items.get(row.id);
    const deleting = item?.action === 'delete-access-key';
    const closed = open !== null && !open.has(row.id);
    const check = `<input type="checkbox" id="${id}" name="item" value="${e(row.id)}"${ticked.has(row.id) && !closed ? ' checked' : ''}${closed ? ' disabled' : ''} aria-label="${e(`${deleting ? 'Delete' : 'Disable'} ${row.user} ${row.credential}`)}">`;
    return (
      `<tr${deleting ? ' class="delete"' : ''}><td class="tick">${check}</td><td><label for="${id}">${e(row.user)}</label></td>` +
      `<td data-label="${labels[0]}">${e(row.credential)}${actionBadge(item)}</td><td class="date" data-label="${labels[1]}">${e(row.lastUsed)}</td>` +
      `<td class="num" data-label="${labels[2]}">${e(row.daysUnused)}</td>` +
      `<td data-label="${labels[3]}">${e(row.why)}${closed ? ' <strong>(not approved by an earlier approver: left as it is)</strong>' : ''}</td></tr>`
    );
  };
  const body = accountGroups(plan)
    .flatMap((group) => [
      ...(group.heading
        ? [
            `<tr class="account"><th scope="rowgroup" colspan="6">${e(group.heading)}${group.accountId && earlierKept.has(group.accountId) ? ' <strong>(kept out by an earlier approver)</strong>' : ''}</th></tr>`,
          ]
        : []),
      ...group.rows.map(rowHtml),
    ])
    .join('\n');
  const notInRequest = accountsNotInRequest(plan);
  const report = plan.reportGeneratedAt
    ? formatUtc(plan.reportGeneratedAt)
    : plan.organization
      ? "each account's own, read at its analysis"
      : 'unknown';
  const content = `<h1>${e(title)} in ${e(scopeOf(plan))}</h1>
<p>These IAM credentials have not been used for ${e(plan.thresholdDays)} days or more. Untick any you want to keep: if you approve, only the ticked ones are changed and the others are recorded as not approved. To stop the whole change, reject with a reason.</p>
<div class="note"><strong>What approving does:</strong> ${e(approvalActions(plan))}.</div>
${progress ? `<div class="note" role="status" id="progress">${e(progress)}</div>` : requiredOf(record) > 1 ? `<div class="note" role="status" id="progress">${e(`This run needs ${requiredOf(record)} approvals from different people; only what every one of them approves is changed.`)}</div>` : ''}
${deletions > 0 ? `<div class="error" role="alert">${e(`${plural(deletions, 'access key')} marked DELETE will be deleted for good: this cannot be undone, not even by a backout. Untick any you are unsure of.`)}</div>` : ''}
<dl>
<dt>Link issued to</dt><dd>${e(input.approver.approver)}</dd>
<dt>Decide before</dt><dd>${e(formatUtc(record.expiresAt))}</dd>
<dt>Threshold</dt><dd>${e(plan.thresholdDays)} days</dd>
<dt>Credential report</dt><dd>${e(report)}</dd>
<dt>Execution</dt><dd>${e(plan.executionId)}</dd>
</dl>
${input.error ? `<div class="error" role="alert">${e(input.error)}</div>` : ''}
<form method="post">
<input type="hidden" name="csrf" value="${e(input.csrfToken)}">
${summary ? `${summaryTableHtml(summary, { ticked: new Set(input.keptOut ?? []), earlier: earlierKept })}\n<h2>Credentials by account</h2>` : ''}
<table class="items">
<thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody>
</table>
${notInRequest.length > 0 ? `<h2>Accounts not part of this request</h2>\n<ul>\n${notInRequest.map((l) => `<li>${e(l)}</li>`).join('\n')}\n</ul>` : ''}
<label class="reason" for="reason">Reason <span>(required to reject, optional when approving)</span></label>
<textarea id="reason" name="reason" rows="3" maxlength="1000">${e(input.reason ?? '', true)}</textarea>
<div class="actions">
<button type="submit" name="action" value="approve" class="approve">Approve ticked credentials</button>
<button type="submit" name="action" value="reject" class="reject">Reject all</button>
</div>
</form>
${lifecycleSections({ lifecycle: plan.lifecycle ?? null, skipped: plan.analysis.skipped })
  .map(sectionHtml)
  .join('\n')}
<h2>What happens next</h2>
<ul>
<li><strong>Approve</strong>: each ticked credential is checked again just before the change (anything used since the report is skipped), recorded, changed as said above and verified. Unticked ones are left as they are.</li>
<li><strong>Reject</strong>: nothing is changed; your reason is recorded with the run.</li>
<li><strong>No answer</strong>: at ${e(formatUtc(record.expiresAt))} the request expires and nothing is changed.</li>
</ul>
<p class="muted">Disabling can be reversed by an admin with <code>${e(backoutCommand(plan.executionId))}</code>${plan.items.some((i) => i.action) ? ' (a deleted key or a reset password cannot)' : ''}. ${e(requiredOf(record) > 1 ? `Nothing changes until ${requiredOf(record)} different approvers have approved, and then only what all of them ticked; any one rejection stops the run.` : 'The first approver to decide decides for everyone.')} Your address, the time, your IP address and browser are recorded with the decision.</p>`;
  return layout(title, content);
}

/**
 * What approving `items` changes, each kind counted apart:
 * `5 credentials will be disabled and 1 access key deleted (cannot be undone)`.
 */
export function changeSentence(items: readonly Pick<PlanItem, 'action'>[]): string {
  const deleted = items.filter((i) => i.action === 'delete-access-key').length;
  const reset = items.filter((i) => i.action === 'reset-login-profile').length;
  const parts = [
    { n: items.length - deleted - reset, what: 'credential', done: 'disabled' },
    { n: reset, what: 'console password', done: 'reset (cannot be undone)' },
    { n: deleted, what: 'access key', done: 'deleted (cannot be undone)' },
  ]
    .filter((p) => p.n > 0)
    .map((p, i) => `${plural(p.n, p.what)} ${i === 0 ? 'will be ' : ''}${p.done}`);
  if (parts.length === 0) return 'nothing will be changed';
  const last = parts.pop();
  return parts.length > 0 ? `${parts.join(', ')} and ${last}` : `${last}`;
}

/** `payments-prod (222222222222)` for each account id, as the plan names it. */
function accountLabels(plan: Plan, accountIds: readonly string[]): string[] {
  const names = new Map((plan.organization?.accounts ?? []).map((a) => [a.accountId, a.name]));
  return accountIds.map((id) => `${names.get(id) ?? 'unknown account'} (${id})`);
}

/** POST accepted: what was decided and what happens now. */
export function renderDecidedPage(plan: Plan, decision: DecisionRecord, record?: ApprovalRecord): string {
  const approvers = record ? approvalsOf(record) : [];
  const approved = decision.decision === 'approved';
  const chosen = new Set(decision.selection);
  const keptOut = new Set(approved ? (decision.keptOutAccounts ?? []) : []);
  const notApproved = plan.items.filter((item) => !chosen.has(item.id));
  const notTicked = notApproved.filter((item) => !keptOut.has(item.accountId ?? ''));
  const summary = approved
    ? `Approved: ${changeSentence(plan.items.filter((item) => chosen.has(item.id)))}` +
      (notApproved.length > 0
        ? `; ${notApproved.length} not approved, left as ${notApproved.length === 1 ? 'it is' : 'they are'}.`
        : '.')
    : 'Rejected: nothing will be changed.';
  const keptList =
    keptOut.size > 0
      ? `<h2>Accounts kept out (none of their credentials is approved)</h2><ul>${accountLabels(plan, [
          ...keptOut,
        ])
          .map((l) => `<li>${e(l)}</li>`)
          .join('')}</ul>`
      : '';
  const kept =
    approved && notTicked.length > 0
      ? `<h2>Not approved (left as they are)</h2><ul>${notTicked
          .map((item) => {
            const row = credentialRows({ items: [item], thresholdDays: plan.thresholdDays })[0];
            return `<li>${e(row?.user)}: ${e(row?.credential)} (${e(reasonLabel(item, plan.thresholdDays))})</li>`;
          })
          .join('')}</ul>`
      : '';
  const content = `<h1>${approved ? 'Approved' : 'Rejected'}</h1>
<div class="ok" role="status">${e(summary)}</div>
<dl>
<dt>Decided by</dt><dd>${e(approved && approvers.length > 1 ? approvers.map((a) => a.approver).join(', ') : decision.approver)}</dd>
<dt>At</dt><dd>${e(formatUtc(decision.decidedAt))}</dd>
${
  approved && approvers.length > 1
    ? `<dt>Approvals</dt><dd>${approvalLines(record ?? {}, plan.items.length)
        .map((l) => e(l))
        .join('<br>')}</dd>`
    : ''
}
${decision.reason ? `<dt>Reason</dt><dd>${e(decision.reason)}</dd>` : ''}
<dt>Execution</dt><dd>${e(plan.executionId)}</dd>
</dl>
${keptList}
${kept}
<p>${
    approved
      ? 'The workflow continues now. The admins receive the evidence report (what changed, what was verified) when it finishes.'
      : 'The workflow ends without changing anything; your reason is in its evidence report.'
  }</p>
${approved ? `<p class="muted">To reverse the changes later, an admin runs <code>${e(backoutCommand(plan.executionId))}</code>.</p>` : ''}
<p class="muted">You can close this page.</p>`;
  return layout(approved ? 'Approved' : 'Rejected', content);
}

/** 409: someone (possibly this approver) decided already. */
export function renderAlreadyDecidedPage(approval: ApprovalRecord): string {
  const decision = approval.decision;
  const what = approval.status === 'approved' ? 'approved' : 'rejected';
  const detail = decision
    ? `This request was already ${what} by ${clean(decision.approver)} at ${formatUtc(decision.decidedAt)}.`
    : `This request was already ${what}.`;
  const content = `<h1>Already decided</h1>
<div class="note" role="status">${e(detail)}</div>
<p>A request can be decided once; nothing was changed by this visit. Ask the credsweep admins if you think the decision was wrong: an approved run can be backed out.</p>`;
  return layout('Already decided', content);
}

/** 410: the approval window has passed. */
export function renderExpiredPage(expiresAt: string): string {
  const content = `<h1>This link has expired</h1>
<div class="note" role="status">${e(`The approval window closed at ${formatUtc(expiresAt)}.`)}</div>
<p>Nothing was changed: a request that nobody decides in time expires without any change. If the credentials should still be disabled, ask the credsweep admins to start a new run; you will get a new email.</p>`;
  return layout('Link expired', content);
}

/** 410: the decision was recorded, but the workflow had stopped waiting for it. */
export function renderWindowClosedPage(decision: DecisionRecord): string {
  const content = `<h1>The approval window has closed</h1>
<div class="note" role="status">${e(`Your ${decision.decision === 'approved' ? 'approval' : 'rejection'} was recorded at ${formatUtc(decision.decidedAt)}, but the workflow had already stopped waiting for a decision.`)}</div>
<p>Nothing will be changed by this decision. If the credentials should still be disabled, ask the credsweep admins to start a new run.</p>`;
  return layout('Approval window closed', content);
}

/**
 * 503: the decision is recorded but could not be handed to the workflow (AccessDenied, throttling).
 * The same approver may try again: the form hands over the recorded decision; it never takes a new one.
 */
export function renderTryAgainPage(approvalId: string, decision: DecisionRecord, csrfToken: string): string {
  const content = `<h1>Decision recorded: try again</h1>
<div class="error" role="alert">${e(`Your ${decision.decision === 'approved' ? 'approval' : 'rejection'} was recorded at ${formatUtc(decision.decidedAt)}, but credsweep could not hand it to the workflow yet.`)}</div>
<p>Nothing has been changed yet. Try again in a minute: the decision already recorded is handed over, nothing is decided twice.</p>
<form method="post">
<input type="hidden" name="csrf" value="${e(csrfToken)}">
<input type="hidden" name="action" value="retry">
<div class="actions"><button type="submit" class="approve">Try again</button></div>
</form>
<p class="muted">${e(`If it keeps failing, tell the credsweep admins, quoting approval ${approvalId}; if nobody acts, the request expires without any change.`)}</p>`;
  return layout('Try again', content);
}

/**
 * After an approval that did not reach the quorum (200), or when the same person comes back (409):
 * nothing has changed, how many approvals are still needed and who approved.
 */
export function renderCountedPage(plan: Plan, record: ApprovalRecord, again: boolean): string {
  const title = again ? 'You have already approved' : 'Your approval is recorded';
  const lines = approvalLines(record, plan.items.length);
  const content = `<h1>${e(title)}</h1>
<div class="ok" role="status" id="needed">${e(`Nothing has changed yet: ${neededSentence(record)}.`)}</div>
<h2>Approved so far</h2>
<ul>
${lines.map((l) => `<li>${e(l)}</li>`).join('\n')}
</ul>
<p>The other approvers have been told. Only what every approver ticks is changed; if any of them rejects, nothing is changed. ${e(`The request expires at ${formatUtc(record.expiresAt)}.`)}</p>
<p class="muted">${again ? 'An approval counts once per person: this visit changed nothing. ' : ''}You can close this page.</p>`;
  return layout(title, content);
}

/** 404 for an unknown approval and a wrong link alike: reveals nothing. */
export function renderNotFoundPage(): string {
  return layout('Not found', '<h1>Not found</h1>\n<p>There is nothing here.</p>');
}

/** 403: a cross-site or tampered form. */
export function renderForbiddenPage(): string {
  const content = `<h1>This form could not be verified</h1>
<p>Nothing was decided. Open the link from your email again and decide on that page.</p>`;
  return layout('Not verified', content);
}

/** 413: a request body larger than any form of this page. */
export function renderTooLargePage(): string {
  return layout('Request too large', '<h1>Request too large</h1>\n<p>Nothing was decided.</p>');
}

/** 500: an unexpected failure; says nothing about its cause. */
export function renderErrorPage(): string {
  const content = `<h1>Something went wrong</h1>
<p>Nothing was decided. Try the link again in a minute; if it keeps failing, tell the credsweep admins.</p>`;
  return layout('Error', content);
}
