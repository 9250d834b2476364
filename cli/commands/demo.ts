/** `credsweep demo`: the real workflow, locally, against the sandbox account (DESIGN.md contract). */
import { writeFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type ApprovalMode, runDemo } from '../local/demo-run.js';
import type { FailAt } from '../local/engine.js';
import { toHistoryEvent } from '../local/executions.js';
import { SAMPLE_EXEMPT_USERS, sampleSeed } from '../local/sample-account.js';
import { parseSeed } from '../local/seed.js';
import { fromLocalEvents, type TimelineEvent } from '../timeline.js';
import { approvalLinkPrinter, ProgressPrinter } from './common.js';
import { collectUsers, parseIsoDate, parsePositiveInt, parseRate, readUserFile } from './options.js';

interface DemoFlags {
  seed?: string;
  now?: Date;
  days?: number;
  maxCredentials?: number;
  autoApprove?: boolean;
  autoReject?: boolean;
  failAt?: FailAt;
  stateOut?: string;
  json?: boolean;
  home: string;
  exempt?: string[];
  users?: string[];
  dryRun?: boolean;
  approvalTimeout: number;
  port?: number;
  throttle?: number;
  rngSeed?: number;
  deny?: string[];
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Run the real workflow locally against a sandbox account (no AWS needed)')
    .option('--seed <file>', 'sandbox account in the seed format (default: the built-in sample account)')
    .option('--now <iso>', 'the current time for the run (default: now)', parseIsoDate)
    .option('--days <n>', 'unused for this many days or more is stale (default 30)', parsePositiveInt)
    .option(
      '--max-credentials <n>',
      'blast-radius guard: fail before approval above this (default 50)',
      parsePositiveInt,
    )
    .addOption(
      new Option(
        '--auto-approve',
        'approve all through the approval page, without waiting for a click',
      ).conflicts('autoReject'),
    )
    .option('--auto-reject', 'reject through the approval page')
    .addOption(
      new Option('--fail-at <step>', 'make a task fail after its first change').choices([
        'disable-console',
        'deactivate-keys',
        'verify',
      ]),
    )
    .option('--state-out <file>', 'write the sandbox account after the run, in the seed format')
    .option('--json', 'print one JSON object (the DESIGN.md contract) and nothing else on stdout')
    .option('--home <dir>', 'where local runs keep their store, evidence, outbox and secrets', '.credsweep')
    .option(
      '--exempt <users>',
      'user names never touched (comma list, repeatable; \\, for a comma in a name)',
      collectUsers,
    )
    .option('--users <users>', 'only these users (comma list)', collectUsers)
    .option('--dry-run', 'analyze and report only; no approval is asked, nothing changes')
    .option('--approval-timeout <seconds>', 'approval window', parsePositiveInt, 3600)
    .option('--port <n>', 'port of the approval page on 127.0.0.1 (default: any free port)', parsePort)
    .option('--throttle <rate>', 'fraction of IAM calls answered with Throttling (0..1)', parseRate)
    .option('--rng-seed <n>', 'seed for --throttle, for a reproducible run', parsePositiveInt)
    .option('--deny <users>', 'AccessDenied on changes to these users (comma list)', collectUsers)
    .action(async (flags: DemoFlags) => {
      const now = flags.now ?? new Date();
      const seed = flags.seed ? parseSeed(readUserFile(flags.seed, 'seed'), flags.seed) : sampleSeed(now);
      const exemptUsers = flags.exempt ?? (flags.seed ? [] : [...SAMPLE_EXEMPT_USERS]);
      const approval: ApprovalMode = flags.autoApprove
        ? 'auto-approve'
        : flags.autoReject
          ? 'auto-reject'
          : 'manual';
      const say = (line: string) => {
        if (!flags.json) console.log(line);
      };
      say(
        `credsweep demo: account ${seed.accountId} (${seed.users.length} users${flags.seed ? `, ${flags.seed}` : ', built-in sample'}), ` +
          `threshold ${flags.days ?? 30} days, as of ${now.toISOString()}`,
      );
      const printer = new ProgressPrinter(say);
      const events: TimelineEvent[] = [];
      const result = await runDemo({
        seed,
        now,
        home: flags.home,
        approval,
        exemptUsers,
        approvalTimeoutSeconds: flags.approvalTimeout,
        ...(flags.days !== undefined ? { days: flags.days } : {}),
        ...(flags.maxCredentials !== undefined ? { maxCredentials: flags.maxCredentials } : {}),
        ...(flags.users ? { users: flags.users } : {}),
        ...(flags.dryRun ? { dryRun: true } : {}),
        ...(flags.failAt ? { failAt: flags.failAt } : {}),
        ...(flags.port !== undefined ? { port: flags.port } : {}),
        ...(flags.throttle !== undefined ? { throttleRate: flags.throttle } : {}),
        ...(flags.rngSeed !== undefined ? { rngSeed: flags.rngSeed } : {}),
        ...(flags.deny ? { denyUsers: flags.deny } : {}),
        onEvent: (event) => {
          events.push(...fromLocalEvents([toHistoryEvent(event)]));
          printer.update(events);
        },
        onApprovalLink: approvalLinkPrinter(say, approval === 'manual', flags.home),
      });
      const { sandbox, ...summary } = result;
      if (flags.stateOut) writeFileSync(flags.stateOut, `${JSON.stringify(sandbox.toSeed(), null, 2)}\n`);
      if (flags.json) {
        const { error: _error, ...contract } = summary;
        console.log(JSON.stringify({ ...contract, ...(summary.error ? { error: summary.error } : {}) }));
      } else {
        say('');
        say(
          `Result: ${summary.status} (${summary.outcome})${summary.error ? ` - ${summary.error.Error}: ${summary.error.Cause}` : ''}`,
        );
        for (const c of summary.changes) {
          say(
            `  ${c.userName}  ${c.credential}${c.accessKeyId ? ` ${c.accessKeyId}` : ''}: ${c.before} -> ${c.after ?? '?'} [${c.status}]`,
          );
        }
        for (const s of summary.skippedAtRecheck) {
          say(`  skipped ${s.userName} ${s.credential}: used since the report (${s.liveLastUsed})`);
        }
        say(
          `State transitions: ${summary.transitions}; largest state payload: ${summary.maxPayloadBytes} bytes`,
        );
        say(`Evidence: ${summary.evidenceDir}`);
        if (flags.stateOut) say(`Sandbox account after the run: ${flags.stateOut}`);
      }
      process.exitCode = summary.status === 'SUCCEEDED' ? 0 : 3;
    });
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('expected a port number 0-65535');
  return n;
}
