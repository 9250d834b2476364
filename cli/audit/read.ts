/**
 * Reads a period's runs from where they are kept (Step Functions and the evidence bucket, or a local
 * home): the execution lists once, then one evidence.json per run. An organization run's is its
 * summary, whose rows carry what each account's part found, exceptions and open credentials
 * included, so 13 weekly runs of 1,000 accounts are 13 reads, not 13,000. Only a summary written
 * before its rows kept those is completed from the accounts' own evidence, and only for each
 * account's last run. A run whose evidence cannot be read is kept, with why, from its execution record.
 */
import type { Evidence } from '../../handlers/core/evidence/schema.js';
import type { OrgEvidence } from '../../handlers/core/organization/org-evidence.js';
import { inBatches } from '../org-run.js';
import { accountFolder, type RunListing, type RunSource } from '../runs.js';
import type { RunView } from '../timeline/run-view.js';
import {
  type AccountFacts,
  accountFactsOf,
  accountRunFacts,
  orgRunFacts,
  type RunFacts,
  recordRunFacts,
} from './facts.js';

/** How many evidence files are read at once. */
const CONCURRENCY = 16;

/** What reading a run's files needs: its execution ARN. */
const refOf = (executionArn: string) => ({ execution: { executionArn } });

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Every run started in [from, to), oldest first; with `account`, only that account's part of each. */
export async function readPeriod(
  source: RunSource,
  from: Date,
  to: Date,
  account?: string,
): Promise<RunFacts[]> {
  const listings = await source.between(from, to);
  const runs = await inBatches(listings, CONCURRENCY, (listing) => readRun(source, listing));
  const kept = account ? runs.flatMap((r) => onlyAccount(r, account)) : runs;
  await completeOldSummaries(source, kept);
  return kept;
}

async function readRun(source: RunSource, listing: RunListing): Promise<RunFacts> {
  const location = source.evidenceLocation(refOf(listing.executionArn));
  const where = location ?? source.where;
  let text: string | null;
  try {
    text = await source.file(refOf(listing.executionArn), 'evidence.json');
  } catch (err) {
    return fromRecord(
      source,
      listing,
      location,
      `its evidence.json in ${where} could not be read: ${message(err)}`,
    );
  }
  if (text === null) {
    return fromRecord(
      source,
      listing,
      location,
      listing.status === 'RUNNING'
        ? 'still running: its evidence is written when it ends'
        : `no evidence.json in ${where}: the run ended before its Report task wrote it`,
    );
  }
  let parsed: Evidence | OrgEvidence;
  try {
    parsed = JSON.parse(text) as Evidence | OrgEvidence;
  } catch (err) {
    return fromRecord(
      source,
      listing,
      location,
      `its evidence.json in ${where} is not valid JSON (${message(err)})`,
    );
  }
  if (parsed?.schemaVersion !== 2) {
    return fromRecord(
      source,
      listing,
      location,
      `its evidence.json in ${where} is not credsweep evidence (schema 2)`,
    );
  }
  try {
    return 'kind' in parsed && parsed.kind === 'organization'
      ? orgRunFacts(listing, parsed, location)
      : accountRunFacts(listing, parsed as Evidence, location);
  } catch (err) {
    return fromRecord(
      source,
      listing,
      location,
      `its evidence.json in ${where} is incomplete (${message(err)})`,
    );
  }
}

/** What the execution's own record says, when its evidence says nothing. */
async function fromRecord(
  source: RunSource,
  listing: RunListing,
  location: string | null,
  problem: string,
): Promise<RunFacts> {
  let view: RunView | null = null;
  try {
    view = await source.view(listing.executionArn);
  } catch (err) {
    problem += `; its execution history could not be read either (${message(err)})`;
  }
  return recordRunFacts(listing, view, location, problem);
}

/** The run as seen from one account: dropped when it did not cover it. */
function onlyAccount(run: RunFacts, accountId: string): RunFacts[] {
  if (run.accounts.length === 0) return [run];
  const accounts = run.accounts.filter((a) => a.accountId === accountId);
  if (accounts.length === 0) return [];
  if (run.workflow === 'account') return [run];
  const only = accounts[0] as AccountFacts;
  return [{ ...run, counts: only.counts, accounts }];
}

/**
 * Organization summaries written before their rows kept what stood at the end: for each account
 * whose last run has such a row, its own evidence (then the run before, until one analysed it).
 */
async function completeOldSummaries(source: RunSource, runs: RunFacts[]): Promise<void> {
  const byAccount = new Map<string, { run: RunFacts; index: number }[]>();
  for (const run of runs) {
    run.accounts.forEach((a, index) => {
      byAccount.set(a.accountId, [...(byAccount.get(a.accountId) ?? []), { run, index }]);
    });
  }
  const todo = [...byAccount.entries()].filter(
    ([, parts]) => parts.at(-1)?.run.accounts[parts.at(-1)?.index ?? 0]?.open === null,
  );
  await inBatches(todo, CONCURRENCY, async ([accountId, parts]) => {
    for (const { run, index } of [...parts].reverse()) {
      const facts = run.accounts[index] as AccountFacts;
      if (facts.open !== null) return;
      const path = `${accountFolder(accountId)}evidence.json`;
      const text = await source.file(refOf(run.executionArn), path).catch(() => null);
      let ev: Evidence | null = null;
      try {
        ev = text ? (JSON.parse(text) as Evidence) : null;
      } catch {
        ev = null;
      }
      if (!ev?.execution) return;
      const read = accountFactsOf(ev, facts.name, facts.ou);
      run.accounts[index] = { ...facts, asOf: read.asOf, exceptions: read.exceptions, open: read.open };
      if (read.asOf !== null) return;
    }
  });
}
