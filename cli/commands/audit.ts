/**
 * `credsweep audit --from DAY --to DAY [--every DAYS] [--account ID] [--out DIR] [--json]`: whether
 * the control operated throughout a period, for an auditor: every run with its decision and changes,
 * the gaps, the exceptions in force, what was still open at the end, and a trend chart. Reads the
 * runs (cli/audit/read.ts), applies the period's rules (cli/audit/model.ts) and writes report.html,
 * runs.csv, gaps.csv, exceptions.csv and open.csv into DIR.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { plural } from '../../handlers/core/shared/words.js';
import { cadenceDays, DEFAULT_EVERY_DAYS } from '../audit/cadence.js';
import { type AuditModel, auditJson, auditModel } from '../audit/model.js';
import { readPeriod } from '../audit/read.js';
import { exceptionsCsv, gapsCsv, openCsv, runsCsv } from '../audit/render-csv.js';
import { renderAuditHtml } from '../audit/render-html.js';
import { openSubject, whyText } from '../audit/words.js';
import { printError } from '../output.js';
import type { SourceFlags } from '../source-options.js';
import { printJson, printLine, runSource } from './common.js';
import { writable } from './evidence.js';

export interface AuditFlags extends SourceFlags {
  from: string;
  to: string;
  every?: number;
  account?: string;
  out?: string;
}

const DAY_MS = 86_400_000;

/** `usage` reports a bad combination of options as commander does (exit 2). */
export async function audit(flags: AuditFlags, usage: (message: string) => never): Promise<void> {
  if (flags.to < flags.from) usage(`--to ${flags.to} is before --from ${flags.from}: nothing to report`);
  const source = await runSource(flags, true);
  const scheduled = cadenceDays(source.schedule);
  const every = flags.every ?? scheduled ?? DEFAULT_EVERY_DAYS;
  const cadence =
    flags.every !== undefined
      ? '--every'
      : scheduled !== null
        ? `the deployment's schedule, ${source.schedule}`
        : source.schedule
          ? `default: the schedule ${source.schedule} could not be read as days; pass --every`
          : `default: ${source.kind === 'local' ? 'a local home has no schedule' : 'the deployment has no schedule output'}; pass --every`;
  const from = new Date(`${flags.from}T00:00:00Z`);
  const to = new Date(Date.parse(`${flags.to}T00:00:00Z`) + DAY_MS);
  const runs = await readPeriod(source, from, to, flags.account);
  const model = auditModel({
    period: { from: flags.from, to: flags.to, every },
    cadence,
    where: source.where,
    account: flags.account ?? null,
    runs,
  });

  if (runs.length === 0) {
    printError(
      `no run started from ${flags.from} to ${flags.to}${flags.account ? ` in account ${flags.account}` : ''} in ${source.where}: ` +
        (model.gaps.length > 0
          ? 'the whole period is a gap'
          : `the period is not longer than the cadence (${plural(every, 'day')}), so it is no gap`),
    );
  }
  for (const r of runs.filter((r) => r.evidenceProblem))
    printError(`warning: run ${r.name}: ${r.evidenceProblem}`);

  const dir = resolve(flags.out ?? join('credsweep-audit', `${flags.from}_${flags.to}`));
  const files = await writeReport(dir, model);
  if (flags.json) {
    printJson({ ...auditJson(model), dir, files });
    return;
  }
  printSummary(model, dir, files);
}

async function writeReport(dir: string, model: AuditModel): Promise<string[]> {
  const contents: [string, string][] = [
    ['report.html', await renderAuditHtml(model, new Date())],
    ['runs.csv', runsCsv(model)],
    ['gaps.csv', gapsCsv(model)],
    ['exceptions.csv', exceptionsCsv(model)],
    ['open.csv', openCsv(model)],
  ];
  writable(dir, () => mkdirSync(dir, { recursive: true }), 'the audit report');
  return contents.map(([name, text]) => {
    const path = join(dir, name);
    writable(path, () => writeFileSync(path, text), 'the audit report');
    return path;
  });
}

function printSummary(m: AuditModel, dir: string, files: string[]): void {
  const decided = m.runs.filter((r) => r.decision !== null || r.outcome === 'nothing-to-do').length;
  printLine(
    `Audit of ${m.period.from} to ${m.period.to}${m.account ? `, account ${m.account}` : ''}, from ${m.where}`,
  );
  printLine(`  cadence      every ${plural(m.period.every, 'day')} (${m.cadence})`);
  printLine(`  runs         ${plural(m.runs.length, 'run')}, ${decided} reached a decision`);
  for (const r of m.runs) {
    printLine(
      `    ${r.startedAt.slice(0, 10)}  ${r.name}  ${r.kind}  ${r.outcome}` +
        (r.approvers.length ? `  ${r.decision} by ${r.approvers.join(', ')}` : '') +
        (r.counts.changed !== null ? `  ${r.counts.changed} changed` : ''),
    );
  }
  printLine(`  gaps         ${m.gaps.length === 0 ? 'none' : plural(m.gaps.length, 'gap')}`);
  for (const g of m.gaps) printLine(`    ${g.from} to ${g.to}: ${g.why}`);
  const inForce = m.exceptions.filter((x) => x.inForceAtEnd);
  printLine(
    `  exceptions   ${plural(m.exceptions.length, 'exception')} in the period, ${inForce.length} in force at the end`,
  );
  printLine(`  open at end  ${m.open.length}`);
  for (const o of m.open.slice(0, 20)) {
    printLine(
      `    ${o.accountId} ${o.userName ?? ''} ${openSubject(o)}: ${whyText(o)}`.replace(/ {2,}/g, ' '),
    );
  }
  if (m.open.length > 20) printLine(`    … ${m.open.length - 20} more in open.csv`);
  printLine();
  printLine(`Wrote ${dir}/: ${files.map((f) => f.slice(dir.length + 1)).join(', ')}`);
  printLine(
    'Open report.html in a browser to read or print it (docs/compliance.md, "Evidence for an audit period").',
  );
}
