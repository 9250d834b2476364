/**
 * The notes credsweep writes on a finding: one sentence or two a person reads in the Security Hub
 * console, naming the run. Within Security Hub's 512 characters, plain text, and never a secret:
 * they hold run names, user and access key ids, approver addresses, dates and where the evidence is;
 * an approver's reason is neutralised (control and bidirectional characters) and shortened.
 */
import { clean } from '../shared/html.js';
import type { CredentialKind } from '../shared/types.js';
import { MAX_NOTE_TEXT, MAX_NOTE_UPDATED_BY } from './controls.js';

/** `text` cut to `max` characters (code points), ending in an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Who wrote the note: credsweep and the run (the auto-start ignores findings credsweep wrote). */
export const NOTE_AUTHOR_PREFIX = 'credsweep/';
export const updatedBy = (run: string) => truncate(`${NOTE_AUTHOR_PREFIX}${clean(run)}`, MAX_NOTE_UPDATED_BY);

/** Text from a person (a rejection reason): one line, no control characters, at most `max` characters. */
export const quoted = (text: string, max = 160) => `"${truncate(clean(text).trim(), max)}"`;

export interface CredentialRef {
  credential: CredentialKind;
  accessKeyId: string | null;
}

export function describeCredential(c: CredentialRef): string {
  return c.credential === 'console-password'
    ? 'console password'
    : `access key ${c.accessKeyId ?? c.credential}`;
}

const ORDER: Record<CredentialKind, number> = { 'console-password': 0, 'access-key-1': 1, 'access-key-2': 2 };

/** The credentials in a fixed order (console password, key 1, key 2), comma-separated. */
export const describeAll = (list: CredentialRef[]) =>
  [...list]
    .sort((a, b) => ORDER[a.credential] - ORDER[b.credential])
    .map(describeCredential)
    .join(', ');

/**
 * How notes name a run and its commands: one account of an organization run (`<run>/accounts/<id>`)
 * as "<run> (account <id>)", backed out with `--accounts <id>`.
 */
export function runNames(run: string): { label: string; backout: string; evidence: string } {
  const org = /^(.*)\/accounts\/(\d{12})$/.exec(run);
  if (!org) return { label: run, backout: `credsweep backout ${run}`, evidence: `credsweep evidence ${run}` };
  return {
    label: `${org[1]} (account ${org[2]})`,
    backout: `credsweep backout ${org[1]} --accounts ${org[2]}`,
    evidence: `credsweep evidence ${org[1]}`,
  };
}

export const note = (text: string) => truncate(clean(text), MAX_NOTE_TEXT);
