/**
 * The Report task: writes the run's evidence (evidence.json, findings.csv, report.html next to each
 * other under `runs/<execution name>/`) and mails a summary to the approvers.
 */
import type { Ports } from '../../ports/index.js';
import { releaseAccount } from '../change/account-guard.js';
import { collectEvidence, writeEvidence } from '../evidence/collect.js';
import { escapeHtml } from '../evidence/html.js';
import type { Evidence, ReportTask } from '../evidence/schema.js';
import { changedText } from '../evidence/summary.js';
import { RUN_NAME_REUSED } from '../plan/run-identity.js';
import { followFindingsAtEnd } from '../security-hub/follow-run.js';
import { credsweepCommand } from '../shared/commands.js';
import { visible } from '../shared/visible-text.js';
import { plural } from '../shared/words.js';

export interface ReportResult {
  outcome: ReportTask['outcome'];
  evidenceKey: string;
  changed: number;
  /** Of the changed: access keys deleted for good (the delete stage). */
  deleted: number;
  restored: number;
  skippedAtRecheck: number;
}

/**
 * One line on the Security Hub findings: how many went where, or why none was updated (the summary
 * mail and `credsweep demo`).
 */
export function securityHubLines(e: Pick<Evidence, 'securityHub'>): string[] {
  const hub = e.securityHub;
  if (!hub) return [];
  if (hub.status === 'not-updated' || hub.status === 'not-enabled') return [`${hub.reason}.`];
  const moved = hub.findings.filter((f) => f.before !== f.after);
  if (moved.length === 0) return [`Security Hub: ${hub.findings.length} finding(s), none changed.`];
  const by = new Map<string, number>();
  for (const f of moved) by.set(f.after, (by.get(f.after) ?? 0) + 1);
  const parts = [...by].map(([status, n]) => `${n} ${status}`).join(', ');
  const failed = hub.findings.filter((f) => f.error !== null).length;
  return [
    `Security Hub findings: ${parts}${failed > 0 ? `; ${failed} not updated (see the evidence)` : ''}.`,
  ];
}

/**
 * What the mail suggests next, as commands that paste as printed: the evidence, and how to back the
 * run out when it left something a backout can restore (a backout-mode run suggests its source's
 * evidence, never a backout of itself).
 */
function nextCommands(e: Evidence, options: string): string[] {
  const run = e.execution.name;
  const lines = [
    `Evidence (evidence.json, findings.csv, report.html): ${credsweepCommand(['evidence', run], options)}`,
  ];
  const source = e.backout?.sourceExecutionId.split(':').pop();
  if (e.execution.mode === 'backout' && source) {
    lines.push(`The run it backed out: ${credsweepCommand(['show', source], options)}`);
    if (e.outcome === 'backout-failed')
      lines.push(`Start it again: ${credsweepCommand(['backout', source], options)}`);
    return lines;
  }
  const restorable = e.counts.disabled - e.counts.deleted;
  if (restorable > 0 || e.outcome === 'backout-failed') {
    lines.push(`Back out with: ${credsweepCommand(['backout', run], options)}`);
  }
  if (e.counts.deleted > 0) {
    lines.push(`No backout can restore the ${plural(e.counts.deleted, 'access key')} this run deleted.`);
  }
  return lines;
}

/** The subject's outcome and counts: a backout that cannot restore everything is called partial. */
function mailOutcome(e: Evidence): string {
  const c = e.counts;
  const lost = e.backout?.cannotRestore.length ?? 0;
  if (e.execution.mode === 'backout') {
    return `${e.outcome}${lost > 0 ? ' (partial)' : ''} (${c.restored} restored${lost > 0 ? `, ${lost} cannot be restored` : ''})`;
  }
  return `${e.outcome} (${changedText(c)}, ${c.restored} restored)`;
}

export function summaryMail(e: Evidence, options = ''): { subject: string; text: string; html: string } {
  const c = e.counts;
  const run = e.execution.name;
  const subject = visible(`credsweep ${run}: ${mailOutcome(e)} in ${e.execution.accountId}`);
  const lines = [
    `Run ${run} in account ${e.execution.accountId} ended: ${e.outcome}.`,
    e.summary,
    ...(e.execution.mode === 'backout'
      ? []
      : [
          `Findings: ${c.findings}. Changed and still so: ${changedText(c)}. Restored by backout: ${c.restored}.`,
          `Skipped because used since the report: ${c.skippedAtRecheck}. Not approved: ${c.notApproved}.`,
        ]),
    ...(e.error ? [`Cause: ${e.error.Error}: ${e.error.Cause}`] : []),
    ...securityHubLines(e),
    ...(e.backout && e.backout.cannotRestore.length > 0
      ? [
          `This backout cannot restore ${e.backout.cannotRestore.length} change(s), approved as impossible to undo:`,
          ...e.backout.cannotRestore.map(
            (x) => `- ${x.userName} ${x.credential}${x.accessKeyId ? ` ${x.accessKeyId}` : ''}: ${x.why}`,
          ),
        ]
      : []),
    ...e.changes.map(
      (r) =>
        `- ${r.userName} ${r.credential}${r.accessKeyId ? ` ${r.accessKeyId}` : ''}: ${r.before ?? ''} -> ${r.after ?? ''}` +
        (r.restored ? ` -> restored: ${r.restored.state}` : ''),
    ),
    '',
    ...nextCommands(e, options),
  ];
  // Names and the approver's reason are shown with visible escapes: a line break cannot forge a line.
  const text = lines.map((line) => visible(line)).join('\n');
  const html = `<!doctype html><html><body><pre style="font-family:monospace">${escapeHtml(text)}</pre></body></html>`;
  return { subject, text, html };
}

export async function reportRun(
  ports: Ports,
  task: ReportTask,
  options: { mail: boolean } = { mail: true },
): Promise<ReportResult> {
  // Every ending passes here: the run lets the account go (a no-op when it never took it).
  await releaseAccount(ports, task.executionId);
  if (task.error?.Error === RUN_NAME_REUSED) {
    // The records under this name are an earlier run's: nothing of this run may replace them.
    return {
      outcome: task.outcome,
      evidenceKey: '',
      changed: 0,
      deleted: 0,
      restored: 0,
      skippedAtRecheck: 0,
    };
  }
  const evidence = await collectEvidence(ports, task);
  evidence.securityHub = await followFindingsAtEnd(ports, evidence);
  const evidenceKey = await writeEvidence(ports, evidence);
  if (options.mail && task.outcome !== 'nothing-to-do' && task.outcome !== 'dry-run') {
    await ports.mail.send({
      to: ports.settings.approverEmails,
      ...summaryMail(evidence, ports.settings.commandOptions),
    });
  }
  return {
    outcome: task.outcome,
    evidenceKey,
    changed: evidence.counts.disabled,
    deleted: evidence.counts.deleted,
    restored: evidence.counts.restored,
    skippedAtRecheck: evidence.counts.skippedAtRecheck,
  };
}
