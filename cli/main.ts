/**
 * The `credsweep` command: a registry of subcommands, one `register...(program)` per file in
 * cli/commands/. Errors are printed as `credsweep: <message>`; exit codes: 0 success, 1 bad input
 * or a failure, 2 usage (unknown option, missing or invalid option value).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { CredsweepError } from '../handlers/core/errors.js';
import { registerAnalyze } from './commands/analyze.js';
import { registerBackout } from './commands/backout.js';
import { registerDemo } from './commands/demo.js';
import { registerEvidence } from './commands/evidence.js';
import { registerHistory } from './commands/history.js';
import { registerShow } from './commands/show.js';
import { registerStart } from './commands/start.js';
import { registerStatus } from './commands/status.js';

const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command('credsweep')
  .description(
    'Find IAM credentials unused for N days and disable them through an approved, reversible workflow.',
  )
  .version(version)
  .exitOverride()
  .configureOutput({ outputError: (str, write) => write(`credsweep: ${str.replace(/^error: /, '')}`) })
  .showHelpAfterError('(add --help for usage)');

registerAnalyze(program);
registerDemo(program);
registerStart(program);
registerStatus(program);
registerHistory(program);
registerShow(program);
registerBackout(program);
registerEvidence(program);

// Subcommands added with addCommand() do not inherit the settings above; give them to all.
for (const command of program.commands) command.copyInheritedSettings(program);

// `credsweep history | head`: the reader closed the pipe; stop quietly instead of crashing on EPIPE.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? 0);
});

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = exitCodeOf(err);
}

function exitCodeOf(err: unknown): number {
  if (err instanceof CommanderError) {
    // Commander has printed the message (or the help/version) already.
    return err.exitCode === 0 ? 0 : EXIT_USAGE;
  }
  if (err instanceof CredsweepError) {
    console.error(`credsweep: ${err.message}`);
    return EXIT_FAILURE;
  }
  console.error('credsweep: unexpected error');
  console.error(err);
  return EXIT_FAILURE;
}
