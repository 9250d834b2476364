/**
 * The Report task: writes the run's evidence (evidence.json, findings.csv, report.html next to each
 * other under `runs/<execution name>/`) and mails a summary to the approvers.
 */
import type { Ports } from '../../ports/index.js';
import { releaseAccount } from '../change/account-guard.js';
import { collectEvidence, writeEvidence } from '../evidence/collect.js';
import { escapeHtml } from '../evidence/html.js';
import type { Evidence, ReportTask } from '../evidence/schema.js';
import { RUN_NAME_REUSED } from '../plan/run-identity.js';
import { followFindingsAtEnd } from '../security-hub/follow-run.js';
import { visible } from '../shared/visible-text.js';

export interface ReportResult {
  outcome: ReportTask['outcome'];
  evidenceKey: string;
  changed: number;
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
  if (hub.status === 'not-updated') return [`${hub.reason}.`];
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

export function summaryMail(e: Evidence): { subject: string; text: string; html: string } {
  const c = e.counts;
  const run = e.execution.name;
  const subject = visible(
    `credsweep ${run}: ${e.outcome} (${c.disabled} disabled, ${c.restored} restored) in ${e.execution.accountId}`,
  );
  const lines = [
    `Run ${run} in account ${e.execution.accountId} ended: ${e.outcome}.`,
    e.summary,
    `Findings: ${c.findings}. Disabled and still disabled: ${c.disabled}. Restored by backout: ${c.restored}.`,
    `Skipped because used since the report: ${c.skippedAtRecheck}. Not approved: ${c.notApproved}.`,
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
    `Evidence (evidence.json, findings.csv, report.html): credsweep evidence ${run}`,
    ...(c.disabled > 0 ? [`Back out with: credsweep backout ${run}`] : []),
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
    return { outcome: task.outcome, evidenceKey: '', changed: 0, restored: 0, skippedAtRecheck: 0 };
  }
  const evidence = await collectEvidence(ports, task);
  evidence.securityHub = await followFindingsAtEnd(ports, evidence);
  const evidenceKey = await writeEvidence(ports, evidence);
  if (options.mail && task.outcome !== 'nothing-to-do' && task.outcome !== 'dry-run') {
    await ports.mail.send({ to: ports.settings.approverEmails, ...summaryMail(evidence) });
  }
  return {
    outcome: task.outcome,
    evidenceKey,
    changed: evidence.counts.disabled,
    restored: evidence.counts.restored,
    skippedAtRecheck: evidence.counts.skippedAtRecheck,
  };
}
