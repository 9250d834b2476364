/**
 * `credsweep show <execution>`: the run's timeline from its whole history (each state, when, how
 * long, retries, errors, what it produced), then from its evidence the approval record, each change
 * with its before and after state, what was skipped, and the verification.
 */
import type { CredentialRecord, Evidence } from '../../handlers/core/evidence.js';
import { readEvidence } from '../runs.js';
import type { SourceFlags } from '../source-options.js';
import { stepDetail } from '../step-detail.js';
import type { Step } from '../timeline.js';
import {
  clock,
  describeRun,
  duration,
  plural,
  printJson,
  printLine,
  runJson,
  runSource,
  table,
  when,
} from './common.js';

export function timelineLines(steps: Step[]): string[] {
  const rows = steps.map((s) => [
    clock(s.enteredAt),
    s.index === null ? s.state : `  [batch ${s.index}] ${s.state}`,
    s.status === 'running' ? 'running' : duration(s.durationMs),
    stepDetail(s),
  ]);
  return table(['ENTERED (UTC)', 'STATE', 'TOOK', 'RESULT'], rows, [2]);
}

function credentialText(c: { credential: string; accessKeyId: string | null }) {
  return c.accessKeyId ? `${c.credential} ${c.accessKeyId}` : c.credential;
}

function changeRow(c: CredentialRecord): string[] {
  return [
    c.userName,
    credentialText(c),
    c.before ?? '',
    c.after ?? '',
    c.restored ? c.restored.state : '',
    c.verification ? (c.verification.ok ? 'yes' : `NO (${c.verification.actual})`) : '',
  ];
}

export function evidenceLines(e: Evidence): string[] {
  const out: string[] = [];
  const a = e.approval;
  if (a) {
    out.push('', 'Approval');
    out.push(
      `  asked      ${a.approvers.join(', ')} at ${when(a.requestedAt)}; window closes ${when(a.expiresAt)}`,
    );
    if (a.decision) {
      const d = a.decision;
      out.push(`  decision   ${d.decision} by ${d.approver} at ${when(d.decidedAt)} from ${d.sourceIp}`);
      if (d.decision === 'approved') out.push(`  approved   ${d.selection.length} of ${e.counts.proposed}`);
      if (d.reason) out.push(`  reason     ${d.reason}`);
    } else {
      out.push('  decision   none');
    }
  }
  out.push('', `Changes (${e.changes.length})`);
  if (e.changes.length === 0) out.push('  none');
  else
    out.push(
      ...table(
        ['USER', 'CREDENTIAL', 'BEFORE', 'AFTER', 'RESTORED TO', 'VERIFIED'],
        e.changes.map(changeRow),
      ).map((l) => `  ${l}`),
    );
  if (e.unchanged.length > 0) {
    out.push('', `Not changed (${e.unchanged.length})`);
    out.push(
      ...table(
        ['USER', 'CREDENTIAL', 'RESULT'],
        e.unchanged.map((c) => [
          c.userName,
          credentialText(c),
          c.result === 'skipped' && c.skipReason
            ? `skipped: ${c.skipReason}${c.liveLastUsed ? ` (used ${when(c.liveLastUsed)})` : ''}`
            : c.result,
        ]),
      ).map((l) => `  ${l}`),
    );
  }
  if (e.verification) {
    out.push(
      '',
      `Verification at ${when(e.verification.verifiedAt)}: ${e.verification.checked - e.verification.failed} of ${e.verification.checked} as expected`,
    );
    for (const c of e.verification.checks.filter((k) => !k.ok)) {
      out.push(
        `  ${c.userName} ${credentialText({ credential: c.credential, accessKeyId: c.accessKeyId ?? null })}: expected ${c.expected}, found ${c.actual}`,
      );
    }
  }
  if (e.backout) {
    const b = e.backout;
    out.push(
      '',
      `Backout (${b.trigger}) of ${b.sourceExecutionId.split(':').pop()}: ${plural(b.restored, 'credential')} restored` +
        (b.users ? ` (users ${b.users.join(', ')})` : '') +
        (b.error ? `; FAILED ${b.error.Error}: ${b.error.Cause}` : ''),
    );
  }
  return out;
}

export async function show(ref: string, flags: SourceFlags): Promise<void> {
  const source = await runSource(flags);
  const view = await source.view(ref);
  const evidenceAt = source.evidenceLocation(view);
  let evidence: Evidence | null = null;
  let missing = '';
  if (view.execution.status === 'RUNNING') {
    missing = 'the evidence is written when the run ends';
  } else if (evidenceAt === null) {
    missing = 'the evidence bucket is unknown: add --bucket NAME (or use --stack) to include each change';
  } else {
    // The timeline is worth showing even when the evidence cannot be read (e.g. no s3:GetObject).
    evidence = await readEvidence(source, view).catch((err: Error) => {
      missing = `evidence not read: ${err.message}`;
      return null;
    });
    if (!evidence && !missing) missing = `no evidence.json in ${evidenceAt}`;
  }
  if (flags.json) {
    printJson({
      run: runJson(view, evidenceAt),
      steps: view.steps.map(({ input: _i, output: _o, ...s }) => ({
        ...s,
        detail: stepDetail({ ...s, input: _i, output: _o }),
      })),
      evidence,
    });
    return;
  }
  const lines = [
    ...describeRun(view, evidenceAt),
    '',
    'Timeline',
    ...timelineLines(view.steps).map((l) => `  ${l}`),
  ];
  if (evidence) lines.push(...evidenceLines(evidence));
  else lines.push('', `(${missing})`);
  for (const line of lines) printLine(line);
}
