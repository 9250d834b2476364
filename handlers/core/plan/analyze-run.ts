/**
 * The Analyze task's logic: report -> findings -> the lifecycle rules (tags, owner warnings, the
 * delete stage) -> key ids -> stored plan.
 */

import type { AccessKeyInfo, UserInfo } from '../../ports/iam.js';
import type { Ports } from '../../ports/index.js';
import { parseCredentialReport } from '../report/credential-report.js';
import { analyzeReport, type RowCredential, rowCredentials } from '../report/staleness.js';
import { perUser } from '../shared/calls.js';
import { BlastRadiusExceeded } from '../shared/errors.js';
import { maxCredentialsOf, type RunRequest } from '../shared/request.js';
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
import { exemptionOf, isBreakGlass, ownerOf } from './lifecycle/tags.js';
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

/**
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
  const idOf = (userName: string, credential: string, accessKeyId?: string) =>
    accountId
      ? `${accountId}/${itemId(userName, credential, accessKeyId)}`
      : itemId(userName, credential, accessKeyId);
  const { iam, settings } = ports;
  const now = ports.now();
  const days = request.days ?? settings.thresholdDays;
  // Refused before anything is read: a limit the workflow could not hold within its quotas.
  const limit = maxCredentialsOf(request, settings);
  const dryRun = request.dryRun ?? false;
  const life: LifecycleSettings = lifecycleSettings(settings, request);
  const exemptUsers = [...settings.exemptUsers, ...(request.exemptUsers ?? [])];
  const { content, generatedAt } = await iam.getCredentialReport();
  const report = parseCredentialReport(content, generatedAt);
  const analysis = analyzeReport(report, {
    now,
    days,
    exemptUsers,
    ...(request.users ? { users: request.users } : {}),
  });

  // Users the rules look at: not root, not in the exemption list, selected (when users are given).
  const listed = new Set(exemptUsers.map(fold));
  const selected = request.users ? new Set(request.users.map(fold)) : null;
  const eligible = (row: ReportRow) =>
    !row.isRoot && !listed.has(fold(row.user)) && (selected === null || selected.has(fold(row.user)));

  const staleByUser = new Map<string, Finding[]>();
  for (const f of analysis.findings) staleByUser.set(f.userName, [...(staleByUser.get(f.userName) ?? []), f]);
  const rows = report.rows.filter(eligible);
  const rowsByUser = new Map(rows.map((r) => [r.user, r]));
  // Stale users first (as the findings are sorted), then users whose credentials are stale soon.
  const candidates = [
    ...staleByUser.keys(),
    ...rows
      .filter((r) => !staleByUser.has(r.user) && watched(r, now, days, life.warnDays).length > 0)
      .map((r) => r.user),
  ];

  const getUser = perUser((name) =>
    iam.getUser(name).catch((err: Error): UserInfo | null => {
      if (err.name === 'NoSuchEntity') return null;
      throw err;
    }),
  );
  const listKeys = perUser((name) => iam.listAccessKeys(name));

  const items: PlanItem[] = [];
  const findings: Finding[] = [];
  const skipped: Skipped[] = [...analysis.skipped];
  const unresolved: Plan['unresolved'] = [];
  const lifecycle: PlanLifecycle = {
    warnDays: life.warnDays,
    deleteAfterDays: life.deleteAfterDays,
    consoleAction: life.consoleAction,
    ownerTagKey: life.ownerTagKey,
    warnings: [],
    breakGlass: [],
    ownerTagInvalid: [],
    exemptions: [],
  };

  for (const userName of candidates) {
    const stale = staleByUser.get(userName) ?? [];
    const row = rowsByUser.get(userName);
    const user = await getUser(userName);
    if (user === null) {
      for (const f of stale) unresolved.push({ ...pick(f), why: 'user no longer exists' });
      continue;
    }
    const tags = user.tags;
    if (isBreakGlass(tags[life.breakGlassTagKey])) {
      skipped.push({ userName, reason: 'break-glass' });
      continue;
    }
    const exemption = exemptionOf(tags[settings.exemptTagKey], now);
    if (exemption.kind === 'exempt') {
      if (stale.length === 0) continue;
      skipped.push({
        userName,
        reason: 'exempt-tag',
        ...(exemption.until ? { until: exemption.until } : {}),
      });
      if (exemption.until) lifecycle.exemptions.push({ userName, until: exemption.until, expired: false });
      continue;
    }
    if (exemption.kind === 'invalid') {
      skipped.push({ userName, reason: 'exempt-tag-invalid', value: exemption.value });
      continue;
    }
    if (exemption.kind === 'expired') {
      lifecycle.exemptions.push({ userName, until: exemption.until, expired: true });
    }
    const owner = ownerOf(tags[life.ownerTagKey]);
    if (owner.kind === 'invalid') lifecycle.ownerTagInvalid.push({ userName, value: owner.value });
    const warns = owner.kind === 'owner' && life.warnDays > 0;

    findings.push(...stale);
    const creds = row ? watched(row, now, days, warns ? life.warnDays : 0) : [];
    const needsKeys = [...stale, ...creds].some((c) => c.credential !== 'console-password');
    const keys = needsKeys ? await listKeys(userName) : [];
    const keyOf = (credential: CredentialKind) =>
      credential === 'console-password' || !row
        ? undefined
        : matchKey(row, credential === 'access-key-1' ? 1 : 2, keys);

    for (const f of stale) {
      const key = keyOf(f.credential);
      if (f.credential !== 'console-password' && !key) {
        unresolved.push({ ...pick(f), why: 'the key in the report no longer exists (ListAccessKeys)' });
        continue;
      }
      if (warns && owner.kind === 'owner') {
        const since =
          creds.find((c) => c.credential === f.credential)?.assessment?.since ?? now.toISOString();
        const owned: OwnedCredential = {
          userName,
          credential: f.credential,
          accessKeyId: key?.accessKeyId ?? null,
          owner: owner.email,
          lastUsed: f.lastUsed,
          daysUnused: f.daysUnused,
          since,
          stale: true,
        };
        const step = await ownerStep(ports, owned, { now, days, life, executionId, dryRun });
        lifecycle.warnings.push(step.notice);
        if (step.kind === 'hold') continue;
      }
      const base = {
        userName,
        credential: f.credential,
        lastUsed: f.lastUsed,
        createdAt: f.createdAt,
        daysUnused: f.daysUnused,
        reason: f.reason,
      };
      if (key) {
        items.push({
          id: idOf(userName, f.credential, key.accessKeyId),
          ...base,
          accessKeyId: key.accessKeyId,
          ...(accountId ? { accountId } : {}),
        });
      } else {
        items.push({
          id: idOf(userName, f.credential),
          ...base,
          ...(life.consoleAction === 'reset' ? { action: 'reset-login-profile' as const } : {}),
          ...(accountId ? { accountId } : {}),
        });
      }
    }

    if (warns && owner.kind === 'owner') {
      for (const c of creds) {
        const a = c.assessment;
        if (!a || a.stale) continue;
        const key = keyOf(c.credential);
        if (c.credential !== 'console-password' && !key) continue;
        const owned: OwnedCredential = {
          userName,
          credential: c.credential,
          accessKeyId: key?.accessKeyId ?? null,
          owner: owner.email,
          lastUsed: a.lastUsed,
          daysUnused: a.daysUnused,
          since: a.since,
          stale: false,
        };
        lifecycle.warnings.push(
          (await ownerStep(ports, owned, { now, days, life, executionId, dryRun })).notice,
        );
      }
    }
  }

  const allUsers = report.rows.filter((r) => !r.isRoot);
  for (const u of await breakGlassUsers(allUsers, getUser, life, now, days)) lifecycle.breakGlass.push(u);

  // The delete stage, in an account run and in each account of an organization run alike.
  if (life.deleteAfterDays !== null) {
    items.push(
      ...(await deletionCandidates(ports, rows, {
        ...(accountId ? { accountId } : {}),
        now,
        deleteAfterDays: life.deleteAfterDays,
        exemptTagKey: settings.exemptTagKey,
        breakGlassTagKey: life.breakGlassTagKey,
        getUser,
        listKeys,
      })),
    );
  }

  if (!dryRun) {
    await sendOwnerWarnings(ports, {
      notices: lifecycle.warnings.filter((n) => n.mailed),
      thresholdDays: days,
    });
  }

  const plan: Plan = {
    executionId,
    accountId: settings.accountId,
    asOf: now.toISOString(),
    reportGeneratedAt: report.generatedAt,
    thresholdDays: days,
    dryRun,
    analysis: { ...analysis, findings, skipped: skipped.sort((a, b) => compare(a.userName, b.userName)) },
    items,
    unresolved,
    lifecycle,
  };
  const batches = await storePlan(ports.blobs, plan, settings.batchSize);
  if (items.length > limit) throw new BlastRadiusExceeded(items.length, limit);
  return {
    planKey: planKey(executionId),
    total: items.length,
    dryRun: plan.dryRun,
    thresholdDays: days,
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
  opts: { now: Date; days: number; life: LifecycleSettings; executionId: string; dryRun: boolean },
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
    if (!user || !isBreakGlass(user.tags[life.breakGlassTagKey])) continue;
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
