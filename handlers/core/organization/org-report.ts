/**
 * The report of an organization run: every account gets its own evidence folder
 * (`runs/<name>/accounts/<id>/`: evidence.json, findings.csv, report.html, written by the account's
 * own Report task, or here for the accounts no task reported: nothing to do, suspended, rejected…),
 * and the run gets an org summary next to them (`runs/<name>/`: evidence.json with one row per
 * account, findings.csv of every account with its account column, report.html), and one mail.
 */
import type { Ports } from '../../ports/index.js';
import { approvalIdFor } from '../approval/links.js';
import { causeMessage } from '../evidence/collect.js';
import { approvalEvidence } from '../evidence/credential-records.js';
import { csvLine, FINDINGS_CSV_COLUMNS, renderFindingsCsv } from '../evidence/csv.js';
import { OUTCOME_TEXT } from '../evidence/html.js';
import type { ErrorInfo, Evidence } from '../evidence/schema.js';
import { exceptionsOf, openOf } from '../evidence/standing.js';
import { changedText } from '../evidence/summary.js';
import { readPlan } from '../plan/plan.js';
import { RUN_NAME_REUSED } from '../plan/run-identity.js';
import { reportRun, securityHubLines } from '../run/report-run.js';
import { findingsPorts } from '../security-hub/account-hub.js';
import type { Outcome } from '../shared/outcomes.js';
import type { RunRequest } from '../shared/request.js';
import { accountRunId } from '../shared/run-ids.js';
import { evidenceKey, findingsCsvKey, planKey, reportHtmlKey } from '../shared/run-keys.js';
import { plural } from '../shared/words.js';
import { readAccounts } from './accounts.js';
import type { OrgAccountEvidence, OrgEvidence } from './org-evidence.js';
import { inBatches } from './org-plan.js';
import { renderOrgReportHtml } from './org-report-html.js';
import { orgSummaryMail } from './org-summary-mail.js';

export interface OrgReportTask {
  executionId: string;
  outcome: Outcome;
  request: RunRequest;
  approvalId?: string;
  error?: ErrorInfo | null;
}

export interface OrgReportResult {
  outcome: Outcome;
  evidenceKey: string;
  accounts: number;
  /** Accounts whose changes were backed out, whose backout failed, or whose analysis failed. */
  failedAccounts: number;
  /** Credentials disabled and restored in all accounts (as an account run's Report says them). */
  changed: number;
  restored: number;
}

const BEFORE_APPROVAL: readonly Outcome[] = ['rejected', 'timed-out', 'dry-run', 'failed', 'nothing-to-do'];
const FAILED: readonly Outcome[] = ['backed-out', 'backout-failed', 'failed'];

async function optionalJson<T>(ports: Ports, key: string): Promise<T | null> {
  try {
    return JSON.parse(await ports.blobs.get(key)) as T;
  } catch (err) {
    if ((err as Error).name === 'NoSuchKey') return null;
    throw err;
  }
}

/** The outcome of an account that no task of the run reported. */
function unreportedOutcome(
  status: string,
  state: string | undefined,
  task: OrgReportTask,
): { outcome: Outcome; error: ErrorInfo | null } {
  if (status !== 'ACTIVE') return { outcome: 'suspended', error: null };
  if (task.request.mode === 'backout') {
    // The backout Map run was interrupted (BackoutInterrupted): an account that did not report may
    // not be restored.
    return task.error
      ? {
          outcome: 'backout-failed',
          error: {
            Error: 'AccountNotReported',
            Cause: `the backout of this account ended without its report (${task.error.Error}); see the execution history`,
          },
        }
      : { outcome: 'backed-out', error: null };
  }
  if (state === 'nothing-to-do') return { outcome: 'nothing-to-do', error: null };
  if (BEFORE_APPROVAL.includes(task.outcome)) return { outcome: task.outcome, error: task.error ?? null };
  return {
    outcome: 'failed',
    error: {
      Error: 'AccountNotReported',
      Cause: 'the apply of this account ended without its report; see the execution history',
    },
  };
}

function orgOutcome(task: OrgReportTask, accounts: OrgAccountEvidence[]): Outcome {
  const any = (o: Outcome) => accounts.some((a) => a.outcome === o);
  if (task.request.mode === 'backout') return any('backout-failed') ? 'backout-failed' : 'backed-out';
  if (task.outcome !== 'remediated') return task.outcome;
  if (any('backout-failed')) return 'backout-failed';
  if (any('backed-out')) return 'backed-out';
  return 'remediated';
}

function orgSummary(e: Omit<OrgEvidence, 'summary'>): string {
  const c = e.counts;
  const parts = [
    `${plural(c.accounts, 'account')}: ${c.remediated} remediated, ${c.nothingToDo} with nothing to do`,
    c.backedOut > 0 ? `${c.backedOut} backed out` : '',
    c.failed > 0 ? `${c.failed} failed` : '',
    c.unreachable > 0 ? `${c.unreachable} unreachable` : '',
    c.suspended > 0 ? `${c.suspended} suspended` : '',
  ].filter(Boolean);
  const head = `${OUTCOME_TEXT[e.outcome]}. ${parts.join(', ')}.`;
  const lost =
    c.cannotRestore > 0
      ? ` ${plural(c.cannotRestore, 'change')} approved as impossible to undo could not be restored: ${e.accounts
          .flatMap((a) =>
            (a.cannotRestore ?? []).map(
              (x) => `${x.userName} ${x.accessKeyId ?? x.credential} in ${a.accountId}`,
            ),
          )
          .join(', ')}.`
      : '';
  const changed =
    c.deleted > 0
      ? `Of ${plural(c.proposed, 'proposed credential')}, ${changedText(c, ' and ')}`
      : `${c.disabled} of ${plural(c.proposed, 'proposed credential')} disabled`;
  return `${head} ${changed}, ${c.restored} restored.${lost}`;
}

/** The org summary, and each account's own evidence (the rows of the org findings.csv). */
export async function collectOrgEvidence(
  ports: Ports,
  task: OrgReportTask,
): Promise<{ evidence: OrgEvidence; perAccount: Evidence[] }> {
  const { executionId } = task;
  const accounts = await readAccounts(ports.blobs, executionId).catch((err: Error) => {
    if (err.name === 'NoSuchKey') return [];
    throw err;
  });
  const plan = await readPlan(ports.blobs, planKey(executionId)).catch(() => null);
  const states = new Map((plan?.organization?.accounts ?? []).map((a) => [a.accountId, a.state]));
  const rows = await inBatches(accounts, 16, async (account): Promise<[OrgAccountEvidence, Evidence]> => {
    const runId = accountRunId(executionId, account.accountId);
    let evidence = await optionalJson<Evidence>(ports, evidenceKey(runId));
    if (!evidence) {
      const { outcome, error } = unreportedOutcome(account.status, states.get(account.accountId), task);
      await reportRun(
        findingsPorts(ports, account.accountId),
        {
          executionId: runId,
          outcome,
          request: task.request,
          ...(task.approvalId ? { approvalId: task.approvalId } : {}),
          error,
        },
        { mail: false },
      );
      evidence = (await optionalJson<Evidence>(ports, evidenceKey(runId))) as Evidence;
    }
    return [
      {
        accountId: account.accountId,
        name: account.name,
        ou: account.ou,
        status: account.status,
        outcome: evidence.outcome,
        summary: evidence.summary,
        counts: evidence.counts,
        error: evidence.error,
        securityHub: securityHubLines(evidence)[0] ?? null,
        evidenceKey: evidenceKey(runId),
        ...(evidence.backout?.cannotRestore.length ? { cannotRestore: evidence.backout.cannotRestore } : {}),
        asOf: evidence.report?.asOf ?? null,
        thresholdDays: evidence.report?.thresholdDays ?? null,
        exceptions: exceptionsOf(evidence),
        open: openOf(evidence),
      },
      evidence,
    ];
  });
  const record = await ports.store.getApproval(task.approvalId ?? approvalIdFor(executionId));
  const accountRows = rows.map(([row]) => row);
  const count = (o: Outcome) => accountRows.filter((a) => a.outcome === o).length;
  const sum = (pick: (c: Evidence['counts']) => number) =>
    accountRows.reduce((n, a) => n + pick(a.counts), 0);
  const base: Omit<OrgEvidence, 'summary'> = {
    schemaVersion: 2,
    kind: 'organization',
    execution: {
      id: executionId,
      name: executionId.split(':').pop() ?? executionId,
      accountId: ports.settings.accountId,
      ...arnParts(executionId),
      mode: task.request.mode,
      startedBy: task.request.startedBy ?? null,
      request: task.request,
    },
    outcome: orgOutcome(task, accountRows),
    writtenAt: ports.now().toISOString(),
    approval: record ? approvalEvidence(record) : null,
    accounts: accountRows,
    changes: rows.flatMap(([row, ev]) => ev.changes.map((c) => ({ ...c, accountId: row.accountId }))),
    notApproved: rows.flatMap(([row, ev]) =>
      ev.unchanged
        .filter((c) => c.result === 'not-approved')
        .map((c) => ({
          accountId: row.accountId,
          userName: c.userName,
          credential: c.credential,
          accessKeyId: c.accessKeyId,
        })),
    ),
    securityHubFindings: rows.flatMap(([row, ev]) =>
      (ev.securityHub?.findings ?? []).map((f) => ({ ...f, accountId: row.accountId })),
    ),
    counts: {
      accounts: accountRows.length,
      remediated: count('remediated'),
      nothingToDo: count('nothing-to-do'),
      unreachable: count('unreachable'),
      suspended: count('suspended'),
      failed: count('failed') + count('backout-failed'),
      backedOut: count('backed-out'),
      proposed: sum((c) => c.proposed),
      disabled: sum((c) => c.disabled),
      deleted: sum((c) => c.deleted),
      restored: sum((c) => c.restored),
      cannotRestore: accountRows.reduce((n, a) => n + (a.cannotRestore?.length ?? 0), 0),
    },
    error: task.error ? { Error: task.error.Error, Cause: causeMessage(task.error.Cause) } : null,
  };
  return { evidence: { ...base, summary: orgSummary(base) }, perAccount: rows.map(([, ev]) => ev) };
}

function arnParts(executionId: string): { region: string | null; stateMachineArn: string | null } {
  const parts = executionId.split(':');
  if (parts.length !== 8 || parts[5] !== 'execution') return { region: null, stateMachineArn: null };
  return {
    region: parts[3] ?? null,
    stateMachineArn: [...parts.slice(0, 5), 'stateMachine', parts[6]].join(':'),
  };
}

/** findings.csv of the whole run: the header once, then every account's rows (its account_id column). */
export function renderOrgFindingsCsv(accounts: Evidence[]): string {
  const header = csvLine([...FINDINGS_CSV_COLUMNS]);
  return header + accounts.map((ev) => renderFindingsCsv(ev).slice(header.length)).join('');
}

export async function orgReportRun(ports: Ports, task: OrgReportTask): Promise<OrgReportResult> {
  if (task.error?.Error === RUN_NAME_REUSED) {
    // The records under this name are an earlier run's (its accounts, plan, evidence): nothing of
    // this run may read them as its own or replace them.
    return {
      outcome: task.outcome,
      evidenceKey: '',
      accounts: 0,
      failedAccounts: 0,
      changed: 0,
      restored: 0,
    };
  }
  const { evidence, perAccount } = await collectOrgEvidence(ports, task);
  const id = task.executionId;
  await ports.blobs.put(findingsCsvKey(id), renderOrgFindingsCsv(perAccount), 'text/csv; charset=utf-8');
  await ports.blobs.put(reportHtmlKey(id), renderOrgReportHtml(evidence), 'text/html; charset=utf-8');
  const key = evidenceKey(id);
  await ports.blobs.put(key, `${JSON.stringify(evidence, null, 2)}\n`, 'application/json');
  if (evidence.outcome !== 'nothing-to-do' && evidence.outcome !== 'dry-run') {
    await ports.mail.send({
      to: ports.settings.approverEmails,
      ...orgSummaryMail(evidence, ports.settings.commandOptions),
    });
  }
  const failedAccounts = evidence.accounts.filter((a) =>
    task.request.mode === 'backout' ? a.outcome === 'backout-failed' : FAILED.includes(a.outcome),
  ).length;
  return {
    outcome: evidence.outcome,
    evidenceKey: key,
    accounts: evidence.accounts.length,
    failedAccounts,
    changed: evidence.counts.disabled,
    restored: evidence.counts.restored,
  };
}
