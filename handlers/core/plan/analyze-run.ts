/**
 * The Analyze task's logic: report -> findings -> the lifecycle rules (tags, owner warnings, the
 * delete stage) -> key ids -> stored plan.
 */

import type { AccessKeyInfo, UserInfo } from '../../ports/iam.js';
import type { Ports } from '../../ports/index.js';
import { parseCredentialReport } from '../report/credential-report.js';
import { analyzeReport, type RowCredential, rowCredentials } from '../report/staleness.js';
import { nullIfMissing, perUser } from '../shared/calls.js';
import { ApprovalTooLarge, BlastRadiusExceeded } from '../shared/errors.js';
import { approvalRecordProblem } from '../shared/quotas.js';
import { maxCredentialsOf, quorumOf, type RunRequest } from '../shared/request.js';
import { planKey } from '../shared/run-keys.js';
import type {
  BatchRef,
  CredentialKind,
  Finding,
  Plan,
  PlanItem,
  PlanLifecycle,
  ReportDate,
  ReportRow,
  Skipped,
} from '../shared/types.js';
import { deletionCandidates } from './lifecycle/deletion.js';
import { type LifecycleSettings, lifecycleSettings } from './lifecycle/settings.js';
import { breakGlassUnclear, exemptionOf, isBreakGlass, ownerOf, tagValue } from './lifecycle/tags.js';
import { credentialKey, type OwnedCredential, sendOwnerWarnings, warningStep } from './lifecycle/warnings.js';
import { itemId, storePlan } from './plan.js';
import { refuseReusedName } from './run-identity.js';

export interface AnalyzeResult {
  planKey: string;
  total: number;
  dryRun: boolean;
  thresholdDays: number;
  findings: number;
  skipped: number;
  /** Owners' warnings listed in the plan (mailed by this run or earlier); those credentials are not proposed yet. */
  warned: number;
  /** Access keys proposed for deletion (the delete stage). */
  deletions: number;
  batches: BatchRef[];
}

const sameSecond = (a: ReportDate, iso: string) =>
  a instanceof Date && Math.floor(a.getTime() / 1000) === Math.floor(new Date(iso).getTime() / 1000);

/**
 * The report has no key ids: key 1 and key 2 are matched to ListAccessKeys by creation date
 * (access_key_N_last_rotated is the key's creation time). When dates do not match exactly, the
 * keys ordered by creation fill the slots, as AWS orders them.
 */
export function matchKey(row: ReportRow, slot: 1 | 2, keys: AccessKeyInfo[]): AccessKeyInfo | undefined {
  const rotated = row.accessKeys[slot - 1]?.lastRotated;
  const exact = keys.find((k) => rotated !== undefined && sameSecond(rotated, k.createdAt));
  if (exact) return exact;
  const ordered = [...keys].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return keys.length === 2 ? ordered[slot - 1] : slot === 1 ? ordered[0] : undefined;
}

const fold = (name: string) => name.toLowerCase();

/** Credentials of a row that are stale, or (with warnings on) stale within warnDays. */
function watched(row: ReportRow, now: Date, days: number, warnDays: number): RowCredential[] {
  return rowCredentials(row, now, days).filter(
    ({ assessment }) =>
      assessment !== null && (assessment.stale || (warnDays > 0 && assessment.daysUnused >= days - warnDays)),
  );
}

/** What every step of one analysis reads: the run, its settings and its clock. */
interface Analysis {
  ports: Ports;
  executionId: string;
  accountId: string | undefined;
  now: Date;
  days: number;
  dryRun: boolean;
  life: LifecycleSettings;
  exemptUsers: string[];
  request: RunRequest;
  getUser: (name: string) => Promise<UserInfo | null>;
  listKeys: (name: string) => Promise<AccessKeyInfo[]>;
}

/** What the analysis gathers, user by user, into the plan. */
interface Gathered {
  items: PlanItem[];
  findings: Finding[];
  skipped: Skipped[];
  unresolved: Plan['unresolved'];
  lifecycle: PlanLifecycle;
}

/** The users the rules look at: their report rows, their stale findings, stale users first. */
interface UsersInScope {
  rows: ReportRow[];
  rowsByUser: Map<string, ReportRow>;
  staleByUser: Map<string, Finding[]>;
  candidates: string[];
}

/**
 * The Analyze task: report -> findings -> each candidate user through the lifecycle rules ->
 * break-glass users -> deletions -> owner warnings -> the stored plan, guarded by maxCredentials.
 * `accountId` is set in an organization run: plan item ids then start with it, so the one approval
 * of the run names each credential of each account unambiguously.
 */
export async function analyzeRun(
  ports: Ports,
  executionId: string,
  request: RunRequest,
  accountId?: string,
): Promise<AnalyzeResult> {
  await refuseReusedName(ports, executionId);
  // Refused before anything is read: a limit the workflow could not hold within its quotas.
  const limit = maxCredentialsOf(request, ports.settings);
  const run = analysisOf(ports, executionId, request, accountId);
  // Refused before anything is read: a run input lowering the quorum, or one nobody could reach.
  quorumOf(request, ports.settings, run.life.deleteAfterDays !== null);
  const { report, analysis } = await readReport(run);
  const scope = usersInScope(run, report, analysis);
  const gathered: Gathered = {
    items: [],
    findings: [],
    skipped: [...analysis.skipped],
    unresolved: [],
    lifecycle: emptyLifecycle(run.life),
  };
  for (const userName of scope.candidates) await planUser(run, scope, gathered, userName);
  gathered.lifecycle.breakGlass.push(
    ...(await breakGlassUsers(
      report.rows.filter((r) => !r.isRoot),
      run.getUser,
      run.life,
      run.now,
      run.days,
    )),
  );
  gathered.items.push(...(await proposeDeletions(run, scope.rows)));
  // Owners are warned only by a run that passed the blast-radius guard and will ask for approval.
  const stopped = gathered.items.length > limit;
  if (stopped || run.dryRun) for (const n of gathered.lifecycle.warnings) n.mailed = false;
  else await warnOwners(run, gathered.lifecycle);
  return storeGuardedPlan(run, report.generatedAt, analysis, gathered, limit);
}

function analysisOf(ports: Ports, executionId: string, request: RunRequest, accountId?: string): Analysis {
  const { iam, settings } = ports;
  return {
    ports,
    executionId,
    accountId,
    now: ports.now(),
    days: request.days ?? settings.thresholdDays,
    dryRun: request.dryRun ?? false,
    life: lifecycleSettings(settings, request),
    exemptUsers: [...settings.exemptUsers, ...(request.exemptUsers ?? [])],
    request,
    getUser: perUser((name): Promise<UserInfo | null> => iam.getUser(name).catch(nullIfMissing)),
    listKeys: perUser((name) => iam.listAccessKeys(name)),
  };
}

async function readReport(run: Analysis) {
  const { content, generatedAt } = await run.ports.iam.getCredentialReport();
  const report = parseCredentialReport(content, generatedAt);
  const analysis = analyzeReport(report, {
    now: run.now,
    days: run.days,
    exemptUsers: run.exemptUsers,
    ...(run.request.users ? { users: run.request.users } : {}),
  });
  return { report, analysis };
}

/** Not root, not in the exemption list, selected (when users are given); stale users first. */
function usersInScope(
  run: Analysis,
  report: ReturnType<typeof parseCredentialReport>,
  analysis: ReturnType<typeof analyzeReport>,
): UsersInScope {
  const listed = new Set(run.exemptUsers.map(fold));
  const selected = run.request.users ? new Set(run.request.users.map(fold)) : null;
  const eligible = (row: ReportRow) =>
    !row.isRoot && !listed.has(fold(row.user)) && (selected === null || selected.has(fold(row.user)));
  const staleByUser = new Map<string, Finding[]>();
  for (const f of analysis.findings) staleByUser.set(f.userName, [...(staleByUser.get(f.userName) ?? []), f]);
  const rows = report.rows.filter(eligible);
  // Stale users first (as the findings are sorted), then users whose credentials are stale soon.
  const candidates = [
    ...staleByUser.keys(),
    ...rows
      .filter((r) => !staleByUser.has(r.user) && watched(r, run.now, run.days, run.life.warnDays).length > 0)
      .map((r) => r.user),
  ];
  return { rows, rowsByUser: new Map(rows.map((r) => [r.user, r])), staleByUser, candidates };
}

function emptyLifecycle(life: LifecycleSettings): PlanLifecycle {
  return {
    warnDays: life.warnDays,
    deleteAfterDays: life.deleteAfterDays,
    consoleAction: life.consoleAction,
    ownerTagKey: life.ownerTagKey,
    warnings: [],
    breakGlass: [],
    ownerTagInvalid: [],
    breakGlassTagUnclear: [],
    exemptions: [],
  };
}

/** One user through the tag rules (break-glass, exempt, owner), then their credentials. */
async function planUser(run: Analysis, scope: UsersInScope, out: Gathered, userName: string): Promise<void> {
  const stale = scope.staleByUser.get(userName) ?? [];
  const user = await run.getUser(userName);
  if (user === null) {
    for (const f of stale) out.unresolved.push({ ...pick(f), why: 'user no longer exists' });
    return;
  }
  const tag = (key: string) => tagValue(user.tags, key);
  const breakGlass = tag(run.life.breakGlassTagKey);
  if (isBreakGlass(breakGlass)) {
    out.skipped.push({ userName, reason: 'break-glass' });
    if (breakGlassUnclear(breakGlass)) {
      out.lifecycle.breakGlassTagUnclear?.push({ userName, value: breakGlass ?? '' });
    }
    return;
  }
  const exemption = exemptionOf(tag(run.ports.settings.exemptTagKey), run.now);
  if (exemption.kind === 'exempt') {
    if (stale.length === 0) return;
    out.skipped.push({
      userName,
      reason: 'exempt-tag',
      ...(exemption.until ? { until: exemption.until } : {}),
    });
    if (exemption.until) out.lifecycle.exemptions.push({ userName, until: exemption.until, expired: false });
    return;
  }
  if (exemption.kind === 'invalid') {
    out.skipped.push({ userName, reason: 'exempt-tag-invalid', value: exemption.value });
    return;
  }
  if (exemption.kind === 'expired')
    out.lifecycle.exemptions.push({ userName, until: exemption.until, expired: true });
  const owner = ownerOf(tag(run.life.ownerTagKey), run.life.ownerDomains);
  if (owner.kind === 'invalid') {
    out.lifecycle.ownerTagInvalid.push({ userName, value: owner.value, why: owner.why });
  }
  const ownerEmail = owner.kind === 'owner' && run.life.warnDays > 0 ? owner.email : null;

  out.findings.push(...stale);
  const row = scope.rowsByUser.get(userName);
  const creds = row ? watched(row, run.now, run.days, ownerEmail ? run.life.warnDays : 0) : [];
  const needsKeys = [...stale, ...creds].some((c) => c.credential !== 'console-password');
  const keys = needsKeys ? await run.listKeys(userName) : [];
  const keyOf = (credential: CredentialKind) =>
    credential === 'console-password' || !row
      ? undefined
      : matchKey(row, credential === 'access-key-1' ? 1 : 2, keys);

  for (const f of stale) await proposeStale(run, out, f, keyOf(f.credential), creds, ownerEmail);
  if (ownerEmail) await warnSoonStale(run, out, userName, creds, keyOf, ownerEmail);
}

/** A stale credential: proposed, or held until its owner's warning is old enough. */
async function proposeStale(
  run: Analysis,
  out: Gathered,
  f: Finding,
  key: AccessKeyInfo | undefined,
  creds: RowCredential[],
  ownerEmail: string | null,
): Promise<void> {
  if (f.credential !== 'console-password' && !key) {
    out.unresolved.push({ ...pick(f), why: 'the key in the report no longer exists (ListAccessKeys)' });
    return;
  }
  if (ownerEmail) {
    const since =
      creds.find((c) => c.credential === f.credential)?.assessment?.since ?? run.now.toISOString();
    const owned: OwnedCredential = {
      userName: f.userName,
      credential: f.credential,
      accessKeyId: key?.accessKeyId ?? null,
      owner: ownerEmail,
      lastUsed: f.lastUsed,
      daysUnused: f.daysUnused,
      since,
      stale: true,
    };
    const step = await ownerStep(run.ports, owned, run);
    out.lifecycle.warnings.push(step.notice);
    if (step.kind === 'hold') return;
  }
  const base = {
    userName: f.userName,
    credential: f.credential,
    lastUsed: f.lastUsed,
    createdAt: f.createdAt,
    daysUnused: f.daysUnused,
    reason: f.reason,
  };
  const account = run.accountId ? { accountId: run.accountId } : {};
  out.items.push(
    key
      ? {
          id: idOf(run, f.userName, f.credential, key.accessKeyId),
          ...base,
          accessKeyId: key.accessKeyId,
          ...account,
        }
      : {
          id: idOf(run, f.userName, f.credential),
          ...base,
          ...(run.life.consoleAction === 'reset' ? { action: 'reset-login-profile' as const } : {}),
          ...account,
        },
  );
}

/** Credentials of an owned user that are not stale yet but will be within warnDays: warn the owner. */
async function warnSoonStale(
  run: Analysis,
  out: Gathered,
  userName: string,
  creds: RowCredential[],
  keyOf: (credential: CredentialKind) => AccessKeyInfo | undefined,
  ownerEmail: string,
): Promise<void> {
  for (const c of creds) {
    const a = c.assessment;
    if (!a || a.stale) continue;
    const key = keyOf(c.credential);
    if (c.credential !== 'console-password' && !key) continue;
    const owned: OwnedCredential = {
      userName,
      credential: c.credential,
      accessKeyId: key?.accessKeyId ?? null,
      owner: ownerEmail,
      lastUsed: a.lastUsed,
      daysUnused: a.daysUnused,
      since: a.since,
      stale: false,
    };
    out.lifecycle.warnings.push((await ownerStep(run.ports, owned, run)).notice);
  }
}

const idOf = (run: Analysis, userName: string, credential: string, accessKeyId?: string) =>
  run.accountId
    ? `${run.accountId}/${itemId(userName, credential, accessKeyId)}`
    : itemId(userName, credential, accessKeyId);

/** The delete stage, in an account run and in each account of an organization run alike. */
async function proposeDeletions(run: Analysis, rows: ReportRow[]): Promise<PlanItem[]> {
  if (run.life.deleteAfterDays === null) return [];
  return deletionCandidates(run.ports, rows, {
    ...(run.accountId ? { accountId: run.accountId } : {}),
    now: run.now,
    deleteAfterDays: run.life.deleteAfterDays,
    exemptTagKey: run.ports.settings.exemptTagKey,
    breakGlassTagKey: run.life.breakGlassTagKey,
    getUser: run.getUser,
    listKeys: run.listKeys,
  });
}

async function warnOwners(run: Analysis, lifecycle: PlanLifecycle): Promise<void> {
  await sendOwnerWarnings(run.ports, {
    notices: lifecycle.warnings.filter((n) => n.mailed),
    thresholdDays: run.days,
  });
}

/** Stores the plan, then refuses it when it is larger than the blast-radius guard allows. */
async function storeGuardedPlan(
  run: Analysis,
  reportGeneratedAt: Plan['reportGeneratedAt'],
  analysis: ReturnType<typeof analyzeReport>,
  out: Gathered,
  limit: number,
): Promise<AnalyzeResult> {
  const { items, findings, skipped, unresolved, lifecycle } = out;
  const plan: Plan = {
    executionId: run.executionId,
    accountId: run.ports.settings.accountId,
    asOf: run.now.toISOString(),
    reportGeneratedAt,
    thresholdDays: run.days,
    dryRun: run.dryRun,
    analysis: { ...analysis, findings, skipped: skipped.sort((a, b) => compare(a.userName, b.userName)) },
    items,
    unresolved,
    lifecycle,
    approvalsRequired: quorumOf(
      run.request,
      run.ports.settings,
      items.some((i) => i.action === 'delete-access-key'),
    ),
  };
  const batches = await storePlan(run.ports.blobs, plan, run.ports.settings.batchSize);
  if (items.length > limit) throw new BlastRadiusExceeded(items.length, limit);
  guardApprovalSize(plan);
  return {
    planKey: planKey(run.executionId),
    total: items.length,
    dryRun: plan.dryRun,
    thresholdDays: run.days,
    findings: findings.length,
    skipped: skipped.length,
    warned: lifecycle.warnings.filter((n) => !n.proposed).length,
    deletions: items.filter((i) => i.action === 'delete-access-key').length,
    batches,
  };
}

/** The warning rule for one owned credential, with its recorded warning read from the store. */
async function ownerStep(
  ports: Ports,
  owned: OwnedCredential,
  opts: Pick<Analysis, 'now' | 'days' | 'life' | 'executionId' | 'dryRun'>,
) {
  const recorded = await ports.store.getWarning(
    ports.settings.accountId,
    credentialKey(owned.userName, owned.credential, owned.accessKeyId),
  );
  return warningStep(owned, recorded, {
    now: opts.now,
    thresholdDays: opts.days,
    warnDays: opts.life.warnDays,
    executionId: opts.executionId,
    dryRun: opts.dryRun,
  });
}

/**
 * Break-glass users among the users whose tags this run reads (those with a credential stale, or
 * stale within warnDays): each credential with its last use, so that someone tests them.
 */
async function breakGlassUsers(
  rows: ReportRow[],
  getUser: (name: string) => Promise<UserInfo | null>,
  life: LifecycleSettings,
  now: Date,
  days: number,
) {
  const found = [];
  for (const row of rows) {
    if (watched(row, now, days, life.warnDays).length === 0) continue;
    const user = await getUser(row.user);
    if (!user || !isBreakGlass(tagValue(user.tags, life.breakGlassTagKey))) continue;
    found.push({
      userName: row.user,
      credentials: rowCredentials(row, now, days)
        .filter((c) => c.enabled)
        .map((c) => ({
          credential: c.credential,
          enabled: c.enabled,
          lastUsed: c.assessment?.lastUsed ?? null,
        })),
    });
  }
  return found;
}

function compare(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

const pick = (f: Finding) => ({ userName: f.userName, credential: f.credential });

/** A dry run asks nobody; any other plan must fit the one approval record it will be decided in. */
export function guardApprovalSize(plan: Plan): void {
  if (plan.dryRun) return;
  const problem = approvalRecordProblem(
    plan.items.map((i) => i.id),
    plan.approvalsRequired ?? 1,
  );
  if (problem) throw new ApprovalTooLarge(problem);
}
