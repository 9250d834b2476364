/** `credsweep status <execution>`: where a run is, or how it ended, with its counts. */
import type { Command } from 'commander';
import { addSourceOptions, describeRun, printJson, runJson, runSource, type SourceFlags } from './common.js';

export function registerStatus(program: Command): void {
  const command = program
    .command('status')
    .description('where a run is now, or how it ended: state, approval, counts, error')
    .argument('<execution>', 'the run: its name or execution ARN');
  addSourceOptions(command).action(async (ref: string, flags: SourceFlags) => {
    const source = await runSource(flags);
    const view = await source.view(ref);
    const evidenceAt = view.execution.status === 'RUNNING' ? null : source.evidenceLocation(view);
    if (flags.json) printJson(runJson(view, evidenceAt));
    else for (const line of describeRun(view, evidenceAt)) console.log(line);
  });
}
