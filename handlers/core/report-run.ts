/** The Report task: writes the evidence and mails a summary to the approvers. */
import type { Ports } from '../ports/index.js';
import { collectEvidence, type Evidence, type ReportTask, writeEvidence } from './evidence.js';

export interface ReportResult {
  outcome: ReportTask['outcome'];
  evidenceKey: string;
  changed: number;
  restored: number;
  skippedAtRecheck: number;
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export function summaryMail(e: Evidence): { subject: string; text: string; html: string } {
  const disabled = e.changes.filter((c) => c.status === 'changed').length;
  const restored = e.changes.filter((c) => c.status === 'restored').length;
  const run = e.executionId.split(':').pop() ?? e.executionId;
  const subject = `credsweep ${run}: ${e.outcome} (${disabled} disabled, ${restored} restored) in ${e.accountId}`;
  const lines = [
    `Run ${run} in account ${e.accountId} ended: ${e.outcome}.`,
    `Findings: ${e.findings.length}. Disabled and still disabled: ${disabled}. Restored by backout: ${restored}.`,
    `Skipped because used since the report: ${e.skippedAtRecheck.length}. Not approved: ${e.notApproved.length}.`,
    ...(e.error ? [`Cause: ${e.error.Error}: ${e.error.Cause}`] : []),
    ...e.changes.map(
      (c) =>
        `- ${c.userName} ${c.credential}${c.accessKeyId ? ` ${c.accessKeyId}` : ''}: ${c.before} -> ${c.after ?? ''} (${c.status})`,
    ),
    '',
    `Evidence: ${e.executionId}. Back out with: credsweep backout ${run}`,
  ];
  const text = lines.join('\n');
  const html = `<!doctype html><html><body><pre style="font-family:monospace">${escapeHtml(text)}</pre></body></html>`;
  return { subject, text, html };
}

export async function reportRun(ports: Ports, task: ReportTask): Promise<ReportResult> {
  const evidence = await collectEvidence(ports, task);
  const evidenceKey = await writeEvidence(ports, evidence);
  if (task.outcome !== 'nothing-to-do' && task.outcome !== 'dry-run') {
    await ports.mail.send({ to: ports.settings.approverEmails, ...summaryMail(evidence) });
  }
  return {
    outcome: task.outcome,
    evidenceKey,
    changed: evidence.changes.filter((c) => c.status === 'changed').length,
    restored: evidence.changes.filter((c) => c.status === 'restored').length,
    skippedAtRecheck: evidence.skippedAtRecheck.length,
  };
}
