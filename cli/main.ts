/**
 * The `credsweep` command: cli/program.ts defines it, and each command's module loads when it
 * runs. Errors are printed as `credsweep: <message>`; exit codes: 0 success, 1 bad input or a
 * failure, 2 usage (unknown option, missing or invalid option value).
 */
import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { CredsweepError } from '../handlers/core/shared/errors.js';
import { errorLine } from './output.js';
import { packageFile } from './package-files.js';
import { buildProgram } from './program.js';

const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

const { version } = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string };
const program = buildProgram(version);

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
    // Messages may quote report or request text: shown with visible escapes.
    process.stderr.write(errorLine(err.message));
    return EXIT_FAILURE;
  }
  console.error('credsweep: unexpected error');
  console.error(err);
  return EXIT_FAILURE;
}
