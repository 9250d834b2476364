/**
 * Files written by others (test/fixtures/outside/, each named with its source in the README beside
 * it): real credential reports, Security Hub findings, EventBridge events and Step Functions
 * histories. Read as they are; nothing here edits them.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The path of an outside fixture, e.g. `outsidePath('credential-reports/aws-testbench-2023.csv')`. */
export const outsidePath = (relative: string): string =>
  fileURLToPath(new URL(`../fixtures/outside/${relative}`, import.meta.url));

/** The text of an outside fixture. */
export const outsideText = (relative: string): string => readFileSync(outsidePath(relative), 'utf8');

/** An outside fixture parsed as JSON. */
export const outsideJson = <T = unknown>(relative: string): T => JSON.parse(outsideText(relative)) as T;

/**
 * An outside fixture in JSON5 as localstack writes its state machine templates: `//` comments and
 * trailing commas, otherwise JSON (enough for those files; strings holding `//` are left alone).
 */
export function outsideJson5<T = unknown>(relative: string): T {
  const text = outsideText(relative);
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else out += c;
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1')) as T;
}
