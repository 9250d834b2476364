/** `credsweep history [--limit N]`: recent runs, newest first: when, who started, outcome, counts. */
import type { Command } from 'commander';
import {
  addSourceOptions,
  printJson,
  runJson,
  runSource,
  type SourceFlags,
  shortPrincipal,
  table,
  when,
} from './common.js';
import { parsePositiveInt } from './options.js';

interface HistoryFlags extends SourceFlags {
  limit: number;
}

const n = (value: number | null) => (value === null ? '-' : String(value));

export function registerHistory(program: Command): void {
  const command = program
    .command('history')
    .description('recent runs, newest first: when, who started it, outcome and counts')
    .option('--limit <n>', 'how many runs', parsePositiveInt, 20);
  addSourceOptions(command).action(async (flags: HistoryFlags) => {
    const source = await runSource(flags);
    const views = await source.list(flags.limit);
    if (flags.json) {
      printJson({ where: source.where, runs: views.map((v) => runJson(v, null)) });
      return;
    }
    if (views.length === 0) {
      console.log(
        source.kind === 'local'
          ? `No local runs in ${source.where}: run \`credsweep demo\` or \`credsweep start --local\`.`
          : `No runs of ${source.where} yet: start one with \`credsweep start\`.`,
      );
      return;
    }
    const rows = views.map((v) => [
      when(v.execution.startDate),
      v.execution.name,
      v.execution.status,
      v.outcome,
      shortPrincipal(v.startedBy),
      n(v.counts.findings),
      n(v.counts.changed),
      n(v.counts.restored),
    ]);
    const lines = table(
      ['STARTED', 'NAME', 'STATUS', 'OUTCOME', 'STARTED BY', 'FINDINGS', 'DISABLED', 'RESTORED'],
      rows,
      [5, 6, 7],
    );
    for (const line of lines) console.log(line);
    console.log(
      `\n${views.length} run${views.length === 1 ? '' : 's'} of ${source.where}. Details: credsweep show <name>`,
    );
  });
}
