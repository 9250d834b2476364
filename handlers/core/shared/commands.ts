/**
 * The credsweep commands a mail, a Security Hub note or a page suggests, written so they paste as
 * printed: every word shell-quoted when needed, followed by the options the deployment's commands
 * need to find its runs (Settings.commandOptions: `--local --home <dir>` for a local home).
 */

/** A word as a POSIX shell reads it back: as it is when plain, else in single quotes. */
export function shellWord(word: string): string {
  return /^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** `credsweep <words…> <options>`: `options` is already shell-ready (it is built with shellWord). */
export function credsweepCommand(words: string[], options = ''): string {
  return ['credsweep', ...words.map(shellWord), ...(options ? [options] : [])].join(' ');
}
