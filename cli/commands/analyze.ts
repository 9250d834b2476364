/**
 * `credsweep analyze --report FILE [--now ISO] [--days N] [--exempt a,b] [--json]`: the auditor's
 * test plan, offline. Reads a credential report (CSV or aws-cli JSON) and prints the credentials
 * unused for N days or more; `--json` prints the contract of docs/analyze.md and nothing else on stdout.
 */

import { decodeReportBytes, readReportInput } from '../../handlers/core/report/report-input.js';
import {
  analyzeReport,
  daysBetween,
  rowCredentials,
  usersNotInReport,
} from '../../handlers/core/report/staleness.js';
import { ReportFormatError } from '../../handlers/core/shared/errors.js';
import type {
  Analysis,
  CredentialReport,
  ReportDate,
  ReportRow,
  SkipReason,
} from '../../handlers/core/shared/types.js';
import { visibleLines } from '../../handlers/core/shared/visible-text.js';
import { plural } from '../../handlers/core/shared/words.js';
import { printError, printJson } from '../output.js';
import { readUserBytes } from './options.js';

export interface AnalyzeFlags {
  report: string;
  now?: Date;
  days: number;
  exempt: string[];
  json?: boolean;
}

/** Runs `credsweep analyze` (cli/program.ts defines its options). */
export function analyze(options: AnalyzeFlags): void {
  const now = options.now ?? new Date();
  const report = loadReport(options.report);
  const analysis = analyzeReport(report, { now, days: options.days, exemptUsers: options.exempt });

  const unknown = usersNotInReport(report, options.exempt);
  if (unknown.length > 0) {
    printError(`warning: --exempt names no user of the report: ${unknown.join(', ')}`);
  }
  if (options.json) {
    printJson(toContract(analysis));
  } else {
    // User names come from the report: anything that could act on the terminal is shown escaped.
    process.stdout.write(visibleLines(formatAnalysis(analysis, report, options.report, now)));
  }
}

function loadReport(file: string): CredentialReport {
  const text = decodeReportBytes(readUserBytes(file, 'report'));
  try {
    return readReportInput(text);
  } catch (err) {
    if (err instanceof ReportFormatError) {
      const source = file === '-' ? 'standard input' : file;
      throw new ReportFormatError(`${source}: ${err.message}`, err.line, err.column, err.userName);
    }
    throw err;
  }
}

/**
 * Exactly the fields of the JSON contract, in its order, whatever else Analysis may carry. Beyond
 * the contract's first five keys, each finding carries `createdAt` and a `reset-recently` skip its credential and
 * both dates: the two dates each judgement was made on (docs/analyze.md).
 */
function toContract(analysis: Analysis): Analysis {
  return {
    asOf: analysis.asOf,
    thresholdDays: analysis.thresholdDays,
    findings: analysis.findings.map(({ userName, credential, lastUsed, createdAt, daysUnused, reason }) => ({
      userName,
      credential,
      lastUsed,
      daysUnused,
      reason,
      createdAt,
    })),
    skipped: analysis.skipped.map(({ userName, reason, credential, lastUsed, createdAt, daysUnused }) =>
      credential === undefined
        ? { userName, reason }
        : {
            userName,
            reason,
            credential,
            lastUsed: lastUsed ?? null,
            createdAt: createdAt ?? null,
            daysUnused,
          },
    ),
  };
}

const REASONS = {
  unused: (days: number) => `not used for ${days}+ days`,
  'never-used': (days: number) => `never used, created ${days}+ days ago`,
} as const;

function formatAnalysis(analysis: Analysis, report: CredentialReport, file: string, now: Date): string {
  const { findings, skipped, thresholdDays } = analysis;
  const out: string[] = [];
  const generated = report.generatedAt === null ? '' : `, generated ${report.generatedAt}`;
  out.push(`Credential report: ${file === '-' ? 'standard input' : file}${generated}`);
  out.push(
    `As of ${analysis.asOf}, threshold ${thresholdDays} days (unused that long or longer is stale).`,
    '',
  );

  if (findings.length === 0) {
    out.push(`No console password or access key has gone unused for ${thresholdDays} days or more.`);
  } else {
    out.push(
      ...table(
        ['USER', 'CREDENTIAL', 'LAST USED (UTC)', 'SET (UTC)', 'DAYS UNUSED', 'WHY'],
        findings.map((f) => [
          f.userName,
          f.credential,
          f.lastUsed === null ? 'never' : f.lastUsed.slice(0, 10),
          f.createdAt === null ? 'unknown' : f.createdAt.slice(0, 10),
          String(f.daysUnused),
          REASONS[f.reason](thresholdDays),
        ]),
        [4],
      ),
    );
  }

  const passwords = findings.filter((f) => f.credential === 'console-password').length;
  const users = new Set(findings.map((f) => f.userName)).size;
  out.push(
    '',
    `${plural(findings.length, 'stale credential')} (${plural(passwords, 'console password')}, ` +
      `${plural(findings.length - passwords, 'access key')}) of ${plural(users, 'user')}; ` +
      `${plural(report.rows.length, 'row')} in the report.`,
  );

  const skippedUsers = skipped.filter((s) => s.credential === undefined);
  if (skippedUsers.length > 0) {
    out.push('', `Skipped ${plural(skippedUsers.length, 'user')}:`);
    out.push(
      ...table(
        ['USER', 'WHY'],
        skippedUsers.map((s) => [s.userName, SKIP_REASONS[s.reason]]),
        [],
      ).map(indent),
    );
  }
  const reset = skipped.filter((s) => s.reason === 'reset-recently');
  if (reset.length > 0) {
    out.push(
      '',
      `Not stale: set again after a last use ${thresholdDays}+ days ago (reset-recently, ${plural(reset.length, 'credential')}).`,
      'Aged from the reset: the new password has not been used yet. Security Hub IAM.8 judges by the last use alone.',
    );
    out.push(
      ...table(
        ['USER', 'CREDENTIAL', 'LAST USED (UTC)', 'SET (UTC)', 'DAYS SINCE SET'],
        reset.map((s) => [
          s.userName,
          s.credential ?? '',
          s.lastUsed ? s.lastUsed.slice(0, 10) : 'never',
          s.createdAt ? s.createdAt.slice(0, 10) : 'unknown',
          String(s.daysUnused ?? ''),
        ]),
        [4],
      ).map(indent),
    );
  }

  const root = report.rows.find((row) => row.isRoot);
  if (root !== undefined) out.push('', ...rootSection(root, now, thresholdDays));
  return `${out.join('\n')}\n`;
}

const SKIP_REASONS = {
  root: 'root user: never changed by credsweep (manual steps below)',
  exempt: 'exempt (--exempt)',
  'exempt-tag': 'exempt (tag credsweep:exempt)',
  'exempt-tag-invalid': 'exemption tag is neither true nor a day YYYY-MM-DD: never acted on',
  'break-glass': 'break-glass user (tag credsweep:break-glass=true)',
  'not-selected': 'not among the selected users',
  'reset-recently': 'password set again after its last use (listed below)',
} as const satisfies Record<SkipReason, string>;

function rootSection(root: ReportRow, now: Date, days: number): string[] {
  const keyLines = rowCredentials(root, now, days)
    .filter((c) => c.credential !== 'console-password')
    .map((c, i) => {
      const label = `access key ${i + 1}`;
      if (!c.enabled) return `  ${label}: not active`;
      const stale = c.assessment?.stale ? `, unused ${days}+ days` : '';
      return `  ${label}: ACTIVE, ${describeUse(root.accessKeys[i]?.lastUsedDate ?? 'N/A', now)}${stale}`;
    });
  return [
    `Root user (${root.user}): credsweep never changes it. In this report:`,
    `  console password: ${describeUse(root.passwordLastUsed, now)}`,
    ...keyLines,
    'Do this by hand (root access keys cannot be deactivated by automation):',
    '  1. Sign in to the AWS Management Console as the root user (the account email address).',
    '  2. Open the account menu (top right) > Security credentials.',
    '  3. Under "Access keys", deactivate every root access key, check nothing breaks, then delete it.',
    '  4. Under "Multi-factor authentication (MFA)", assign an MFA device if none is listed.',
  ];
}

function describeUse(lastUsed: ReportDate, now: Date): string {
  if (!(lastUsed instanceof Date))
    return lastUsed === 'no_information' ? 'no last use recorded' : 'never used';
  const days = daysBetween(lastUsed, now);
  return `last used ${lastUsed.toISOString().slice(0, 10)} (${plural(days, 'day')} ago)`;
}

/** Left-aligned columns separated by two spaces; columns listed in `right` are right-aligned. */
function table(header: string[], rows: string[][], right: number[]): string[] {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        const width = widths[i] ?? 0;
        return right.includes(i) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

function indent(line: string): string {
  return `  ${line}`;
}
