/**
 * What the command line writes for people and scripts. Report and approver text may hold characters
 * that act on a terminal (ESC sequences, bidi overrides, line breaks); every line and error goes
 * through the one neutraliser (handlers/core/shared/visible-text.ts), and JSON escapes them.
 */
import { terminalJson, visible } from '../handlers/core/shared/visible-text.js';

/** One JSON object on stdout; characters that could act on a terminal are written as `\uXXXX`. */
export function printJson(value: unknown, indent: number | null = 2): void {
  process.stdout.write(`${terminalJson(value, indent ?? undefined)}\n`);
}

/** A line for a person on stdout, with visible escapes for what would act instead of showing. */
export function printLine(line = ''): void {
  process.stdout.write(`${visible(line)}\n`);
}

/** `credsweep: <message>` for stderr; messages may quote report or request text. */
export function errorLine(message: string): string {
  return `credsweep: ${lines(message)}\n`;
}

/** A message of several lines prints as lines (each neutralised); only the line breaks are kept. */
function lines(message: string): string {
  return message
    .split(/\r?\n/)
    .map((line) => visible(line))
    .join('\n  ');
}

/** A warning or error line on stderr (`credsweep: ` first unless `prefixed` is false). */
export function printError(message: string, prefixed = true): void {
  process.stderr.write(prefixed ? errorLine(message) : `${lines(message)}\n`);
}
