/**
 * `credsweep backout <execution> [--accounts ids] [--users a,b]`: a new execution of the same
 * workflow in backout mode, which restores exactly what that run's ledger says it changed (keys to
 * Active, console passwords re-created with a reset required). An organization run is backed out by
 * the organization workflow, one child per account it changed (or per account of `--accounts`).
 * `--local` runs it over the local account (or organization).
 */
import { InputError } from '../../handlers/core/shared/errors.js';
import { printError } from '../output.js';
import { localRuns, type RunSource, readEvidence, readOrgEvidence } from '../runs.js';
import { commandHint, type SourceFlags } from '../source-options.js';
import type { RunView } from '../timeline/run-view.js';
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
  /** Organization runs: only these accounts. */
  accounts?: string[];
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
 * did not change would restore nothing and look like success. Organization runs: checkAccounts.
 */
async function checkUsers(source: RunSource, view: RunView, flags: BackoutFlags): Promise<void> {
  if (view.organization) return checkAccounts(source, view, flags);
  if (flags.accounts) {
    throw new InputError(
      `--accounts is for organization runs; ${view.execution.name} is a run of one account (leave --accounts out)`,
    );
  }
  const users = flags.users;
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

/**
 * An organization run: each of --accounts must be an account of that run in which it changed
 * something, and each of --users a user it changed in those accounts (its org summary lists them):
 * anything else would restore nothing and look like success.
 */
async function checkAccounts(source: RunSource, view: RunView, flags: BackoutFlags): Promise<void> {
  const name = view.execution.name;
  const org = await readOrgEvidence(source, view).catch(() => null);
  if (!org) {
    // No summary to check against (unreadable): the ledger decides; the ids are 12 digits already.
    if (flags.accounts || flags.users) {
      printError(
        `warning: the evidence of ${name} could not be read, so --accounts and --users were not checked against it`,
      );
    }
    return;
  }
  const changedIn = (accountId: string) => org.changes.filter((c) => c.accountId === accountId);
  for (const id of flags.accounts ?? []) {
    const account = org.accounts.find((a) => a.accountId === id);
    if (!account) {
      throw new InputError(
        `account ${id} is not an account of ${name} (its accounts: ${org.accounts
          .map((a) => `${a.accountId} ${a.name}`)
          .join(', ')}); nothing was backed out.`,
      );
    }
    if (changedIn(id).length === 0) {
      const changed = [...new Set(org.changes.map((c) => c.accountId))];
      throw new InputError(
        `${name} changed nothing in account ${id} (${account.name}: ${account.outcome}); nothing was backed out. ` +
          `It changed ${changed.length > 0 ? `accounts ${changed.join(', ')}` : 'no account'}.`,
      );
    }
  }
  if (!flags.users) return;
  const scope = flags.accounts ?? [...new Set(org.changes.map((c) => c.accountId))];
  const changed = new Set(scope.flatMap((id) => changedIn(id).map((c) => c.userName)));
  const unknown = flags.users.filter((u) => !changed.has(u));
  if (unknown.length > 0) {
    throw new InputError(
      `${name} changed nothing of ${unknown.join(', ')} in ${flags.accounts ? `accounts ${scope.join(', ')}` : 'any account'} ` +
        `(it changed ${changed.size > 0 ? [...changed].join(', ') : 'no user'} there); nothing was backed out. ` +
        'Name only users it changed (credsweep show lists them by account).',
    );
  }
}

/** `(accounts 222222222222; users alice)` or ''. */
function scopeText(flags: BackoutFlags): string {
  const parts = [
    ...(flags.accounts ? [`accounts ${flags.accounts.join(', ')}`] : []),
    ...(flags.users ? [`users ${flags.users.join(', ')}`] : []),
  ];
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

async function backoutRun(ref: string, flags: BackoutFlags): Promise<number> {
  const say = (line: string) => {
    if (!flags.json) printLine(line);
  };
  if (flags.local) {
    const runs = localRuns(flags.home);
    const source = await runs.view(ref);
    checkSource(source);
    await checkUsers(runs, source, flags);
    validateRequest({
      mode: 'backout',
      backoutOf: source.execution.executionArn,
      ...(flags.accounts ? { accounts: flags.accounts } : {}),
      ...(flags.users ? { users: flags.users } : {}),
    });
    say(`Backing out ${source.execution.name}${scopeText(flags)} locally`);
    const { view, evidenceDir } = await runLocally({
      home: flags.home,
      ...(flags.json ? { json: true } : {}),
      approval: 'none',
      executionName: backoutName(source.execution.name),
      backoutOf: source.execution.executionArn,
      ...(flags.accounts ? { accounts: flags.accounts } : {}),
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
  await checkUsers(runs, source, flags);
  // Always the full ARN: the ledger is keyed by execution ARN.
  const input = validateRequest({
    mode: 'backout',
    backoutOf: source.execution.executionArn,
    ...(flags.accounts ? { accounts: flags.accounts } : {}),
    ...(flags.users ? { users: flags.users } : {}),
    startedBy: (await callerArn()) ?? localUser(),
  });
  const name = backoutName(source.execution.name);
  // The workflow that ran it backs it out: an organization run's is the organization workflow.
  const stateMachineArn = source.execution.stateMachineArn || target.stateMachineArn;
  const started = await startExecution(stateMachineArn, name, input);
  const result = {
    ...started,
    name,
    stateMachineArn,
    input,
    backoutOf: input.backoutOf,
  };
  say(`Started ${name}, restoring what ${source.execution.name} changed${scopeText(flags)}`);
  say(`  ${started.executionArn}`);
  if (!flags.wait) {
    say(`Follow it with: ${commandHint(flags)(`status ${name}`)}`);
    if (flags.json) printJson(result);
    return 0;
  }
  const view = await followAws(started.executionArn, stateMachineArn, flags.poll, say);
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
    for (const line of describeRun(view, evidenceAt, commandHint(flags))) printLine(line);
  }
  return isFailure(view) ? EXIT_RUN_FAILED : 0;
}
