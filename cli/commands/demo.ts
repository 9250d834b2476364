/** `credsweep demo`: the real workflow, locally, against the sandbox account (its --json: docs/runbook.md). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Evidence } from '../../handlers/core/evidence/schema.js';
import { securityHubLines } from '../../handlers/core/run/report-run.js';
import type { ConsoleAction } from '../../handlers/core/shared/defaults.js';
import { InputError } from '../../handlers/core/shared/errors.js';
import { type ApprovalMode, runDemo } from '../local/demo-run.js';
import { toHistoryEvent } from '../local/executions.js';
import { SAMPLE_EXEMPT_USERS, sampleSeed } from '../local/sample-account.js';
import { sampleOrganization } from '../local/sample-organization.js';
import { isOrganizationSeed, parseAnySeed, type Seed } from '../local/seed.js';
import { printError, printJson } from '../output.js';
import { fromLocalEvents, type TimelineEvent } from '../timeline/events.js';
import { approvalLinkPrinter, ProgressPrinter, printLine } from './common.js';
import { type parseFailAt, readUserFile } from './options.js';

export interface DemoFlags {
  seed?: string;
  warnDays?: number;
  deleteAfter?: number;
  consoleAction?: ConsoleAction;
  now?: Date;
  days?: number;
  maxCredentials?: number;
  autoApprove?: boolean;
  autoReject?: boolean;
  failAt?: ReturnType<typeof parseFailAt>;
  org?: boolean;
  accounts?: string[];
  ous?: string[];
  maxCredentialsTotal?: number;
  stateOut?: string;
  json?: boolean;
  home: string;
  exempt?: string[];
  users?: string[];
  dryRun?: boolean;
  approvalTimeout: number;
  approvers?: string[];
  approvalsRequired?: number;
  port?: number;
  throttle?: number;
  rngSeed?: number;
  deny?: string[];
}

/** Runs `credsweep demo` (cli/program.ts defines its options). */
export async function demo(flags: DemoFlags): Promise<void> {
  const now = flags.now ?? new Date();
  const seed = flags.seed
    ? parseAnySeed(readUserFile(flags.seed, 'seed'), flags.seed)
    : flags.org
      ? sampleOrganization(now)
      : sampleSeed(now);
  const org = isOrganizationSeed(seed) ? seed.organization : null;
  if (!org && (flags.failAt?.accountId || flags.accounts || flags.ous || flags.maxCredentialsTotal)) {
    throw new InputError(
      '--fail-at STEP@ACCOUNT, --accounts, --ous and --max-credentials-total are for organization runs (--org or an organization seed)',
    );
  }
  const exemptUsers = flags.exempt ?? (flags.seed || flags.org ? [] : [...SAMPLE_EXEMPT_USERS]);
  const approval: ApprovalMode = flags.autoApprove
    ? 'auto-approve'
    : flags.autoReject
      ? 'auto-reject'
      : 'manual';
  const say = (line: string) => {
    if (!flags.json) printLine(line);
  };
  const source = flags.seed ? `, ${flags.seed}` : ', built-in sample';
  say(
    org
      ? `credsweep demo: organization of ${org.managementAccountId} (${org.accounts.length} accounts${source}), ` +
          `threshold ${flags.days ?? 30} days, as of ${now.toISOString()}`
      : `credsweep demo: account ${(seed as Seed).accountId} (${(seed as Seed).users.length} users${source}), ` +
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
    ...(flags.approvers ? { approvers: flags.approvers } : {}),
    ...(flags.approvalsRequired !== undefined ? { approvalsRequired: flags.approvalsRequired } : {}),
    ...(flags.days !== undefined ? { days: flags.days } : {}),
    ...(flags.maxCredentials !== undefined ? { maxCredentials: flags.maxCredentials } : {}),
    ...(flags.users ? { users: flags.users } : {}),
    ...(flags.dryRun ? { dryRun: true } : {}),
    ...(flags.warnDays !== undefined ? { warnDays: flags.warnDays } : {}),
    ...(flags.deleteAfter !== undefined ? { deleteAfterDays: flags.deleteAfter } : {}),
    ...(flags.consoleAction ? { consoleAction: flags.consoleAction } : {}),
    ...(flags.failAt ? { failAt: flags.failAt.step } : {}),
    ...(flags.failAt?.accountId ? { faultAccount: flags.failAt.accountId } : {}),
    ...(flags.accounts ? { accounts: flags.accounts } : {}),
    ...(flags.ous ? { ous: flags.ous } : {}),
    ...(flags.maxCredentialsTotal !== undefined ? { maxCredentialsTotal: flags.maxCredentialsTotal } : {}),
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
  const { sandbox, organization, ...summary } = result;
  if (flags.stateOut) {
    const state = organization ? organization.toSeed() : sandbox.toSeed();
    writeFileSync(flags.stateOut, `${JSON.stringify(state, null, 2)}\n`);
  }
  if (flags.json) {
    const { error: _error, ...contract } = summary;
    printJson({ ...contract, ...(summary.error ? { error: summary.error } : {}) }, null);
  } else {
    say('');
    say(
      `Result: ${summary.status} (${summary.outcome})${summary.error ? ` - ${summary.error.Error}: ${summary.error.Cause}` : ''}`,
    );
    const change = (c: (typeof summary.changes)[number], indent: string) =>
      say(
        `${indent}${c.userName}  ${c.credential}${c.accessKeyId ? ` ${c.accessKeyId}` : ''}: ${c.before} -> ${c.after ?? '?'} [${c.status}]`,
      );
    if (summary.accounts) {
      for (const a of summary.accounts) {
        say(`  ${a.name} (${a.accountId}, ${a.ou}): ${a.outcome}${a.error ? ` - ${a.error.Error}` : ''}`);
        for (const c of a.changes) change(c, '    ');
      }
    } else {
      for (const c of summary.changes) change(c, '  ');
    }
    for (const s of summary.skippedAtRecheck) {
      say(`  skipped ${s.userName} ${s.credential}: used since the report (${s.liveLastUsed})`);
    }
    say(
      `State transitions: ${summary.transitions}; largest state payload: ${summary.maxPayloadBytes} bytes; ` +
        `largest execution history: ${summary.maxExecutionEvents} events`,
    );
    say(`Evidence: ${summary.evidenceDir}`);
    for (const line of securityHubOfRun(summary.evidenceDir)) say(line);
    if (flags.stateOut) say(`Sandbox account after the run: ${flags.stateOut}`);
  }
  process.exitCode = summary.status === 'SUCCEEDED' ? 0 : 3;
}

/** What became of the account's Security Hub findings, from the run's evidence (nothing when it wrote none). */
function securityHubOfRun(evidenceDir: string): string[] {
  let evidence: Pick<Evidence, 'securityHub'>;
  try {
    evidence = JSON.parse(readFileSync(join(evidenceDir, 'evidence.json'), 'utf8')) as Evidence;
  } catch {
    return [];
  }
  return securityHubLines(evidence);
}
