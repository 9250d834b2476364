/**
 * `credsweep show <execution>`: the run's timeline from its whole history (each state, when, how
 * long, retries, errors, what it produced), then from its evidence the approval record, each change
 * with its before and after state, what was skipped, and the verification.
 */
import type { CredentialRecord, Evidence } from '../../handlers/core/evidence/schema.js';
import type { OrgEvidence } from '../../handlers/core/organization/org-evidence.js';
import { plural } from '../../handlers/core/shared/words.js';
import { type RunSource, readEvidence } from '../runs.js';
import { commandHint } from '../source-options.js';
import { iterationLabel, stepDetail } from '../step-detail.js';
import type { RunView } from '../timeline/run-view.js';
import type { Step } from '../timeline/steps.js';
import { accountLines, accountsLines, orgOf } from './accounts.js';
import {
  backoutSkipText,
  clock,
  describeRun,
  duration,
  printJson,
  printLine,
  runJson,
  runName,
  runSource,
  table,
  when,
  withApprovalProgress,
} from './common.js';
import type { RunFlags } from './status.js';

export function timelineLines(steps: Step[]): string[] {
  const rows = steps.map((s) => [
    clock(s.enteredAt),
    s.index === null ? s.state : `  ${iterationLabel(s.index, s.input)} ${s.state}`,
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

function approvalLines(a: Evidence['approval'], proposed: number, approved?: number): string[] {
  const out: string[] = [];
  if (a) {
    out.push('', 'Approval');
    out.push(
      `  asked      ${a.approvers.join(', ')} at ${when(a.requestedAt)}; window closes ${when(a.expiresAt)}`,
    );
    if ((a.approvalsRequired ?? 1) > 1)
      out.push(`  quorum     ${a.approvalsRequired} approvals from different people`);
    for (const x of a.approvals ?? []) {
      out.push(
        `  approval   ${x.approver} at ${when(x.decidedAt)} from ${x.sourceIp} (${x.userAgent}): ticked ${x.selection.length} of ${proposed}`,
      );
      if (x.selection.length < proposed) out.push(`             ${x.selection.join(', ')}`);
    }
    if (a.decision) {
      const d = a.decision;
      out.push(`  decision   ${d.decision} by ${d.approver} at ${when(d.decidedAt)} from ${d.sourceIp}`);
      if (d.decision === 'approved')
        out.push(`  approved   ${approved ?? d.selection.length} of ${proposed}`);
      if (d.reason) out.push(`  reason     ${d.reason}`);
    } else {
      out.push('  decision   none');
    }
  }
  return out;
}

export function evidenceLines(e: Evidence): string[] {
  // In an account of an organization run the one approval covers every account: count this one's.
  const approvedHere = [...e.changes, ...e.unchanged].filter((c) => c.approved === true).length;
  const out: string[] = approvalLines(e.approval, e.counts.proposed, approvedHere);
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
      `Backout (${b.trigger}) of ${runName(b.sourceExecutionId)}: ${plural(b.restored, 'credential')} restored` +
        (b.users ? ` (users ${b.users.join(', ')})` : '') +
        (b.error ? `; FAILED ${b.error.Error}: ${b.error.Cause}` : ''),
    );
  }
  return out;
}

/** The org summary of an organization run: the approval, then every change with its account. */
export function orgEvidenceLines(e: OrgEvidence): string[] {
  const out = approvalLines(e.approval, e.counts.proposed);
  out.push('', `Changes in all accounts (${e.changes.length})`);
  if (e.changes.length === 0) out.push('  none');
  else
    out.push(
      ...table(
        ['ACCOUNT', 'USER', 'CREDENTIAL', 'BEFORE', 'AFTER', 'RESTORED TO', 'VERIFIED'],
        e.changes.map((c) => [c.accountId, ...changeRow(c)]),
      ).map((l) => `  ${l}`),
    );
  return out;
}

/** The steps of one account (and the run's own): an iteration's input names its account. */
function stepsOf(steps: Step[], accountId: string): Step[] {
  return steps.filter(
    (s) => s.index === null || (s.input as { accountId?: unknown } | null)?.accountId === accountId,
  );
}

export async function show(ref: string, flags: RunFlags): Promise<void> {
  const source = await runSource(flags);
  const view = await withApprovalProgress(source, await source.view(ref));
  const { org, account, note } = await orgOf(source, view, flags.account);
  if (view.organization) return showOrganization(source, view, { org, account, note }, flags);
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
    ...describeRun(view, evidenceAt, commandHint(flags)),
    '',
    'Timeline',
    ...timelineLines(view.steps).map((l) => `  ${l}`),
  ];
  if (evidence) lines.push(...evidenceLines(evidence));
  else lines.push('', `(${missing})`);
  for (const line of lines) printLine(line);
}

/** `show` of an organization run: the run, its accounts (or one), its timeline, its org summary. */
async function showOrganization(
  source: RunSource,
  view: RunView,
  { org, account, note }: Awaited<ReturnType<typeof orgOf>>,
  flags: RunFlags,
): Promise<void> {
  const evidenceAt = source.evidenceLocation(view, account?.accountId);
  const steps = account ? stepsOf(view.steps, account.accountId) : view.steps;
  const ended = view.execution.status !== 'RUNNING';
  const own = account && ended ? await readEvidence(source, view, account.accountId) : null;
  if (flags.json) {
    printJson({
      run: runJson(view, source.evidenceLocation(view)),
      accounts: org?.accounts ?? null,
      ...(account ? { account, accountEvidence: own } : { evidence: org?.evidence ?? null }),
      steps: steps.map(({ input: _i, output: _o, ...s }) => ({
        ...s,
        detail: stepDetail({ ...s, input: _i, output: _o }),
      })),
    });
    return;
  }
  const command = commandHint(flags);
  const lines = describeRun(view, source.evidenceLocation(view), command);
  if (account)
    lines.push('', ...accountLines(account, ended ? evidenceAt : null, view.execution.name, command));
  else if (org) {
    if (org.summary) lines.push('', org.summary);
    lines.push(...accountsLines(org));
  } else if (note) lines.push('', `(${note})`);
  lines.push('', account ? `Timeline (the run's own steps and account ${account.accountId}'s)` : 'Timeline');
  lines.push(...timelineLines(steps).map((l) => `  ${l}`));
  if (steps.every((s) => s.index === null) && source.kind === 'aws') {
    lines.push(
      "  (each account's steps run in its own child execution of the Distributed Map; the accounts above say how each ended)",
    );
  }
  if (account && own) {
    lines.push(...evidenceLines(own));
    // What this account's backout left alone (an account run's status lists it from the run's state).
    for (const skip of own.backout?.skipped ?? []) lines.push(`  left alone  ${backoutSkipText(skip)}`);
  } else if (!account && org?.evidence) lines.push(...orgEvidenceLines(org.evidence));
  else if (!ended) lines.push('', '(the evidence is written when the run ends)');
  else lines.push('', `(no evidence.json in ${evidenceAt ?? 'the evidence bucket (add --bucket NAME)'})`);
  for (const line of lines) printLine(line);
}
