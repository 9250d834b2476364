/**
 * Runs the run commands (start, status, history, show, backout, evidence, demo) in this process, the way
 * cli/main.ts wires them, and captures what they print and the exit code. A child process costs about
 * a second on the test machines; this costs milliseconds.
 */
import { Command, CommanderError } from 'commander';
import { registerBackout } from '../../cli/commands/backout.js';
import { registerDemo } from '../../cli/commands/demo.js';
import { registerEvidence } from '../../cli/commands/evidence.js';
import { registerHistory } from '../../cli/commands/history.js';
import { registerShow } from '../../cli/commands/show.js';
import { registerStart } from '../../cli/commands/start.js';
import { registerStatus } from '../../cli/commands/status.js';
import { CredsweepError } from '../../handlers/core/errors.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const program = new Command('credsweep').exitOverride().configureOutput({
    writeOut: (s) => {
      stdout += s;
    },
    writeErr: (s) => {
      stderr += s;
    },
  });
  registerStart(program);
  registerStatus(program);
  registerHistory(program);
  registerShow(program);
  registerBackout(program);
  registerEvidence(program);
  registerDemo(program);
  for (const command of program.commands) command.copyInheritedSettings(program);

  const originalLog = console.log;
  const originalError = console.error;
  const originalWrite = process.stdout.write.bind(process.stdout);
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
  process.exitCode = undefined;
  let code: number;
  try {
    await program.parseAsync(args, { from: 'user' });
    code = typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) code = err.exitCode === 0 ? 0 : 2;
    else if (err instanceof CredsweepError) {
      stderr += `credsweep: ${err.message}\n`;
      code = 1;
    } else throw err;
  } finally {
    console.log = originalLog;
    console.error = originalError;
    process.stdout.write = originalWrite;
    process.exitCode = undefined;
  }
  return { code, stdout, stderr };
}
