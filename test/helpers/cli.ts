/**
 * Runs the commands in this process, as cli/main.ts builds them (cli/program.ts), and captures what
 * they print and the exit code. A child process costs a tenth of a second or more on the test
 * machines; this costs milliseconds. test/cli/ also runs the built bin, as a user does.
 */
import { CommanderError } from 'commander';
import { errorLine } from '../../cli/output.js';
import { buildProgram } from '../../cli/program.js';
import { CredsweepError } from '../../handlers/core/shared/errors.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const program = buildProgram('0.0.0-test', {
    writeOut: (s) => {
      stdout += s;
    },
    writeErr: (s) => {
      stderr += s;
    },
  });

  const originalLog = console.log;
  const originalError = console.error;
  const originalWrite = process.stdout.write.bind(process.stdout);
  const originalErrWrite = process.stderr.write.bind(process.stderr);
  console.log = (...parts: unknown[]) => {
    stdout += `${parts.map(String).join(' ')}\n`;
  };
  console.error = (...parts: unknown[]) => {
    stderr += `${parts.map(String).join(' ')}\n`;
  };
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
    return true;
  }) as typeof process.stderr.write;
  process.exitCode = undefined;
  let code: number;
  try {
    await program.parseAsync(args, { from: 'user' });
    code = typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) code = err.exitCode === 0 ? 0 : 2;
    else if (err instanceof CredsweepError) {
      stderr += errorLine(err.message);
      code = 1;
    } else throw err;
  } finally {
    console.log = originalLog;
    console.error = originalError;
    process.stdout.write = originalWrite;
    process.stderr.write = originalErrWrite;
    process.exitCode = undefined;
  }
  return { code, stdout, stderr };
}
