/**
 * `credsweep start`: starts a remediation run (StartExecution) with a readable name and an input the
 * workflow's own schema validates; `--wait` follows it until it ends or waits for approval.
 * `--local` runs the same workflow in this process over the local account `credsweep demo` keeps.
 */
import type { ConsoleAction } from '../../handlers/core/shared/defaults.js';
import { InputError } from '../../handlers/core/shared/errors.js';
import type { RunRequest } from '../../handlers/core/shared/request.js';
import { EXECUTION_NAME } from '../aws/names.js';
import type { ApprovalMode } from '../local/demo-run.js';
import { toHistoryEvent } from '../local/executions.js';
import { SAMPLE_ACCOUNT_ID, SAMPLE_EXEMPT_USERS } from '../local/sample-account.js';
import { isOrganizationSeed } from '../local/seed.js';
import { printError } from '../output.js';
import { localRuns } from '../runs.js';
import { commandHint, type SourceFlags } from '../source-options.js';
import { fromLocalEvents, type TimelineEvent } from '../timeline/events.js';
import type { RunView } from '../timeline/run-view.js';
import {
  approvalLinkPrinter,
  describeRun,
  EXIT_RUN_FAILED,
  executionName,
  followAws,
  isFailure,
  localUser,
  ProgressPrinter,
  printJson,
  printLine,
  runJson,
  validateRequest,
} from './common.js';

export interface StartFlags extends SourceFlags {
  days?: number;
  now?: Date;
  warnDays?: number;
  deleteAfter?: number;
  consoleAction?: ConsoleAction;
  users?: string[];
  exempt?: string[];
  dryRun?: boolean;
  maxCredentials?: number;
  name?: string;
  wait?: boolean;
  poll: number;
  autoApprove?: boolean;
  autoReject?: boolean;
  /** An organization run over every ACTIVE account (or those of --accounts / --ous). */
  allAccounts?: boolean;
  accounts?: string[];
  ous?: string[];
  maxCredentialsTotal?: number;
  /** Raises the run's approval quorum (run input approvalsRequired). */
  approvalsRequired?: number;
  /** With --local: the local approvers. */
  approvers?: string[];
}

/** Whether the flags ask for an organization run; the organization options need one. */
function organizationRun(flags: StartFlags): boolean {
  const org = Boolean(flags.allAccounts || flags.accounts || flags.ous);
  if (flags.allAccounts && (flags.accounts || flags.ous)) {
    throw new InputError(
      '--all-accounts sweeps every account: give it alone, or name --accounts or --ous instead',
    );
  }
  if (!org && flags.maxCredentialsTotal !== undefined) {
    throw new InputError(
      '--max-credentials-total is for organization runs: add --all-accounts, --accounts or --ous',
    );
  }
  return org;
}

/** Runs `credsweep start` (cli/program.ts defines its options). */
export async function start(flags: StartFlags): Promise<void> {
  process.exitCode = flags.local ? await startLocal(flags) : await startAws(flags);
}

function requestOf(flags: StartFlags, startedBy: string): Record<string, unknown> {
  return {
    mode: 'remediate',
    ...(flags.days !== undefined ? { days: flags.days } : {}),
    ...(flags.users ? { users: flags.users } : {}),
    ...(flags.exempt ? { exemptUsers: flags.exempt } : {}),
    ...(flags.dryRun ? { dryRun: true } : {}),
    ...(flags.maxCredentials !== undefined ? { maxCredentials: flags.maxCredentials } : {}),
    ...(flags.accounts ? { accounts: flags.accounts } : {}),
    ...(flags.ous ? { ous: flags.ous } : {}),
    ...(flags.maxCredentialsTotal !== undefined ? { maxCredentialsTotal: flags.maxCredentialsTotal } : {}),
    ...(flags.warnDays !== undefined ? { warnDays: flags.warnDays } : {}),
    ...(flags.deleteAfter !== undefined ? { deleteAfterDays: flags.deleteAfter } : {}),
    ...(flags.consoleAction ? { consoleAction: flags.consoleAction } : {}),
    ...(flags.approvalsRequired !== undefined ? { approvalsRequired: flags.approvalsRequired } : {}),
    startedBy,
  };
}

function checkName(name: string): string {
  if (!EXECUTION_NAME.test(name)) {
    throw new InputError(
      `--name must be 1 to 80 letters, digits, - or _ (Step Functions' rule), got ${JSON.stringify(name)}`,
    );
  }
  return name;
}

async function startAws(flags: StartFlags): Promise<number> {
  if (flags.autoApprove || flags.autoReject) {
    throw new InputError('--auto-approve and --auto-reject are for --local runs; in AWS an approver decides');
  }
  if (flags.now) throw new InputError('--now is for --local runs; in AWS the clock is the real one');
  if (flags.approvers) {
    throw new InputError(
      '--approvers is for --local runs; in AWS the approvers are the deployed approverEmails',
    );
  }
  const say = (line: string) => {
    if (!flags.json) printLine(line);
  };
  const organization = organizationRun(flags);
  validateRequest(requestOf(flags, 'check'));
  const name = checkName(flags.name ?? executionName('run', new Date()));
  const { resolveTarget } = await import('../aws/target.js');
  const { callerArn, startExecution } = await import('../aws/executions.js');
  const target = await resolveTarget({
    ...(flags.stack !== undefined ? { stack: flags.stack } : {}),
    ...(flags.stateMachine !== undefined ? { stateMachine: flags.stateMachine } : {}),
    ...(organization ? { organization: true } : {}),
  });
  const input: RunRequest = validateRequest(requestOf(flags, (await callerArn()) ?? localUser()));
  const started = await startExecution(target.stateMachineArn, name, input);
  const result = { ...started, name, stateMachineArn: target.stateMachineArn, input };
  say(`Started ${name}`);
  say(`  ${started.executionArn}`);
  say(`  by ${input.startedBy}`);
  if (!flags.wait) {
    say(
      `Follow it with: ${commandHint(flags)(`status ${name}`)}   (or ${commandHint(flags)(`show ${name}`)})`,
    );
    if (flags.json) printJson(result);
    return 0;
  }
  const view = await followAws(started.executionArn, target.stateMachineArn, flags.poll, say);
  return finish(flags, result, view, null);
}

function finish(
  flags: StartFlags,
  started: Record<string, unknown>,
  view: RunView,
  evidenceAt: string | null,
): number {
  if (flags.json) {
    printJson({ ...started, run: runJson(view, evidenceAt) });
  } else {
    printLine();
    for (const line of describeRun(view, evidenceAt, commandHint(flags))) printLine(line);
    if (view.waitingForApproval) {
      printLine();
      printLine(
        `Waiting for approval. Follow it with: ${commandHint(flags)(`status ${view.execution.name}`)}`,
      );
    }
  }
  return isFailure(view) ? EXIT_RUN_FAILED : 0;
}

/** The local account `credsweep demo` kept, as an InputError that says what to do when there is none. */
export async function localAccount(home: string, run?: string) {
  const { loadLocalAccount } = await import('../local/demo-run.js');
  try {
    return loadLocalAccount(home, run);
  } catch (err) {
    throw new InputError((err as Error).message);
  }
}

export interface LocalRunOptions {
  home: string;
  json?: boolean;
  approval: ApprovalMode;
  executionName: string;
  days?: number;
  users?: string[];
  exemptUsers?: string[];
  dryRun?: boolean;
  maxCredentials?: number;
  backoutOf?: string;
  accounts?: string[];
  ous?: string[];
  maxCredentialsTotal?: number;
  approvers?: string[];
  approvalsRequired?: number;
  /** The sandbox clock (default: now). */
  now?: Date;
  warnDays?: number;
  deleteAfterDays?: number;
  consoleAction?: ConsoleAction;
}

/** Runs the workflow locally in this process, printing the same progress as `--wait` does in AWS. */
export async function runLocally(opts: LocalRunOptions): Promise<{ view: RunView; evidenceDir: string }> {
  // Over the home's account as it is: the one of the run it backs out, else the last demo's.
  await localAccount(opts.home, opts.backoutOf);
  // The workflow engine and the handlers load only for a local run.
  const { runDemo } = await import('../local/demo-run.js');
  const say = (line: string) => {
    if (!opts.json) printLine(line);
  };
  const printer = new ProgressPrinter(say);
  const events: TimelineEvent[] = [];
  const result = await runDemo({
    now: opts.now ?? new Date(),
    home: opts.home,
    approval: opts.approval,
    executionName: opts.executionName,
    ...(opts.days !== undefined ? { days: opts.days } : {}),
    ...(opts.users ? { users: opts.users } : {}),
    ...(opts.exemptUsers ? { exemptUsers: opts.exemptUsers } : {}),
    ...(opts.dryRun ? { dryRun: true } : {}),
    ...(opts.maxCredentials !== undefined ? { maxCredentials: opts.maxCredentials } : {}),
    ...(opts.backoutOf ? { backoutOf: opts.backoutOf } : {}),
    ...(opts.accounts ? { accounts: opts.accounts } : {}),
    ...(opts.ous ? { ous: opts.ous } : {}),
    ...(opts.maxCredentialsTotal !== undefined ? { maxCredentialsTotal: opts.maxCredentialsTotal } : {}),
    ...(opts.warnDays !== undefined ? { warnDays: opts.warnDays } : {}),
    ...(opts.deleteAfterDays !== undefined ? { deleteAfterDays: opts.deleteAfterDays } : {}),
    ...(opts.consoleAction ? { consoleAction: opts.consoleAction } : {}),
    ...(opts.approvers ? { approvers: opts.approvers } : {}),
    ...(opts.approvalsRequired !== undefined ? { approvalsRequired: opts.approvalsRequired } : {}),
    startedBy: localUser(),
    onEvent: (event) => {
      events.push(...fromLocalEvents([toHistoryEvent(event)]));
      printer.update(events);
    },
    onApprovalLink: approvalLinkPrinter(
      opts.json && opts.approval === 'manual' ? (line) => printError(line, false) : say,
      opts.approval === 'manual',
      opts.home,
    ),
  });
  const source = localRuns(opts.home);
  return { view: await source.view(result.executionName), evidenceDir: `${result.evidenceDir}/` };
}

async function startLocal(flags: StartFlags): Promise<number> {
  const organization = organizationRun(flags);
  // Named by the sandbox clock (--now), as the run's records, mail and evidence are dated.
  const name = checkName(flags.name ?? executionName('run', flags.now ?? new Date()));
  const seed = await localAccount(flags.home);
  if (organization !== isOrganizationSeed(seed)) {
    throw new InputError(
      organization
        ? `the local account in ${flags.home} is one account, not an organization: run \`credsweep demo --org\` (or demo --seed with an organization seed) first`
        : `the local account in ${flags.home} is an organization: start it with --all-accounts, --accounts or --ous`,
    );
  }
  // The built-in sample account is always run with its exemption list, as `credsweep demo` runs it.
  const exemptUsers = [
    ...(!isOrganizationSeed(seed) && seed.accountId === SAMPLE_ACCOUNT_ID ? SAMPLE_EXEMPT_USERS : []),
    ...(flags.exempt ?? []),
  ];
  validateRequest(requestOf(flags, localUser()));
  const approval: ApprovalMode = flags.autoApprove
    ? 'auto-approve'
    : flags.autoReject
      ? 'auto-reject'
      : 'manual';
  const { view, evidenceDir } = await runLocally({
    home: flags.home,
    ...(flags.json ? { json: true } : {}),
    approval,
    executionName: name,
    exemptUsers,
    ...(flags.days !== undefined ? { days: flags.days } : {}),
    ...(flags.users ? { users: flags.users } : {}),
    ...(flags.dryRun ? { dryRun: true } : {}),
    ...(flags.maxCredentials !== undefined ? { maxCredentials: flags.maxCredentials } : {}),
    ...(flags.accounts ? { accounts: flags.accounts } : {}),
    ...(flags.ous ? { ous: flags.ous } : {}),
    ...(flags.maxCredentialsTotal !== undefined ? { maxCredentialsTotal: flags.maxCredentialsTotal } : {}),
    ...(flags.now ? { now: flags.now } : {}),
    ...(flags.warnDays !== undefined ? { warnDays: flags.warnDays } : {}),
    ...(flags.deleteAfter !== undefined ? { deleteAfterDays: flags.deleteAfter } : {}),
    ...(flags.consoleAction ? { consoleAction: flags.consoleAction } : {}),
    ...(flags.approvers ? { approvers: flags.approvers } : {}),
    ...(flags.approvalsRequired !== undefined ? { approvalsRequired: flags.approvalsRequired } : {}),
  });
  const e = view.execution;
  return finish(
    flags,
    {
      executionArn: e.executionArn,
      name,
      stateMachineArn: e.stateMachineArn,
      startDate: e.startDate,
      input: e.input,
    },
    view,
    evidenceDir,
  );
}
