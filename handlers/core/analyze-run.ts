/** The Analyze task's logic: report -> findings -> exemptions by tag -> key ids -> stored plan. */

import type { AccessKeyInfo } from '../ports/iam.js';
import type { Ports } from '../ports/index.js';
import { parseCredentialReport } from './credential-report.js';
import { BlastRadiusExceeded } from './errors.js';
import { itemId, planKey, storePlan } from './plan.js';
import { maxCredentialsOf, type RunRequest } from './request.js';
import { refuseReusedName } from './run-identity.js';
import { analyzeReport } from './staleness.js';
import type { BatchRef, Finding, Plan, PlanItem, ReportDate, ReportRow, Skipped } from './types.js';

export interface AnalyzeResult {
  planKey: string;
  total: number;
  dryRun: boolean;
  thresholdDays: number;
  findings: number;
  skipped: number;
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
  const { content, generatedAt } = await iam.getCredentialReport();
  const report = parseCredentialReport(content, generatedAt);
  const analysis = analyzeReport(report, {
    now,
    days,
    exemptUsers: [...settings.exemptUsers, ...(request.exemptUsers ?? [])],
    ...(request.users ? { users: request.users } : {}),
  });

  const byUser = new Map<string, Finding[]>();
  for (const f of analysis.findings) byUser.set(f.userName, [...(byUser.get(f.userName) ?? []), f]);

  const rowsByUser = new Map(report.rows.map((r) => [r.user, r]));
  const items: PlanItem[] = [];
  const findings: Finding[] = [];
  const skipped: Skipped[] = [...analysis.skipped];
  const unresolved: Plan['unresolved'] = [];
  for (const [userName, userFindings] of byUser) {
    const user = await iam.getUser(userName).catch((err: Error) => {
      if (err.name === 'NoSuchEntity') return null;
      throw err;
    });
    if (user === null) {
      for (const f of userFindings) unresolved.push({ ...pick(f), why: 'user no longer exists' });
      continue;
    }
    if (user.tags[settings.exemptTagKey]?.toLowerCase() === 'true') {
      skipped.push({ userName, reason: 'exempt-tag' });
      continue;
    }
    findings.push(...userFindings);
    const keyFindings = userFindings.filter((f) => f.credential !== 'console-password');
    const keys = keyFindings.length > 0 ? await iam.listAccessKeys(userName) : [];
    const row = rowsByUser.get(userName);
    for (const f of userFindings) {
      const base = {
        userName,
        credential: f.credential,
        lastUsed: f.lastUsed,
        createdAt: f.createdAt,
        daysUnused: f.daysUnused,
        reason: f.reason,
      };
      if (f.credential === 'console-password') {
        items.push({ id: idOf(userName, f.credential), ...base, ...(accountId ? { accountId } : {}) });
        continue;
      }
      const key = row ? matchKey(row, f.credential === 'access-key-1' ? 1 : 2, keys) : undefined;
      if (!key) {
        unresolved.push({ ...pick(f), why: 'the key in the report no longer exists (ListAccessKeys)' });
        continue;
      }
      items.push({
        id: idOf(userName, f.credential, key.accessKeyId),
        ...base,
        accessKeyId: key.accessKeyId,
        ...(accountId ? { accountId } : {}),
      });
    }
  }

  const plan: Plan = {
    executionId,
    accountId: settings.accountId,
    asOf: now.toISOString(),
    reportGeneratedAt: report.generatedAt,
    thresholdDays: days,
    dryRun: request.dryRun ?? false,
    analysis: { ...analysis, findings, skipped },
    items,
    unresolved,
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
    batches,
  };
}

const pick = (f: Finding) => ({ userName: f.userName, credential: f.credential });
