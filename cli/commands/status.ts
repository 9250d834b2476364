/** `credsweep status <execution>`: where a run is, or how it ended, with its counts. */
import type { SourceFlags } from '../source-options.js';
import { describeRun, printJson, printLine, runJson, runSource } from './common.js';

export async function status(ref: string, flags: SourceFlags): Promise<void> {
  const source = await runSource(flags);
  const view = await source.view(ref);
  const evidenceAt = view.execution.status === 'RUNNING' ? null : source.evidenceLocation(view);
  if (flags.json) printJson(runJson(view, evidenceAt));
  else for (const line of describeRun(view, evidenceAt)) printLine(line);
}
