/**
 * How the run commands print an organization run per account: the accounts table (status, show),
 * one account's block (`--account`), and the JSON of each account. Every name, OU and error comes
 * from a report or the Organizations API: printLine and printJson neutralise them.
 */
import { InputError } from '../../handlers/core/shared/errors.js';
import { type AccountRow, accountOf, type OrgRun, outcomeCounts, readOrgRun } from '../org-run.js';
import type { RunSource } from '../runs.js';
import type { CommandHint } from '../source-options.js';
import type { RunView } from '../timeline/run-view.js';
import { table } from './common.js';

const n = (value: number | undefined) => (value === undefined ? '-' : String(value));
/** The table keeps to one line per account; `--account ID` prints the whole error. */
const short = (text: string) => (text.length > 72 ? `${text.slice(0, 71)}…` : text);

/** The accounts of an organization run as a table, with a line counting the outcomes. */
export function accountsLines(org: OrgRun): string[] {
  if (org.accounts.length === 0) return ['', 'Accounts: none listed yet'];
  const rows = org.accounts.map((a) => [
    a.accountId,
    a.name,
    a.ou,
    a.outcome,
    n(a.counts?.proposed),
    n(a.counts?.disabled),
    n(a.counts?.restored),
    a.error ? short(`${a.error.Error}: ${a.error.Cause}`) : '',
  ]);
  return [
    '',
    `Accounts (${org.accounts.length}): ${outcomeCounts(org.accounts)}`,
    ...table(
      ['ACCOUNT', 'NAME', 'OU', 'OUTCOME', 'PROPOSED', 'DISABLED', 'RESTORED', 'ERROR'],
      rows,
      [4, 5, 6],
    ).map((l) => `  ${l}`),
  ];
}

/** One account of an organization run, in labelled lines. */
export function accountLines(
  a: AccountRow,
  evidenceAt: string | null,
  runName: string,
  command: CommandHint,
): string[] {
  const lines: [string, string][] = [
    ['account', `${a.accountId} ${a.name} (OU ${a.ou}, ${a.status})`],
    ['outcome', a.outcome],
  ];
  if (a.counts) {
    lines.push([
      'counts',
      `${a.counts.findings} stale, ${a.counts.proposed} proposed, ${a.counts.disabled} disabled, ${a.counts.restored} restored`,
    ]);
  }
  if (a.error) lines.push(['error', `${a.error.Error}: ${a.error.Cause}`]);
  if (evidenceAt) {
    lines.push(['evidence', `${evidenceAt} (${command(`evidence ${runName} --account ${a.accountId}`)})`]);
  }
  const width = Math.max(...lines.map(([k]) => k.length));
  return lines.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
}

/**
 * The accounts of `view` when it is an organization run (null otherwise), and the one `--account`
 * names (validated: an account of that run). `note` says why the accounts could not be read (in AWS,
 * without the evidence bucket).
 */
export async function orgOf(
  source: RunSource,
  view: RunView,
  accountId: string | undefined,
): Promise<{ org: OrgRun | null; account: AccountRow | null; note: string | null }> {
  if (!view.organization) {
    if (accountId !== undefined) accountOf(view, null, accountId);
    return { org: null, account: null, note: null };
  }
  let note: string | null = null;
  const org = await readOrgRun(source, view).catch((err: Error) => {
    note = `accounts not read: ${err.message}`;
    return null;
  });
  if (accountId !== undefined && !org) throw new InputError(note ?? 'the accounts of the run were not read');
  return { org, account: accountId !== undefined ? accountOf(view, org, accountId) : null, note };
}
