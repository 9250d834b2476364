/** Analysis speed: parse + staleness policy over a 5,000-row and a 50,000-row credential report. */
import { parse } from 'csv-parse/sync';
import { SandboxAccount } from '../../cli/local/sandbox-account.js';
import { parseCredentialReport } from '../../handlers/core/report/credential-report.js';
import { analyzeReport } from '../../handlers/core/report/staleness.js';
import { largeAccountSeed } from '../helpers/large-account.js';
import { medianMs } from './stats.js';

const NOW = new Date('2026-11-26T12:00:00Z');

async function reportOf(users: number): Promise<string> {
  const sandbox = new SandboxAccount(largeAccountSeed({ users, staleFraction: 0.05, now: NOW }), {
    now: () => NOW,
    reportPollsUntilComplete: 0,
  });
  await sandbox.generateCredentialReport();
  return (await sandbox.getCredentialReport()).content;
}

/** IAM caps an account at 5,000 users; the 50,000-row report repeats them under other names. */
function repeatRows(csv: string, times: number): string {
  const [header, root, ...rows] = csv.split('\n');
  const copies: string[] = [];
  for (let i = 0; i < times; i++) {
    for (const row of rows)
      copies.push(
        i === 0 ? row : row.replace(/^([^,"]+)/, `$1-r${i}`).replace(/:user\/([^,]+)/, `:user/$1-r${i}`),
      );
  }
  return [header, root, ...copies].join('\n');
}

export interface AnalysisRow {
  rows: number;
  medianMs: number;
  /** csv-parse alone on the same text, with no options: the floor of any csv-parse-based reader. */
  csvParseMs: number;
  findings: number;
}

export async function benchAnalysis(): Promise<AnalysisRow[]> {
  const base = await reportOf(5000);
  const results: AnalysisRow[] = [];
  for (const [csv, runs] of [
    [base, 21],
    [repeatRows(base, 10), 7],
  ] as const) {
    const analyse = () => analyzeReport(parseCredentialReport(csv), { now: NOW, days: 30 });
    const ms = await medianMs(runs, analyse);
    const csvParseMs = await medianMs(runs, () => parse(csv));
    const report = parseCredentialReport(csv);
    results.push({
      rows: report.rows.filter((r) => !r.isRoot).length,
      medianMs: ms,
      csvParseMs,
      findings: analyse().findings.length,
    });
  }
  return results;
}
