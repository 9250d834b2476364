/**
 * `credsweep history [--limit N]`: recent runs, newest first: when, who started, outcome, counts.
 * Organization runs are marked (KIND `org`) with the number of accounts they covered; their
 * outcome is the run's overall one (`credsweep status <name>` gives each account's).
 */
import { commandHint, type SourceFlags } from '../source-options.js';
import { printJson, printLine, runJson, runSource, shortPrincipal, table, when } from './common.js';

export interface HistoryFlags extends SourceFlags {
  limit: number;
}

/** `credsweep demo` has no --local: it is always local, in --home. */
const demoCommand = (flags: SourceFlags) => commandHint(flags)('demo').replace(' --local', '');

const n = (value: number | null) => (value === null ? '-' : String(value));

export async function history(flags: HistoryFlags): Promise<void> {
  const source = await runSource(flags);
  const command = commandHint(flags);
  const views = await source.list(flags.limit);
  if (flags.json) {
    printJson({
      where: source.where,
      runs: views.map((v) => ({ ...runJson(v, null), kind: v.organization ? 'organization' : 'account' })),
    });
    return;
  }
  if (views.length === 0) {
    printLine(
      source.kind === 'local'
        ? `No local runs in ${source.where}: run \`${demoCommand(flags)}\` or \`${command('start')}\`.`
        : `No runs of ${source.where} yet: start one with \`${command('start')}\`.`,
    );
    return;
  }
  const rows = views.map((v) => [
    when(v.execution.startDate),
    v.execution.name,
    v.organization ? 'org' : 'account',
    v.organization ? n(v.accountCount) : '-',
    v.execution.status,
    v.outcome,
    shortPrincipal(v.startedBy),
    n(v.counts.findings),
    n(v.counts.changed),
    n(v.counts.restored),
  ]);
  const lines = table(
    [
      'STARTED',
      'NAME',
      'KIND',
      'ACCOUNTS',
      'STATUS',
      'OUTCOME',
      'STARTED BY',
      'FINDINGS',
      'DISABLED',
      'RESTORED',
    ],
    rows,
    [3, 7, 8, 9],
  );
  for (const line of lines) printLine(line);
  printLine();
  printLine(
    `${views.length} run${views.length === 1 ? '' : 's'} of ${source.where}. Details: ${command('show <name>')}` +
      (views.some((v) => v.organization) ? `; an org run per account: ${command('status <name>')}` : ''),
  );
}
