/**
 * The one mail of an organization run, problems first as the report (account-order.ts): the accounts
 * someone must look at, the accounts changed, then only the number of accounts with nothing to do.
 * Every line is neutralised (a name or an OU from the organization cannot forge a line), and every
 * command pastes as printed.
 */

import { escapeHtml } from '../evidence/html.js';
import { changedText } from '../evidence/summary.js';
import { credsweepCommand } from '../shared/commands.js';
import { visible } from '../shared/visible-text.js';
import { plural } from '../shared/words.js';
import { groupAccounts } from './account-order.js';
import type { OrgAccountEvidence, OrgEvidence } from './org-evidence.js';

/** A mail lists at most this many lines of one kind; the report lists them all. */
const MAX_LINES = 100;

function capped(heading: string, lines: string[]): string[] {
  if (lines.length === 0) return [];
  const more = lines.length - MAX_LINES;
  return [
    '',
    heading,
    ...lines.slice(0, MAX_LINES),
    ...(more > 0 ? [`… and ${more} more (see the report)`] : []),
  ];
}

function accountLine(a: OrgAccountEvidence): string {
  return (
    `- ${a.name} (${a.accountId}, ${a.ou}): ${a.outcome}; ${changedText(a.counts)}, ${a.counts.restored} restored` +
    (a.cannotRestore?.length ? `, ${a.cannotRestore.length} cannot be restored` : '') +
    (a.error ? ` (${a.error.Error}: ${a.error.Cause})` : '') +
    (a.securityHub ? `. ${a.securityHub}` : '')
  );
}

function nextCommands(ev: OrgEvidence, options: string): string[] {
  const run = ev.execution.name;
  const lines = [`Evidence: ${credsweepCommand(['evidence', run], options)}`];
  if (ev.execution.mode !== 'backout' && ev.counts.disabled - ev.counts.deleted > 0) {
    lines.push(
      `Back out with: ${credsweepCommand(['backout', run], options)}`,
      '(add --accounts <id,id> to back out only those accounts)',
    );
  }
  return lines;
}

export function orgSummaryMail(
  ev: OrgEvidence,
  options = '',
): { subject: string; text: string; html: string } {
  const groups = groupAccounts(ev.accounts);
  const notApproved = ev.notApproved ?? [];
  const quiet = groups['nothing-to-do'].length;
  const reason = ev.approval?.decision?.reason;
  const kept = ev.approval?.decision?.keptOutAccounts;
  const lines = [
    `Organization run ${ev.execution.name} from hub account ${ev.execution.accountId} ended: ${ev.outcome}.`,
    ev.summary,
    ...(ev.error ? [`Cause: ${ev.error.Error}: ${ev.error.Cause}`] : []),
    ...(reason ? [`Approver's reason: ${reason}`] : []),
    ...(kept?.length ? [`Accounts kept out by the approvers: ${kept.join(', ')}`] : []),
    ...capped(`Needs attention (${groups.attention.length}):`, groups.attention.map(accountLine)),
    ...capped(`Changed (${groups.changed.length}):`, groups.changed.map(accountLine)),
    ...capped(`Proposed, not changed (${groups.unchanged.length}):`, groups.unchanged.map(accountLine)),
    ...capped(
      `Not approved (${notApproved.length}):`,
      notApproved.map(
        (n) => `- ${n.accountId} ${n.userName} ${n.credential}${n.accessKeyId ? ` ${n.accessKeyId}` : ''}`,
      ),
    ),
    ...(quiet > 0 ? ['', `${plural(quiet, 'account')} had nothing to do (listed in the report).`] : []),
    '',
    ...nextCommands(ev, options),
  ];
  const text = lines.map((line) => visible(line)).join('\n');
  return {
    subject: visible(
      `credsweep ${ev.execution.name}: ${ev.outcome} in ${plural(ev.counts.accounts, 'account')} (${changedText(ev.counts)}, ${ev.counts.restored} restored)`,
    ),
    text,
    html: `<!doctype html><html><body><pre style="font-family:monospace">${escapeHtml(text)}</pre></body></html>`,
  };
}
