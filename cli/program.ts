/**
 * Every `credsweep` command with its arguments, options and help text. What a command does is in
 * cli/commands/<name>.ts, imported only when that command runs: `--version`, `--help` and
 * `analyze` never load the workflow engine or an AWS SDK client, and an AWS command loads the
 * client it calls (see scripts/build.ts for how the bundle keeps them apart).
 */

import { Command, InvalidArgumentError, Option, type OutputConfiguration } from 'commander';
import { CONSOLE_ACTIONS, DEFAULT_THRESHOLD_DAYS } from '../handlers/core/shared/defaults.js';
import { visibleLines } from '../handlers/core/shared/visible-text.js';
import type { AnalyzeFlags } from './commands/analyze.js';
import type { AuditFlags } from './commands/audit.js';
import type { BackoutFlags } from './commands/backout.js';
import type { DemoFlags } from './commands/demo.js';
import type { DoctorFlags } from './commands/doctor.js';
import type { EvidenceFlags } from './commands/evidence.js';
import type { HistoryFlags } from './commands/history.js';
import {
  collectUsers,
  commaItems,
  LengthChecks,
  parseAccountId,
  parseAccountList,
  parseDay,
  parseDays,
  parseEmailList,
  parseFailAt,
  parseIsoDate,
  parseNameList,
  parseOuList,
  parsePositiveInt,
  parseRate,
  parseSeconds,
  runRule,
  splitNames,
} from './commands/options.js';
import type { StartFlags } from './commands/start.js';
import type { RunFlags } from './commands/status.js';
import { addSourceOptions, DEFAULT_HOME } from './source-options.js';

export const DESCRIPTION =
  'Find IAM credentials unused for N days and disable them through an approved, reversible workflow.';

/** The whole command line; `output` replaces where commander writes (tests capture it). */
export function buildProgram(version: string, output: OutputConfiguration = {}): Command {
  // Every name or id an argument gives is within AWS's limit before any command acts on it.
  const lengths = new LengthChecks();
  const userNames = (argument: string, parse: (value: string, previous: string[]) => string[]) =>
    lengths.limited(argument, 'userName', parse, splitNames);
  const accounts = lengths.limited('--accounts', 'accountId', parseAccountList, commaItems);
  const ous = lengths.limited('--ous', 'ouId', parseOuList, commaItems);
  const approvers = lengths.limited('--approvers', 'email', parseEmailList, commaItems);
  const account = lengths.limited('--account', 'accountId', parseAccountId);
  const run = lengths.limited('<execution>', runRule);
  const program = new Command('credsweep')
    .description(DESCRIPTION)
    .version(version)
    .exitOverride()
    .configureOutput({
      // Commander echoes option values: shown with visible escapes, like every other message.
      outputError: (str, write) => write(visibleLines(`credsweep: ${str.replace(/^error: /, '')}`)),
      ...output,
    })
    .showHelpAfterError('(add --help for usage)')
    .hook('preAction', lengths.refuse);

  program
    .command('analyze')
    .description(
      'list console passwords and access keys unused for N days or more in an IAM credential report',
    )
    .requiredOption(
      '--report <file>',
      'the credential report: the CSV from the console\'s "Download Report", or the JSON printed by ' +
        '`aws iam get-credential-report`; "-" reads standard input',
    )
    .option(
      '--now <iso>',
      'evaluate as of this date or instant, e.g. 2026-11-26 or 2026-11-26T00:00:00Z (default: now)',
      parseIsoDate,
    )
    .option(
      '--days <n>',
      'threshold in whole days: unused this long or longer is stale',
      parsePositiveInt,
      DEFAULT_THRESHOLD_DAYS,
    )
    .option(
      '--exempt <users>',
      'comma-separated user names never reported (repeatable; write \\, for a comma inside a name)',
      userNames('--exempt', collectUsers),
      [],
    )
    .option('--json', 'print one JSON object {asOf, thresholdDays, findings, skipped} instead of a table')
    .action(async (flags: AnalyzeFlags) => (await import('./commands/analyze.js')).analyze(flags));

  program
    .command('demo')
    .description('Run the real workflow locally against a sandbox account (no AWS needed)')
    .addOption(
      new Option(
        '--seed <file>',
        'sandbox account or organization in the seed format (default: the built-in sample account)',
      ).conflicts('org'),
    )
    .option('--org', 'run the organization workflow on the built-in sample organization')
    .option('--now <iso>', 'the current time for the run (default: now)', parseIsoDate)
    .option('--days <n>', 'unused for this many days or more is stale (default 30)', parsePositiveInt)
    .option(
      '--max-credentials <n>',
      'blast-radius guard: fail before approval above this (default 50)',
      parsePositiveInt,
    )
    .option(
      '--max-credentials-total <n>',
      'organization blast-radius guard: fail before approval above this many in all accounts (default 500)',
      parsePositiveInt,
    )
    .option('--accounts <ids>', 'organization: only these member accounts (comma list)', accounts)
    .option('--ous <ids>', 'organization: only the accounts of these OUs (comma list)', ous)
    .addOption(
      new Option(
        '--auto-approve',
        'approve all through the approval page, without waiting for a click',
      ).conflicts('autoReject'),
    )
    .option('--auto-reject', 'reject through the approval page')
    .option(
      '--fail-at <step>',
      'make a task fail after its first change: disable-console, deactivate-keys or verify; STEP@ACCOUNT in an organization',
      parseFailAt,
    )
    .option(
      '--state-out <file>',
      'write the sandbox account (or organization) after the run, in its seed form',
    )
    .option('--json', 'print one JSON object (its keys: docs/runbook.md) and nothing else on stdout')
    .option('--home <dir>', 'where local runs keep their store, evidence, outbox and secrets', DEFAULT_HOME)
    .option(
      '--exempt <users>',
      'user names never touched (comma list, repeatable; \\, for a comma in a name)',
      userNames('--exempt', collectUsers),
    )
    .option('--users <users>', 'only these users (comma list)', userNames('--users', collectUsers))
    .option('--dry-run', 'analyze and report only; no approval is asked, nothing changes')
    .option(
      '--warn-days <n>',
      'warn owners this many days before a disable; 0: no warnings (default 7)',
      parseDays,
    )
    .option(
      '--delete-after <days>',
      'also propose deleting keys credsweep deactivated this many days ago (cannot be undone)',
      parseDays,
    )
    .addOption(
      new Option(
        '--console-action <action>',
        'what to do to an unused console password (default disable)',
      ).choices([...CONSOLE_ACTIONS]),
    )
    .option('--approval-timeout <seconds>', 'approval window', parsePositiveInt, 3600)
    .option(
      '--approvers <addresses>',
      'the local approvers (comma list); each gets their own mail and link in the outbox (default: two sample approvers)',
      approvers,
    )
    .option(
      '--approvals-required <n>',
      'approvals from different people this run needs (raises the quorum, never lowers it)',
      parsePositiveInt,
    )
    .option('--port <n>', 'port of the approval page on 127.0.0.1 (default: any free port)', parsePort)
    .option('--throttle <rate>', 'fraction of IAM calls answered with Throttling (0..1)', parseRate)
    .option('--rng-seed <n>', 'seed for --throttle, for a reproducible run', parsePositiveInt)
    .option(
      '--deny <users>',
      'AccessDenied on changes to these users (comma list)',
      userNames('--deny', collectUsers),
    )
    .action(async (flags: DemoFlags) => (await import('./commands/demo.js')).demo(flags));

  const start = program
    .command('start')
    .description('start a run: find stale credentials, ask for approval, disable what is approved')
    .option(
      '--days <n>',
      'unused for this many days or more is stale (default: the deployed threshold)',
      parsePositiveInt,
    )
    .option(
      '--users <names>',
      'only these users (comma list; \\, for a comma in a name)',
      userNames('--users', parseNameList),
    )
    .option(
      '--exempt <names>',
      'also never touch these users in this run (comma list)',
      userNames('--exempt', parseNameList),
    )
    .option('--dry-run', 'analyze and report only: no approval is asked and nothing changes')
    .option(
      '--max-credentials <n>',
      'blast-radius guard: fail before approval above this many (default: the deployed limit)',
      parsePositiveInt,
    )
    .option('--all-accounts', 'organization: every ACTIVE account (the organization workflow)')
    .option('--accounts <ids>', 'organization: only these accounts (comma list)', accounts)
    .option('--ous <ids>', 'organization: only the accounts of these OUs (comma list)', ous)
    .option(
      '--max-credentials-total <n>',
      'organization blast-radius guard: fail before approval above this many in all accounts (default: the deployed limit)',
      parsePositiveInt,
    )
    .option(
      '--warn-days <n>',
      'warn owners (tag credsweep:owner) this many days before a disable; 0: no warnings (default: deployed, 7)',
      parseDays,
    )
    .option(
      '--delete-after <days>',
      'also propose deleting keys credsweep deactivated this many days ago (cannot be undone); 0: off',
      parseDays,
    )
    .addOption(
      new Option('--console-action <action>', 'what to do to an unused console password').choices([
        ...CONSOLE_ACTIONS,
      ]),
    )
    .option(
      '--approvals-required <n>',
      'approvals from different people this run needs (raises the deployed quorum, never lowers it)',
      parsePositiveInt,
    )
    .option(
      '--approvers <addresses>',
      'with --local: the local approvers (comma list), each with their own mail and link in the outbox',
      approvers,
    )
    .option(
      '--now <iso>',
      'with --local: the sandbox clock (rehearse the lifecycle days later in the same home)',
      parseIsoDate,
    )
    .option(
      '--name <name>',
      'execution name (default run-<UTC time>-<4 random>)',
      lengths.limited('--name', 'executionName'),
    )
    .option('--wait', 'follow the run until it ends or waits for approval')
    .option('--poll <seconds>', 'seconds between progress checks with --wait', parseSeconds, 5)
    .addOption(
      new Option('--auto-approve', 'with --local: approve all through the approval page').conflicts(
        'autoReject',
      ),
    )
    .addOption(new Option('--auto-reject', 'with --local: reject through the approval page'));
  addSourceOptions(start, lengths).action(async (flags: StartFlags) =>
    (await import('./commands/start.js')).start(flags),
  );

  const status = program
    .command('status')
    .description(
      'where a run is now, or how it ended: state, approval, counts, error; an organization run per account',
    )
    .argument('<execution>', 'the run: its name or execution ARN', run)
    .option('--account <id>', 'organization run: only this account (12 digits)', account);
  addSourceOptions(status, lengths).action(async (ref: string, flags: RunFlags) =>
    (await import('./commands/status.js')).status(ref, flags),
  );

  const history = program
    .command('history')
    .description(
      'recent runs, newest first: when, who started it, outcome and counts; organization runs with their accounts',
    )
    .option('--limit <n>', 'how many runs', parsePositiveInt, 20);
  addSourceOptions(history, lengths).action(async (flags: HistoryFlags) =>
    (await import('./commands/history.js')).history(flags),
  );

  const show = program
    .command('show')
    .description('a run in detail: its timeline, the approval, each change before and after, verification')
    .argument('<execution>', 'the run: its name or execution ARN', run)
    .option(
      '--account <id>',
      "organization run: only this account's steps and evidence (12 digits)",
      account,
    );
  addSourceOptions(show, lengths, { bucket: true }).action(async (ref: string, flags: RunFlags) =>
    (await import('./commands/show.js')).show(ref, flags),
  );

  const backout = program
    .command('backout')
    .description(
      "restore what a run changed, from that run's ledger (a new execution in backout mode); an organization run per account",
    )
    .argument('<execution>', 'the run to back out: its name or execution ARN', run)
    .option(
      '--accounts <ids>',
      'organization run: only restore these accounts (comma list of 12-digit ids it changed)',
      accounts,
    )
    .option(
      '--users <names>',
      'only restore these users (comma list; \\, for a comma in a name)',
      userNames('--users', parseNameList),
    )
    .option('--wait', 'follow the backout until it ends')
    .option('--poll <seconds>', 'seconds between progress checks with --wait', parseSeconds, 5);
  addSourceOptions(backout, lengths).action(async (ref: string, flags: BackoutFlags) =>
    (await import('./commands/backout.js')).backout(ref, flags),
  );

  const evidence = program
    .command('evidence')
    .description("copy a run's evidence (evidence.json, findings.csv, report.html) into a directory")
    .argument('<execution>', 'the run: its name or execution ARN', run)
    .option('--out <dir>', 'where to write the files (default ./credsweep-evidence/<execution name>)')
    .option(
      '--account <id>',
      "organization run: only this account's folder (default: the org summary and every account's folder)",
      account,
    );
  addSourceOptions(evidence, lengths, { bucket: true }).action(async (ref: string, flags: EvidenceFlags) =>
    (await import('./commands/evidence.js')).evidence(ref, flags),
  );

  const audit = program
    .command('audit')
    .description(
      'evidence for an audit period: every run with its decision and changes, gaps in the cadence, exceptions in force, what was open at the end, a trend chart',
    )
    .requiredOption('--from <day>', 'first day of the period, YYYY-MM-DD (UTC)', parseDay)
    .requiredOption('--to <day>', 'last day of the period, included, YYYY-MM-DD (UTC)', parseDay)
    .option(
      '--every <days>',
      "expected cadence: a longer stretch without a decided run is a gap (default: the deployment's schedule, else 7)",
      parsePositiveInt,
    )
    .option('--account <id>', "only this account's part of each run (12 digits)", account)
    .option(
      '--out <dir>',
      'where to write report.html and the CSV files (default ./credsweep-audit/<from>_<to>)',
    );
  addSourceOptions(audit, lengths, { bucket: true }).action(async (flags: AuditFlags, command: Command) =>
    (await import('./commands/audit.js')).audit(flags, (message) =>
      command.error(message, { exitCode: 2, code: 'credsweep.usage' }),
    ),
  );

  program
    .command('doctor')
    .description('check a deployed stack, read-only: SES, the approval API, the password policy, the alarm')
    .option(
      '--stack <name>',
      'the CloudFormation stack (default Credsweep)',
      lengths.limited('--stack', 'stackName'),
    )
    .option('--json', 'print one JSON object on stdout and nothing else')
    .action(async (flags: DoctorFlags) => (await import('./commands/doctor.js')).doctor(flags));

  // Subcommands do not inherit the settings above (exit override, output); give them to all.
  for (const command of program.commands) command.copyInheritedSettings(program);
  return program;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('expected a port number 0-65535');
  return n;
}
