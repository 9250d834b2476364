/**
 * The approval email: one model, rendered as plain text and as HTML. Every value that comes from the
 * plan, the settings or the account (user names, ids, dates, the link) is treated as hostile: control
 * and bidirectional-override characters are replaced, and in HTML every field goes through
 * `escapeHtml`. The mail carries the approver's link; never the task token.
 */

import { type LifecycleSection, lifecycleSections, sectionsAsText } from '../plan/lifecycle/sections.js';
import { clean, escapeHtml } from '../shared/html.js';
import type { ApprovalRecord, Plan } from '../shared/types.js';
import { plural } from '../shared/words.js';
import { accountGroups, accountsNotInRequest, scopeOf } from './account-groups.js';
import { organizationSummary, summarySentence } from './account-summary.js';
import { approvalLines, approvalsOf, neededSentence, progressNote, requiredOf } from './quorum.js';
import { type CredentialRow, formatUtc } from './rows.js';

/** The email lists at most this many credentials; the page always lists all of them. */
export const EMAIL_MAX_ROWS = 100;

/** What approving does, in words: the console action of this run and the deletions, if any. */
export function approvalActions(plan: Pick<Plan, 'items' | 'lifecycle'>): string {
  const reset = plan.lifecycle?.consoleAction === 'reset';
  const deletions = plan.items.filter((i) => i.action === 'delete-access-key').length;
  return (
    (reset
      ? 'console passwords are RESET to a generated password that must be changed at the next sign-in (kept in Secrets Manager for the admins, never mailed; the old password cannot be brought back)'
      : 'console passwords are removed (login profile deleted)') +
    ', access keys set to Inactive' +
    (deletions > 0
      ? `, and ${plural(deletions, 'access key')} marked DELETE are deleted for good: a deletion cannot be undone by any backout`
      : '')
  );
}

export const TABLE_HEADINGS = ['User', 'Credential', 'Last used', 'Days unused', 'Why'] as const;

const rowCells = (row: CredentialRow): string[] => [
  row.user,
  row.credential,
  row.lastUsed,
  row.daysUnused,
  row.why,
];

/** `disabling 7 unused credentials and deleting 1 deactivated access key` */
/** `disabling 7 unused credentials and deleting 1 deactivated access key` */
export function approvalWhat(plan: Pick<Plan, 'items'>): string {
  const deletions = plan.items.filter((i) => i.action === 'delete-access-key').length;
  const disables = plan.items.length - deletions;
  return [
    ...(disables > 0 ? [`disabling ${plural(disables, 'unused credential')}`] : []),
    ...(deletions > 0 ? [`deleting ${plural(deletions, 'deactivated access key')}`] : []),
  ].join(' and ');
}

/** `credsweep: approve disabling 7 unused credentials in 123456789012` */
export function approvalSubject(plan: Plan): string {
  const where = plan.organization ? scopeOf(plan).replace(' of the organization', '') : plan.accountId;
  return clean(`credsweep: approve ${approvalWhat(plan)} in ${where}`);
}

/** The command that reverses the run's changes. */
export const backoutCommand = (executionId: string) => `credsweep backout ${clean(executionId)}`;

export interface ApprovalEmailInput {
  plan: Plan;
  /** The address this mail goes to; its link works for this approver only. */
  approver: string;
  /** The approver's own link (holds the link secret, never the task token). */
  link: string;
  /** When the approval window closes (ISO). */
  expiresAt: string;
  /** How many different people must approve. @default 1 */
  approvalsRequired?: number;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Everything the email says, as plain text; the two renderers below only lay it out. */
function emailModel(input: ApprovalEmailInput) {
  const { plan } = input;
  const count = plan.items.length;
  // At most EMAIL_MAX_ROWS rows in all, each account's under its heading.
  let room = EMAIL_MAX_ROWS;
  const groups = accountGroups(plan).flatMap((group) => {
    if (room <= 0) return [];
    const rows = group.rows.slice(0, room);
    room -= rows.length;
    return [{ heading: group.heading, rows }];
  });
  const deletions = plan.items.filter((i) => i.action === 'delete-access-key').length;
  const summary = organizationSummary(plan);
  return {
    subject: approvalSubject(plan),
    intro:
      `credsweep asks you to approve ${clean(approvalWhat(plan))} in ${scopeOf(plan)}: not used for ${plan.thresholdDays} days or more ` +
      '(the threshold of this run)' +
      (deletions > 0 ? ', or deactivated by credsweep long ago and unused since.' : '.') +
      (summary
        ? ` ${summarySentence(summary)} The page sums up each OU and account, and can keep a whole account out.`
        : ''),
    groups,
    more:
      count > EMAIL_MAX_ROWS
        ? `… and ${count - EMAIL_MAX_ROWS} more, all listed on the approval page.`
        : null,
    notInRequest: accountsNotInRequest(plan),
    sections: lifecycleSections({ lifecycle: plan.lifecycle ?? null, skipped: plan.analysis.skipped }),
    unresolved:
      plan.unresolved.length > 0
        ? `${plural(plan.unresolved.length, 'other finding')} could not be turned into an action and ` +
          `${plan.unresolved.length === 1 ? 'is' : 'are'} not part of this request (see the run's evidence report).`
        : null,
    link: clean(input.link),
    linkNote:
      `This link is for ${clean(input.approver)} only; do not forward it. Opening it changes nothing: ` +
      'the page shows the list, and you decide there with a button. You can untick credentials to ' +
      'approve only some of them, or reject with a reason.',
    outcomes: [
      [
        'Approve',
        `the credentials you leave ticked are changed: ${approvalActions(plan)}. Each one is checked ` +
          'again just before the change (anything used since the report is skipped), recorded before ' +
          'it is made, and verified afterwards. Unticked ones are left as they are and recorded as not approved.',
      ],
      ['Reject', 'nothing is changed; your reason is recorded.'],
      [
        'No answer',
        `the request expires at ${formatUtc(input.expiresAt)} and nothing is changed. ` +
          ((input.approvalsRequired ?? 1) > 1
            ? `This run needs ${input.approvalsRequired} approvals from different people: nothing changes until then, ` +
              'only what every one of them ticks is changed, and any one rejection stops the run.'
            : 'The first approver to decide decides for everyone.'),
      ],
    ] as const,
    backout:
      'Disabling can be reversed. An admin runs the command below: access keys become Active again, ' +
      'and console access is restored with a new password that must be changed at the next sign-in.' +
      (plan.items.some((i) => i.action === 'delete-access-key' || i.action === 'reset-login-profile')
        ? ' A deleted access key and a reset password cannot be brought back by a backout.'
        : ''),
    backoutCommand: backoutCommand(plan.executionId),
    footer:
      `Execution ${clean(plan.executionId)}. Plan as of ${formatUtc(plan.asOf)}` +
      (plan.reportGeneratedAt
        ? `, credential report of ${formatUtc(plan.reportGeneratedAt)}.`
        : plan.organization
          ? ", each account's own credential report."
          : '.'),
  };
}

function textTable(rows: CredentialRow[]): string {
  const lines = [[...TABLE_HEADINGS], ...rows.map(rowCells)];
  const widths = TABLE_HEADINGS.map((_, col) =>
    Math.min(40, Math.max(...lines.map((l) => (l[col] ?? '').length))),
  );
  return lines
    .map((cells) =>
      cells
        .map((cell, col) => (col === cells.length - 1 ? cell : cell.padEnd(widths[col] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function renderText(model: ReturnType<typeof emailModel>): string {
  return [
    model.intro,
    '',
    ...model.groups.flatMap((g) => [...(g.heading ? [g.heading] : []), textTable(g.rows), '']),
    ...(model.more ? [model.more] : []),
    ...(model.notInRequest.length > 0
      ? ['', 'Accounts not part of this request:', ...model.notInRequest.map((l) => `- ${l}`)]
      : []),
    ...sectionsAsText(model.sections),
    ...(model.unresolved ? ['', model.unresolved] : []),
    '',
    'Review and decide:',
    model.link,
    '',
    model.linkNote,
    '',
    'What happens next',
    ...model.outcomes.map(([what, then]) => `- ${what}: ${then}`),
    '',
    'Backing out',
    model.backout,
    `  ${model.backoutCommand}`,
    '',
    model.footer,
    '',
  ].join('\n');
}

const CELL = 'padding:4px 10px;border-bottom:1px solid #d0d7de;text-align:left;vertical-align:top';

function sectionHtml(s: LifecycleSection): string {
  const e = escapeHtml;
  const head = s.headers.map((h) => `<th style="${CELL};background:#f6f8fa">${e(h)}</th>`).join('');
  const body = s.rows
    .map((r) => `<tr>${r.map((cell) => `<td style="${CELL}">${e(cell)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<h3 style="margin:18px 0 6px">${e(s.title)}</h3>
<p>${e(s.note)}</p>
<table style="border-collapse:collapse;margin:12px 0"><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table>`;
}

function renderHtml(model: ReturnType<typeof emailModel>): string {
  const e = escapeHtml;
  const head = TABLE_HEADINGS.map((h) => `<th style="${CELL};background:#f6f8fa">${e(h)}</th>`).join('');
  const tableOf = (rows: CredentialRow[]) =>
    rows
      .map(
        (row) =>
          `<tr>${rowCells(row)
            .map(
              (cell, col) =>
                `<td style="${CELL}${col === 2 || col === 3 ? ';white-space:nowrap' : ''}">${e(cell)}</td>`,
            )
            .join('')}</tr>`,
      )
      .join('\n');
  const tables = model.groups
    .map(
      (
        g,
      ) => `${g.heading ? `<h3 style="margin:18px 0 6px">${e(g.heading)}</h3>\n` : ''}<table style="border-collapse:collapse;margin:12px 0">
<thead><tr>${head}</tr></thead>
<tbody>
${tableOf(g.rows)}
</tbody>
</table>`,
    )
    .join('\n');
  const notInRequest =
    model.notInRequest.length > 0
      ? `<h3 style="margin:18px 0 6px">Accounts not part of this request</h3>\n<ul>\n${model.notInRequest.map((l) => `<li>${e(l)}</li>`).join('\n')}\n</ul>`
      : '';
  const link = /^https?:\/\//i.test(model.link)
    ? `<a href="${e(model.link)}" style="display:inline-block;padding:8px 14px;background:#1f6feb;color:#ffffff;text-decoration:none;border-radius:6px">Review and decide</a>`
    : '';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${e(model.subject)}</title></head>
<body style="font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;font-size:14px;line-height:1.45;color:#1f2328;max-width:860px;margin:0 auto;padding:16px">
<p>${e(model.intro)}</p>
${tables}
${model.more ? `<p>${e(model.more)}</p>` : ''}
${notInRequest}
${model.sections.map(sectionHtml).join('\n')}
${model.unresolved ? `<p>${e(model.unresolved)}</p>` : ''}
<p>${link}</p>
<p style="word-break:break-all;font-size:12px;color:#59636e">${e(model.link)}</p>
<p>${e(model.linkNote)}</p>
<h3 style="margin:18px 0 6px">What happens next</h3>
<ul>
${model.outcomes.map(([what, then]) => `<li><strong>${e(what)}</strong>: ${e(then)}</li>`).join('\n')}
</ul>
<h3 style="margin:18px 0 6px">Backing out</h3>
<p>${e(model.backout)}</p>
<pre style="background:#f6f8fa;padding:8px;white-space:pre-wrap;word-break:break-all">${e(model.backoutCommand)}</pre>
<p style="font-size:12px;color:#59636e">${e(model.footer)}</p>
</body>
</html>
`;
}

/** The approval email for one approver: subject, plain text and HTML from the same model. */
export function renderApprovalEmail(input: ApprovalEmailInput): RenderedEmail {
  const model = emailModel(input);
  return { subject: model.subject, text: renderText(model), html: renderHtml(model) };
}

export interface ProgressEmailInput {
  plan: Plan;
  record: ApprovalRecord;
  /** The address this mail goes to (an approver who has not approved yet). */
  approver: string;
}

/**
 * To the approvers who have not approved yet, after an approval that did not reach the quorum: who
 * approved what, what approving now approves, and how many approvals are still needed. It carries
 * no link (the link secrets are only in the first mail): the approver opens the link they got.
 */
export function renderProgressEmail(input: ProgressEmailInput): RenderedEmail {
  const { plan, record } = input;
  const e = escapeHtml;
  const subject = clean(
    `credsweep: ${approvalsOf(record).length} of ${requiredOf(record)} approvals for ${approvalWhat(plan)} in ${plan.organization ? scopeOf(plan) : plan.accountId}`,
  );
  const lines = approvalLines(record, plan.items.length);
  const note = progressNote(record, plan.items.length) ?? '';
  const needed = `Nothing has changed yet: ${neededSentence(record)}.`;
  const open = `Open the approval link in the earlier mail credsweep sent to ${clean(input.approver)} to approve or reject before ${formatUtc(record.expiresAt)}; if you reject, nothing is changed.`;
  const footer = `Execution ${clean(plan.executionId)}.`;
  const counted = new Set(approvalsOf(record).map((a) => a.approver));
  const waiting = `Not decided yet: ${record.approvers
    .map((a) => a.approver)
    .filter((a) => !counted.has(a))
    .map((a) => clean(a))
    .join(', ')}.`;
  const text = [
    needed,
    '',
    'Approved so far:',
    ...lines.map((l) => `- ${l}`),
    waiting,
    '',
    note,
    '',
    open,
    '',
    footer,
    '',
  ].join('\n');
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${e(subject)}</title></head>
<body style="font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;font-size:14px;line-height:1.45;color:#1f2328;max-width:860px;margin:0 auto;padding:16px">
<p><strong>${e(needed)}</strong></p>
<p>Approved so far:</p>
<ul>
${lines.map((l) => `<li>${e(l)}</li>`).join('\n')}
</ul>
<p>${e(waiting)}</p>
<p>${e(note)}</p>
<p>${e(open)}</p>
<p style="font-size:12px;color:#59636e">${e(footer)}</p>
</body>
</html>
`;
  return { subject, text, html };
}
