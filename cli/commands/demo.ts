/** `credsweep demo`: the real workflow, locally, against the sandbox account (DESIGN.md contract). */
import { writeFileSync } from 'node:fs';
import { type ApprovalMode, runDemo } from '../local/demo-run.js';
import type { FailAt } from '../local/engine.js';
import { toHistoryEvent } from '../local/executions.js';
import { SAMPLE_EXEMPT_USERS, sampleSeed } from '../local/sample-account.js';
import { parseSeed } from '../local/seed.js';
import { printError, printJson } from '../output.js';
import { fromLocalEvents, type TimelineEvent } from '../timeline.js';
import { approvalLinkPrinter, ProgressPrinter, printLine } from './common.js';
import { readUserFile } from './options.js';

export interface DemoFlags {
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

/** Runs `credsweep demo` (cli/program.ts defines its options). */
export async function demo(flags: DemoFlags): Promise<void> {
  const now = flags.now ?? new Date();
  const seed = flags.seed ? parseSeed(readUserFile(flags.seed, 'seed'), flags.seed) : sampleSeed(now);
  const exemptUsers = flags.exempt ?? (flags.seed ? [] : [...SAMPLE_EXEMPT_USERS]);
  const approval: ApprovalMode = flags.autoApprove
    ? 'auto-approve'
    : flags.autoReject
      ? 'auto-reject'
      : 'manual';
  const say = (line: string) => {
    if (!flags.json) printLine(line);
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
    // With --json stdout is one JSON object: the link a person must open goes to stderr.
    onApprovalLink: approvalLinkPrinter(
      flags.json && approval === 'manual' ? (line) => printError(line, false) : say,
      approval === 'manual',
      flags.home,
    ),
  });
  const { sandbox, ...summary } = result;
  if (flags.stateOut) writeFileSync(flags.stateOut, `${JSON.stringify(sandbox.toSeed(), null, 2)}\n`);
  if (flags.json) {
    const { error: _error, ...contract } = summary;
    printJson({ ...contract, ...(summary.error ? { error: summary.error } : {}) }, null);
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
    say(`State transitions: ${summary.transitions}; largest state payload: ${summary.maxPayloadBytes} bytes`);
    say(`Evidence: ${summary.evidenceDir}`);
    if (flags.stateOut) say(`Sandbox account after the run: ${flags.stateOut}`);
  }
  process.exitCode = summary.status === 'SUCCEEDED' ? 0 : 3;
}
