/**
 * BuildOrgPlan: the one plan of an organization run, from the plans each account's Analyze stored.
 * It is a Plan (so the approval page, the decision and the evidence read it as they read an
 * account's), whose items carry their accountId and whose `organization` lists every account with
 * its state: proposed, nothing-to-do, unreachable, suspended or failed (analysis stopped).
 * The blast-radius guard of the whole run (maxCredentialsTotal) is enforced here; each account's
 * own guard (maxCredentials) already stopped that account in Analyze.
 */
import type { Ports } from '../../ports/index.js';
import type { Evidence } from '../evidence/schema.js';
import { guardApprovalSize } from '../plan/analyze-run.js';
import { readPlan } from '../plan/plan.js';
import { DEFAULT_MAX_CREDENTIALS_TOTAL } from '../shared/defaults.js';
import { CredsweepError } from '../shared/errors.js';
import { quorumOf, type RunRequest } from '../shared/request.js';
import { accountRunId } from '../shared/run-ids.js';
import { evidenceKey, planKey } from '../shared/run-keys.js';
import type { AccountState, OrgPlanAccount, Plan, PlanLifecycle } from '../shared/types.js';
import { readAccounts } from './accounts.js';

export interface OrgPlanResult {
  planKey: string;
  total: number;
  dryRun: boolean;
  thresholdDays: number;
  /** Ids of the accounts with something proposed: the items of the apply fan-out. */
  items: string[];
  accounts: number;
}

/** The whole organization run would disable more than maxCredentialsTotal. */
export class OrgBlastRadiusExceeded extends CredsweepError {
  constructor(count: number, accounts: number, limit: number) {
    super(
      'BlastRadiusExceeded',
      `This run would disable ${count} credentials in ${accounts} accounts, more than the organization limit of ${limit} (maxCredentialsTotal). ` +
        'Nothing was changed. Narrow it (accounts, OUs, users, days) or raise maxCredentialsTotal in the run input if this is intended.',
    );
  }
}

async function optional<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (err) {
    if ((err as Error).name === 'NoSuchKey') return null;
    throw err;
  }
}

/** Reads the things at most `limit` at a time (S3 in AWS, files locally), in order. */
export async function inBatches<T, R>(things: T[], limit: number, read: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < things.length; i += limit) {
    out.push(...(await Promise.all(things.slice(i, i + limit).map(read))));
  }
  return out;
}

export async function buildOrgPlan(
  ports: Ports,
  executionId: string,
  request: RunRequest,
): Promise<OrgPlanResult> {
  const accounts = await readAccounts(ports.blobs, executionId);
  const days = request.days ?? ports.settings.thresholdDays;
  const read = async (account: (typeof accounts)[number]) => {
    const runId = accountRunId(executionId, account.accountId);
    const base = { accountId: account.accountId, name: account.name, ou: account.ou, status: account.status };
    if (account.status !== 'ACTIVE') {
      return {
        row: { ...base, state: 'suspended' as const, proposed: 0, findings: 0, error: null },
        plan: null,
      };
    }
    // An account whose analysis stopped has its evidence written already (unreachable or failed).
    const stopped = await optional(
      async () => JSON.parse(await ports.blobs.get(evidenceKey(runId))) as Evidence,
    );
    if (stopped) {
      const state: AccountState = stopped.outcome === 'unreachable' ? 'unreachable' : 'failed';
      return {
        row: { ...base, state, proposed: 0, findings: stopped.counts.findings, error: stopped.error },
        plan: null,
      };
    }
    const plan = await optional(() => readPlan(ports.blobs, planKey(runId)));
    if (!plan) {
      const error = { Error: 'AnalysisMissing', Cause: 'the analysis of this account stored no plan' };
      return { row: { ...base, state: 'failed' as const, proposed: 0, findings: 0, error }, plan: null };
    }
    const state: AccountState = plan.items.length > 0 ? 'proposed' : 'nothing-to-do';
    return {
      row: {
        ...base,
        state,
        proposed: plan.items.length,
        findings: plan.analysis.findings.length,
        error: null,
      },
      plan,
    };
  };
  const results = await inBatches(accounts, 16, read);
  const rows: OrgPlanAccount[] = results.map((r) => r.row);
  const plans = results.flatMap((r) => (r.plan ? [r.plan] : []));
  const limit =
    request.maxCredentialsTotal ?? ports.settings.maxCredentialsTotal ?? DEFAULT_MAX_CREDENTIALS_TOTAL;
  const now = ports.now().toISOString();
  const lifecycle = joinedLifecycle(plans);
  const plan: Plan = {
    executionId,
    accountId: ports.settings.accountId,
    asOf: now,
    reportGeneratedAt: null,
    thresholdDays: days,
    dryRun: request.dryRun ?? false,
    analysis: {
      asOf: now,
      thresholdDays: days,
      findings: plans.flatMap((p) => p.analysis.findings),
      skipped: plans.flatMap((p) => p.analysis.skipped.map((x) => ({ ...x, accountId: p.accountId }))),
    },
    items: plans.flatMap((p) => p.items),
    unresolved: plans.flatMap((p) => p.unresolved),
    organization: { accounts: rows, maxCredentialsTotal: limit },
    // The one organization approval: the same quorum rule over the whole organization plan.
    approvalsRequired: quorumOf(
      request,
      ports.settings,
      plans.some((p) => p.items.some((i) => i.action === 'delete-access-key')),
    ),
    ...(lifecycle ? { lifecycle } : {}),
  };
  await ports.blobs.put(planKey(executionId), JSON.stringify(plan), 'application/json');
  const withWork = rows.filter((r) => r.state === 'proposed');
  if (plan.items.length > limit) throw new OrgBlastRadiusExceeded(plan.items.length, withWork.length, limit);
  guardApprovalSize(plan);
  return {
    planKey: planKey(executionId),
    total: plan.items.length,
    dryRun: plan.dryRun,
    thresholdDays: days,
    items: withWork.map((r) => r.accountId),
    accounts: rows.length,
  };
}

/**
 * The lifecycle sections of every account, joined, each row naming its account: the organization
 * approval shows what an account approval shows (break-glass users, owners warned, dated exemptions,
 * tags to fix) and the console action the run will really take.
 */
function joinedLifecycle(plans: Plan[]): PlanLifecycle | undefined {
  const first = plans.find((p) => p.lifecycle)?.lifecycle;
  if (!first) return undefined;
  const each = <T>(pick: (l: PlanLifecycle) => T[] | undefined) =>
    plans.flatMap((p) =>
      p.lifecycle ? (pick(p.lifecycle) ?? []).map((x) => ({ ...x, accountId: p.accountId })) : [],
    );
  return {
    warnDays: first.warnDays,
    deleteAfterDays: first.deleteAfterDays,
    consoleAction: first.consoleAction,
    ownerTagKey: first.ownerTagKey,
    warnings: each((l) => l.warnings),
    breakGlass: each((l) => l.breakGlass),
    ownerTagInvalid: each((l) => l.ownerTagInvalid),
    breakGlassTagUnclear: each((l) => l.breakGlassTagUnclear),
    exemptions: each((l) => l.exemptions),
  };
}
