/**
 * What the run commands (start, status, history, show, backout, evidence) share: the options that
 * choose AWS or a local home, the one-JSON-object output, human formatting, and the progress printer
 * that follows a run (AWS by polling, local from the engine's events) through the one timeline model.
 */
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { backoutSkipWhy } from '../../handlers/core/change/last-change.js';
import { changedText } from '../../handlers/core/evidence/summary.js';
import { InputError } from '../../handlers/core/shared/errors.js';
import { runRequestSchema } from '../../handlers/core/shared/request.js';
import type { ApprovalProgress } from '../../handlers/core/shared/types.js';
import { plural } from '../../handlers/core/shared/words.js';
import { printJson, printLine } from '../output.js';
import { localRuns, type RunSource } from '../runs.js';
import type { CommandHint, SourceFlags } from '../source-options.js';
import { iterationLabel, stepDetail } from '../step-detail.js';
import { fromAwsHistory, type TimelineEvent } from '../timeline/events.js';
import { type BackoutSkipView, type RunView, viewRun } from '../timeline/run-view.js';
import { StepBuilder } from '../timeline/steps.js';

/** Exit code of a run that ended FAILED, ABORTED or TIMED_OUT (as `credsweep demo`). */
export const EXIT_RUN_FAILED = 3;

/**
 * The runs a command reads: a local home's, or the state machine's in AWS. The AWS modules (and so
 * the SDK clients) load only for AWS; the target is resolved (CloudFormation) before Step Functions
 * and S3 load, so the first request goes out as early as it can.
 */
export async function runSource(flags: SourceFlags, needBucket = false): Promise<RunSource> {
  if (flags.local) return localRuns(flags.home);
  const { resolveTarget } = await import('../aws/target.js');
  const target = await resolveTarget(
    {
      ...(flags.stack !== undefined ? { stack: flags.stack } : {}),
      ...(flags.stateMachine !== undefined ? { stateMachine: flags.stateMachine } : {}),
      ...(flags.bucket !== undefined ? { bucket: flags.bucket } : {}),
    },
    needBucket,
  );
  const { awsRuns } = await import('../aws/runs.js');
  return awsRuns(target);
}

export { printJson, printLine };

const NAME_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A readable, unique execution name (Step Functions allows 80 of [A-Za-z0-9_-]): `run-20261126T1200Z-k3x9`,
 * or without the time `backout-<source name>-k3x9` when the prefix already says when.
 */
export function executionName(prefix: string, now: Date | null): string {
  const random = Array.from(randomBytes(4), (b) => NAME_ALPHABET[b % NAME_ALPHABET.length]).join('');
  const stamp = now
    ? `-${now
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\d{2}\.\d+Z$/, 'Z')}`
    : '';
  return `${prefix.slice(0, 80 - stamp.length - 5)}${stamp}-${random}`;
}

/** Who is starting the run when STS cannot say: the local user name. */
export function localUser(): string {
  try {
    return process.env.USER ?? userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Validates an execution input with the workflow's own schema; the message names each bad field. */
export function validateRequest(input: Record<string, unknown>) {
  const parsed = runRequestSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => {
      const path = i.path.join('.');
      const value = i.path.reduce<unknown>(
        (v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k as PropertyKey] : v),
        input,
      );
      return `${path}: ${i.message}${typeof value === 'string' ? ` (${JSON.stringify(value)})` : ''}`;
    });
    throw new InputError(`invalid run input: ${issues.join('; ')}`);
  }
  return parsed.data;
}

// --- Formatting ------------------------------------------------------------------------------------

const ISO = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/;

export function when(iso: string | null | undefined): string {
  if (!iso) return '-';
  const m = ISO.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

export function clock(iso: string): string {
  const m = ISO.exec(iso);
  return m ? `${m[2]}${(m[3] ?? '.000').slice(0, 4).padEnd(4, '0')}` : iso;
}

export function duration(ms: number | null): string {
  if (ms === null) return '';
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `arn:aws:sts::123456789012:assumed-role/Admin/alice` reads as `assumed-role/Admin/alice`. */
export function shortPrincipal(who: string | null): string {
  if (!who) return '-';
  const m = /^arn:aws[\w-]*:(?:sts|iam)::\d{12}:(.+)$/.exec(who);
  return m?.[1] ?? who;
}

/** Left-aligned columns, two spaces apart; `right` lists right-aligned columns. */
export function table(header: string[], rows: string[][], right: number[] = []): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (right.includes(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** The status line of a run: `FAILED (backed-out)`, `RUNNING (awaiting-approval)`. */
export function statusText(view: RunView): string {
  const s = view.execution.status;
  const p = view.approvalProgress;
  const outcome =
    view.outcome === 'awaiting-approval' && p && p.status === 'pending' && p.approvalsRequired > 1
      ? `awaiting-approval (${p.approvals.length} of ${p.approvalsRequired})`
      : view.outcome;
  return view.outcome.toLowerCase() === s.toLowerCase() ? s : `${s} (${outcome})`;
}

/** The view with how far its approval is, read from the run's `approval.json` while it waits. */
export async function withApprovalProgress(source: RunSource, view: RunView): Promise<RunView> {
  if (view.outcome !== 'awaiting-approval') return view;
  try {
    const text = await source.file(view, 'approval.json');
    return text ? { ...view, approvalProgress: JSON.parse(text) as ApprovalProgress } : view;
  } catch {
    return view;
  }
}

/** A run in a few labelled lines: `status` prints this, `show` starts with it. */
export function describeRun(view: RunView, evidenceAt: string | null, command: CommandHint): string[] {
  const e = view.execution;
  const c = view.counts;
  const lines: [string, string][] = [];
  lines.push(['execution', e.executionArn]);
  lines.push(['started', `${when(e.startDate)} by ${view.startedBy ?? 'unknown'}`]);
  if (e.stopDate) {
    lines.push([
      'ended',
      `${when(e.stopDate)} (${duration(new Date(e.stopDate).getTime() - new Date(e.startDate).getTime())})`,
    ]);
  }
  lines.push(['request', requestText(view)]);
  if (view.organization) {
    lines.push([
      'accounts',
      view.accountCount === null
        ? 'not listed yet'
        : `${plural(view.accountCount, 'account')} (organization run)`,
    ]);
  }
  if (e.status === 'RUNNING') {
    lines.push([
      'now',
      view.waitingForApproval
        ? 'RequestApproval: waiting for an approver to open the mailed link and decide'
        : view.currentStates.join(' > ') || 'starting',
    ]);
  }
  if (c.findings !== null) {
    lines.push([
      'findings',
      `${plural(c.findings, 'stale credential')}, ${c.proposed ?? 0} proposed, ${plural(c.skippedUsers ?? 0, 'user')} skipped` +
        (view.thresholdDays !== null ? ` (unused ${view.thresholdDays}+ days)` : '') +
        (view.dryRun ? '; dry run' : ''),
    ]);
  }
  const progress = view.approvalProgress;
  if (!view.approval && progress && progress.approvals.length > 0) {
    lines.push([
      'approvals',
      `${progress.approvals.length} of ${progress.approvalsRequired}: ` +
        progress.approvals.map((a) => `${a.approver} (${a.approved}) at ${when(a.decidedAt)}`).join(', '),
    ]);
  }
  if (view.approval) {
    const a = view.approval;
    lines.push([
      'approval',
      `${a.decision} by ${a.approver ?? '?'} at ${when(a.decidedAt)}` +
        (a.decision === 'approved'
          ? ` (${a.approvedCount ?? '?'} approved, ${a.notApprovedCount ?? 0} not approved)`
          : ''),
    ]);
  }
  if (c.changed !== null || c.restored !== null) {
    const parts =
      view.mode === 'backout' ? [] : [changedText({ disabled: c.changed ?? 0, deleted: c.deleted ?? 0 })];
    // Once the report is written it says why; before, the batches' count mixes the not-approved in.
    if (c.skippedAtRecheck !== null) {
      if (c.skippedAtRecheck) parts.push(`${c.skippedAtRecheck} skipped (used since the report)`);
    } else if (c.skippedInBatches) {
      parts.push(
        `${c.skippedInBatches} left as they were (not approved, used since the report, or already off)`,
      );
    }
    if (c.restored || view.mode === 'backout') parts.push(`${c.restored ?? 0} restored`);
    if (c.batches !== null && e.status === 'RUNNING')
      parts.push(`batch ${c.batchesDone} of ${c.batches} done`);
    lines.push(['changes', parts.join(', ')]);
  }
  if (c.verified !== null) {
    lines.push(['verified', `${c.verified} of ${c.verified + (c.verificationFailed ?? 0)} as expected`]);
  }
  if (view.backoutOf) lines.push(['backout of', view.backoutOf]);
  for (const skip of view.backoutSkips) lines.push(['left alone', backoutSkipText(skip)]);
  if (view.cannotRestore.length > 0) {
    lines.push([
      'partial',
      `${view.cannotRestore.length} change(s) of that run cannot be restored by any backout`,
    ]);
  }
  for (const c of view.cannotRestore) {
    const what =
      c.action === 'delete-access-key'
        ? 'the key was deleted; a deleted key cannot be restored (create a new one if needed)'
        : 'the password was reset; the old password cannot be brought back';
    lines.push([
      'cannot restore',
      `${c.userName} ${c.credential}${c.accessKeyId ? ` ${c.accessKeyId}` : ''}: ${what}`,
    ]);
  }
  if (view.error) lines.push(['error', `${view.error.error}: ${view.error.cause}`]);
  if (evidenceAt && e.status !== 'RUNNING')
    lines.push(['evidence', `${evidenceAt} (${command(`evidence ${e.name}`)})`]);
  const width = Math.max(...lines.map(([k]) => k.length));
  return [`${e.name}  ${statusText(view)}`, ...lines.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)];
}

/**
 * A run's name from its execution ARN, or from one account's run id of an organization run
 * (`…:run-B/accounts/222222222222` is run `run-B`).
 */
export function runName(executionId: string): string {
  return (executionId.split(':').pop() ?? executionId).replace(/\/accounts\/\d{12}$/, '');
}

/** `alice access-key-1 AKIA…: key deleted by later run run-B (a deletion cannot be restored); not restored` */
export function backoutSkipText(skip: BackoutSkipView): string {
  const why = backoutSkipWhy({
    reason: skip.reason === 'changed-by-later-run' ? 'changed-by-later-run' : 'changed-outside-credsweep',
    laterRun: skip.laterRun ?? undefined,
    laterChange: skip.laterChange ?? undefined,
  });
  return `${skip.userName} ${skip.credential}${skip.accessKeyId ? ` ${skip.accessKeyId}` : ''}: ${why}; not restored`;
}

function requestText(view: RunView): string {
  const r = view.request ?? {};
  const parts = [String(r.mode ?? 'remediate')];
  if (typeof r.days === 'number') parts.push(`days ${r.days}`);
  if (Array.isArray(r.accounts)) parts.push(`accounts ${r.accounts.join(', ')}`);
  if (Array.isArray(r.ous)) parts.push(`OUs ${r.ous.join(', ')}`);
  if (Array.isArray(r.users)) parts.push(`users ${r.users.join(', ')}`);
  else if (r.mode !== 'backout') parts.push('all users');
  if (Array.isArray(r.exemptUsers) && r.exemptUsers.length > 0)
    parts.push(`exempt ${r.exemptUsers.join(', ')}`);
  if (r.dryRun === true) parts.push('dry run');
  if (typeof r.maxCredentials === 'number') parts.push(`max credentials ${r.maxCredentials}`);
  return parts.join('; ');
}

/** What `--json` prints for a run: the view without the (large) state documents of its steps. */
export function runJson(view: RunView, evidenceAt: string | null) {
  const { steps: _steps, execution, ...rest } = view;
  const { input: _input, output: _output, ...record } = execution;
  return { ...record, ...rest, evidence: evidenceAt };
}

// --- Following a run -------------------------------------------------------------------------------

/** Prints a line for each new timeline event worth a line: states entered, retries, failures, batches. */
/** What a local run prints when the approval mail is out: the link to open, or where the mail went. */
export function approvalLinkPrinter(say: (line: string) => void, manual: boolean, home: string) {
  return (url: string, approver: string) => {
    if (!manual) return say(`  approval mail to ${approver} is in ${home}/outbox`);
    say('');
    say(`Approval requested from ${approver}. Open this link to review and decide:`);
    say(`  ${url}`);
    say(
      'The link is served by this process: keep it running until you have decided (Ctrl-C abandons the run).',
    );
    say('');
  };
}

export class ProgressPrinter {
  private printed = 0;
  /** The steps so far, built event by event (constant work per event, however long the run). */
  private readonly steps = new StepBuilder();
  /** Each Map iteration's label as its last entered state named it (events after carry no input). */
  private readonly labels = new Map<number, string>();

  constructor(private readonly say: (line: string) => void) {}

  /**
   * Takes the whole event list so far (append-only) and prints what is new: each state as it is
   * entered, and, as it is left, what it produced and how long it took (states with something to say).
   */
  update(events: TimelineEvent[]): void {
    for (let i = this.printed; i < events.length; i++) {
      const e = events[i];
      if (e?.type !== 'StateExited') {
        if (e) {
          this.steps.add(e);
          this.line(e);
        }
        continue;
      }
      const step = this.steps.add(e);
      const detail = step ? stepDetail(step) : '';
      const where = e.index === null ? '' : `${iterationLabel(e.index, step?.input)} `;
      // ✓ only for a step that succeeded; ✗ for one that failed.
      const mark = step?.status === 'failed' || step?.error ? '✗' : '✓';
      if (step && detail)
        this.say(`  ${mark} ${where}${step.state}: ${detail} (${duration(step.durationMs)})`);
    }
    this.printed = events.length;
  }

  private line(e: TimelineEvent): void {
    if (e.index !== null && e.type === 'StateEntered')
      this.labels.set(e.index, iterationLabel(e.index, e.input));
    const label = e.index === null ? '' : (this.labels.get(e.index) ?? `[batch ${e.index}]`);
    const where = e.index === null ? (e.state ?? '') : `  ${label} ${e.state}`;
    switch (e.type) {
      case 'StateEntered':
        this.say(`→ ${where}`);
        return;
      case 'StateRetried':
        this.say(`↻ ${where} retried`);
        return;
      case 'StateFailed':
        this.say(`✗ ${where}: ${e.error ?? ''}${e.cause ? `: ${e.cause}` : ''}`);
        return;
      case 'MapIterationFailed':
        this.say(`✗ ${(this.labels.get(e.index ?? -1) ?? `[batch ${e.index}]`).slice(1, -1)} failed`);
        return;
      default:
        return;
    }
  }
}

const sleep = (seconds: number) => new Promise((r) => setTimeout(r, seconds * 1000));

/**
 * Follows an AWS execution until it stops or waits for approval: DescribeExecution and the new
 * history events every `pollSeconds`, printing progress. Returns the last view.
 */
export async function followAws(
  executionArn: string,
  stateMachineArn: string,
  pollSeconds: number,
  say: (line: string) => void,
): Promise<RunView> {
  const { describeExecution, HistoryFollower } = await import('../aws/executions.js');
  const follower = new HistoryFollower(executionArn);
  const printer = new ProgressPrinter(say);
  let lastCounts = '';
  for (;;) {
    const record = await describeExecution(executionArn, stateMachineArn);
    const events = fromAwsHistory(await follower.poll());
    printer.update(events);
    const view = viewRun(record, events);
    const c = view.counts;
    const counts =
      c.batches !== null && c.changed !== null
        ? `  changes so far: ${changedText({ disabled: c.changed ?? 0, deleted: c.deleted ?? 0 })}, ${c.skippedInBatches ?? 0} skipped; batch ${c.batchesDone} of ${c.batches} done`
        : '';
    if (counts && counts !== lastCounts && record.status === 'RUNNING') say(counts);
    lastCounts = counts;
    if (record.status !== 'RUNNING') return view;
    if (view.waitingForApproval) return view;
    await sleep(pollSeconds);
  }
}

export function isFailure(view: RunView): boolean {
  return ['FAILED', 'ABORTED', 'TIMED_OUT'].includes(view.execution.status);
}
