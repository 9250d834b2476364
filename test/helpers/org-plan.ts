/**
 * An organization plan as BuildOrgPlan stores it, for the approval page's tests and screenshots:
 * `accounts` accounts over three OUs, each with `perAccount` credentials of users with long names
 * (the longest IAM allows), one access key per account proposed for deletion in every third account,
 * an owner-warned credential held and a tag to fix in some, one unreachable account and one with
 * nothing to do. The same options always give the same plan.
 */
import type { OrgPlanAccount, Plan, PlanItem, WarningNotice } from '../../handlers/core/shared/types.js';
import { EXECUTION_ID } from './memory-ports.js';

export interface OrgPlanOptions {
  /** Accounts with credentials proposed (two more are added: unreachable, nothing to do). */
  accounts?: number;
  /** Credentials proposed per account. */
  perAccount?: number;
}

const OUS = ['ou-a1b2-workloads', 'ou-a1b2-sandboxes', 'ou-a1b2-platform'] as const;

/** Account `i`'s id: 12 digits. */
export const orgAccountId = (i: number) => String(200000000000 + i);

/** A long user name (IAM allows 64 characters). */
const longUser = (i: number, u: number) =>
  `svc-deploy-pipeline-${String(i).padStart(4, '0')}-${u}@build.eu-central-1.example.com`;

const key = (i: number, u: number) => `AKIA${String(i).padStart(8, '0')}${String(u).padStart(8, '0')}`;

function itemsOf(i: number, perAccount: number): PlanItem[] {
  const accountId = orgAccountId(i);
  return Array.from({ length: perAccount }, (_, u): PlanItem => {
    const userName = u === 0 ? `alice.${i}` : longUser(i, u);
    if (u % 2 === 0) {
      return {
        id: `${accountId}/${userName}/console-password`,
        userName,
        credential: 'console-password',
        lastUsed: '2025-03-02T09:15:00.000Z',
        daysUnused: 91,
        reason: 'unused',
        accountId,
      };
    }
    const accessKeyId = key(i, u);
    const deleting = i % 3 === 1 && u === 1;
    return {
      id: `${accountId}/${userName}/${accessKeyId}`,
      userName,
      credential: 'access-key-1',
      accessKeyId,
      lastUsed: null,
      daysUnused: 120,
      reason: 'never-used',
      accountId,
      ...(deleting
        ? {
            action: 'delete-access-key' as const,
            deletion: {
              deactivatedBy: `arn:aws:states:eu-central-1:${orgAccountId(0)}:execution:credsweep-organization:weekly-sweep-2025-04-01-0900/accounts/${accountId}`,
              deactivatedAt: '2025-04-01T09:12:00.000Z',
              keyCreatedAt: '2024-01-15T08:00:00.000Z',
              keyLastUsed: null,
            },
          }
        : {}),
    };
  });
}

export function sampleOrgPlan(options: OrgPlanOptions = {}): Plan {
  const count = options.accounts ?? 4;
  const perAccount = options.perAccount ?? 3;
  const proposed: OrgPlanAccount[] = Array.from({ length: count }, (_, i) => ({
    accountId: orgAccountId(i),
    name: i === 0 ? 'payments-prod' : `workload-${String(i).padStart(4, '0')}-eu-central-1-production`,
    ou: OUS[i % OUS.length] as string,
    status: 'ACTIVE',
    state: 'proposed',
    proposed: perAccount,
    findings: perAccount,
    error: null,
  }));
  const others: OrgPlanAccount[] = [
    {
      accountId: orgAccountId(count),
      name: 'legacy-unreachable',
      ou: OUS[0],
      status: 'ACTIVE',
      state: 'unreachable',
      proposed: 0,
      findings: 0,
      error: { Error: 'AccessDenied', Cause: 'AssumeRole refused' },
    },
    {
      accountId: orgAccountId(count + 1),
      name: 'quiet-sandbox',
      ou: OUS[1],
      status: 'ACTIVE',
      state: 'nothing-to-do',
      proposed: 0,
      findings: 0,
      error: null,
    },
  ];
  const items = proposed.flatMap((_, i) => itemsOf(i, perAccount));
  const warning: WarningNotice = {
    userName: 'owned.by.lead',
    accountId: orgAccountId(0),
    credential: 'access-key-1',
    accessKeyId: 'AKIAOWNEDBYLEAD00001',
    owner: 'lead@example.com',
    lastUsed: '2025-04-01T00:00:00.000Z',
    daysUnused: 61,
    stale: true,
    warnedAt: '2025-05-30T12:00:00.000Z',
    warnedBy: 'weekly-sweep-2025-05-30',
    disableFrom: '2025-06-06T12:00:00.000Z',
    mailed: true,
    proposed: false,
  };
  return {
    executionId: EXECUTION_ID,
    accountId: orgAccountId(0),
    asOf: '2025-06-01T11:58:00.000Z',
    reportGeneratedAt: null,
    thresholdDays: 30,
    dryRun: false,
    analysis: {
      asOf: '2025-06-01T11:58:00.000Z',
      thresholdDays: 30,
      findings: items.map((item) => ({
        userName: item.userName,
        credential: item.credential,
        lastUsed: item.lastUsed,
        createdAt: null,
        daysUnused: item.daysUnused,
        reason: item.reason,
      })),
      skipped: [],
    },
    items,
    unresolved: [],
    organization: { accounts: [...proposed, ...others], maxCredentialsTotal: 10_000 },
    lifecycle: {
      warnDays: 7,
      deleteAfterDays: 30,
      consoleAction: 'disable',
      ownerTagKey: 'credsweep:owner',
      warnings: [warning],
      breakGlass: [],
      ownerTagInvalid: [
        {
          userName: 'shared-admin',
          accountId: orgAccountId(count - 1),
          value: 'the team',
          why: 'not-an-address',
        },
      ],
      exemptions: [],
    },
  };
}
