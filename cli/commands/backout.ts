/**
 * `credsweep backout <execution> [--users a,b]`: a new execution of the same workflow in backout
 * mode, which restores exactly what that run's ledger says it changed (keys to Active, console
 * passwords re-created with a reset required). `--local` runs it over the local account.
 */
import { InputError } from '../../handlers/core/errors.js';
import { localRuns, type RunSource, readEvidence } from '../runs.js';
import type { SourceFlags } from '../source-options.js';
import type { RunView } from '../timeline.js';
import {
  describeRun,
  EXIT_RUN_FAILED,
  executionName,
  followAws,
  isFailure,
  localUser,
  printJson,
  printLine,
  runJson,
  validateRequest,
} from './common.js';
import { runLocally } from './start.js';

export interface BackoutFlags extends SourceFlags {
  users?: string[];
  wait?: boolean;
  poll: number;
}

/** A backout's name: `backout-<source name>-<4 random>`, within Step Functions' 80 characters. */
const backoutName = (source: string) => executionName(`backout-${source}`, null);

/** Refuses what cannot be backed out: a run still going, or a backout itself. */
function checkSource(source: RunView): void {
  const name = source.execution.name;
  if (source.execution.status === 'RUNNING') {
    throw new InputError(
      `${name} is still running; a run backs itself out on rejection, timeout or failure. ` +
        'Wait for it to end (credsweep status), or stop it first (aws stepfunctions stop-execution).',
    );
  }
  if (source.mode === 'backout') {
    throw new InputError(
      `${name} is itself a backout (of ${source.backoutOf ?? '?'}); back out the original run instead, or start a new run.`,
    );
  }
}

/** Runs `credsweep backout` (cli/program.ts defines its options). */
export async function backout(ref: string, flags: BackoutFlags): Promise<void> {
  process.exitCode = await backoutRun(ref, flags);
}

/**
 * With --users, every named user must be one the run changed (its evidence lists them): a name it
 * did not change would restore nothing and look like success.
 */
async function checkUsers(source: RunSource, view: RunView, users: string[] | undefined): Promise<void> {
  if (!users) return;
  const evidence = await readEvidence(source, view).catch(() => null);
  if (!evidence) return; // No evidence to check against (still being written, or unreadable): the ledger decides.
  const changed = new Set(evidence.changes.map((c) => c.userName));
  const unknown = users.filter((u) => !changed.has(u));
  if (unknown.length > 0) {
    throw new InputError(
      `${view.execution.name} changed nothing of ${unknown.join(', ')} (its ledger names ` +
        `${changed.size > 0 ? [...changed].join(', ') : 'no user'}); nothing was backed out. ` +
        'Name only users it changed (credsweep show lists them).',
    );
  }
}

async function backoutRun(ref: string, flags: BackoutFlags): Promise<number> {
  const say = (line: string) => {
    if (!flags.json) printLine(line);
  };
  if (flags.local) {
    const runs = localRuns(flags.home);
    const source = await runs.view(ref);
    checkSource(source);
    await checkUsers(runs, source, flags.users);
    validateRequest({
      mode: 'backout',
      backoutOf: source.execution.executionArn,
      ...(flags.users ? { users: flags.users } : {}),
    });
    say(
      `Backing out ${source.execution.name}${flags.users ? ` (users ${flags.users.join(', ')})` : ''} locally`,
    );
    const { view, evidenceDir } = await runLocally({
      home: flags.home,
      ...(flags.json ? { json: true } : {}),
      approval: 'none',
      executionName: backoutName(source.execution.name),
      backoutOf: source.execution.executionArn,
      ...(flags.users ? { users: flags.users } : {}),
    });
    return report(flags, { backoutOf: source.execution.executionArn, ...startedOf(view) }, view, evidenceDir);
  }

  const { resolveTarget } = await import('../aws/target.js');
  const { awsRuns } = await import('../aws/runs.js');
  const { callerArn, startExecution } = await import('../aws/executions.js');
  const target = await resolveTarget({
    ...(flags.stack !== undefined ? { stack: flags.stack } : {}),
    ...(flags.stateMachine !== undefined ? { stateMachine: flags.stateMachine } : {}),
  });
  const runs = awsRuns(target);
  const source = await runs.view(ref);
  checkSource(source);
  await checkUsers(runs, source, flags.users);
  // Always the full ARN: the ledger is keyed by execution ARN.
  const input = validateRequest({
    mode: 'backout',
    backoutOf: source.execution.executionArn,
    ...(flags.users ? { users: flags.users } : {}),
    startedBy: (await callerArn()) ?? localUser(),
  });
  const name = backoutName(source.execution.name);
  const started = await startExecution(target.stateMachineArn, name, input);
  const result = {
    ...started,
    name,
    stateMachineArn: target.stateMachineArn,
    input,
    backoutOf: input.backoutOf,
  };
  say(
    `Started ${name}, restoring what ${source.execution.name} changed${flags.users ? ` for ${flags.users.join(', ')}` : ''}`,
  );
  say(`  ${started.executionArn}`);
  if (!flags.wait) {
    say(`Follow it with: credsweep status ${name}`);
    if (flags.json) printJson(result);
    return 0;
  }
  const view = await followAws(started.executionArn, target.stateMachineArn, flags.poll, say);
  return report(flags, result, view, null);
}

function startedOf(view: RunView) {
  const e = view.execution;
  return {
    executionArn: e.executionArn,
    name: e.name,
    stateMachineArn: e.stateMachineArn,
    startDate: e.startDate,
    input: e.input,
  };
}

function report(
  flags: BackoutFlags,
  started: Record<string, unknown>,
  view: RunView,
  evidenceAt: string | null,
) {
  if (flags.json) {
    printJson({ ...started, run: runJson(view, evidenceAt) });
  } else {
    printLine();
    for (const line of describeRun(view, evidenceAt)) printLine(line);
  }
  return isFailure(view) ? EXIT_RUN_FAILED : 0;
}
