/**
 * The built-in sample organization of `credsweep demo --org`: a management account (the hub), two
 * workload accounts with stale credentials, one account without the member role (unreachable) and
 * one suspended account. Dates are relative to `now`, as in the sample account.
 */
import type { OrganizationSeed, SeedFinding } from './seed.js';

export const SAMPLE_MANAGEMENT_ACCOUNT_ID = '111111111111';
export const SAMPLE_ORG_ACCOUNTS = {
  management: SAMPLE_MANAGEMENT_ACCOUNT_ID,
  payments: '222222222222',
  analytics: '333333333333',
  /** No member role: assuming it is denied. */
  legacy: '444444444444',
  suspended: '555555555555',
} as const;

const DAY_MS = 24 * 60 * 60 * 1000;
const ROOT = 'r-a1b2';
const WORKLOADS = 'ou-a1b2-workload1';
const SANDBOX = 'ou-a1b2-sandbox01';

export function sampleOrganization(now: Date): OrganizationSeed {
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
  const user = (
    userName: string,
    passwordUsedDaysAgo: number | null | 'none',
    keys: [string, number | null][],
  ) => ({
    userName,
    createdAt: ago(400),
    loginProfile:
      passwordUsedDaysAgo === 'none'
        ? null
        : {
            createdAt: ago(400),
            passwordLastUsed: passwordUsedDaysAgo === null ? null : ago(passwordUsedDaysAgo),
            passwordResetRequired: false,
          },
    accessKeys: keys.map(([accessKeyId, usedDaysAgo], i) => ({
      accessKeyId,
      status: 'Active' as const,
      createdAt: ago(300 - 50 * i),
      lastUsed: usedDaysAgo === null ? null : ago(usedDaysAgo),
    })),
  });
  const a = SAMPLE_ORG_ACCOUNTS;
  return {
    organization: {
      managementAccountId: a.management,
      accounts: [
        {
          accountId: a.management,
          name: 'management',
          ou: ROOT,
          status: 'ACTIVE',
          memberRole: true,
          users: [user('org-admin', 2, [['AKIASAMPLEMGMT000001', 1]])],
        },
        {
          accountId: a.payments,
          name: 'payments-prod',
          ou: WORKLOADS,
          status: 'ACTIVE',
          memberRole: true,
          users: [
            user('deploy-bot', 'none', [['AKIASAMPLEPAY0000001', 120]]),
            user('carol.ops', 75, [['AKIASAMPLEPAY0000002', 3]]),
            user('dave.dev', 1, []),
          ],
        },
        {
          accountId: a.analytics,
          name: 'analytics',
          ou: WORKLOADS,
          status: 'ACTIVE',
          memberRole: true,
          users: [
            user('etl-runner', 'none', [
              ['AKIASAMPLEANA0000001', 200],
              ['AKIASAMPLEANA0000002', null],
            ]),
            user('frank.bi', 45, []),
          ],
        },
        {
          accountId: a.legacy,
          name: 'legacy-sandbox',
          ou: SANDBOX,
          status: 'ACTIVE',
          memberRole: false,
          users: [user('old-admin', 300, [['AKIASAMPLELEG0000001', 300]])],
        },
        {
          accountId: a.suspended,
          name: 'closed-project',
          ou: SANDBOX,
          status: 'SUSPENDED',
          memberRole: true,
          users: [user('gone.user', 500, [])],
        },
      ],
    },
  };
}

/**
 * IAM.8 / IAM.22 / CIS 1.12 findings (and one of another control, IAM.5, which credsweep leaves
 * alone) in each account's own Security Hub, as Security Hub names them; `kind` picks the control.
 */
export function sampleFinding(
  accountId: string,
  userName: string,
  kind: 'IAM.8' | 'IAM.22' | 'CIS 1.12' | 'IAM.5',
  at: string,
  region = 'us-east-1',
): SeedFinding {
  const control = kind === 'CIS 1.12' ? null : kind;
  const generator = control ? `security-control/${control}` : 'cis-aws-foundations-benchmark/v/1.4.0/1.12';
  return {
    SchemaVersion: '2018-10-08',
    Id: `arn:aws:securityhub:${region}:${accountId}:${generator}/finding/${kind.replace(' ', '-')}-${userName}`,
    ProductArn: `arn:aws:securityhub:${region}::product/aws/securityhub`,
    GeneratorId: generator,
    AwsAccountId: accountId,
    CreatedAt: at,
    UpdatedAt: at,
    Title: `${kind} on IAM user ${userName}`,
    Compliance: { Status: 'FAILED', ...(control ? { SecurityControlId: control } : {}) },
    Resources: [{ Type: 'AwsIamUser', Id: `arn:aws:iam::${accountId}:user/${userName}` }],
    Workflow: { Status: 'NEW' },
    RecordState: 'ACTIVE',
  };
}

/**
 * The sample organization with Security Hub findings in its accounts (samples/security-hub-organization.json):
 * the hub's own, two workload accounts (one finding of another control among them), the account
 * without the member role and the suspended one (their findings stay untouched).
 */
export function sampleOrganizationWithFindings(now: Date): OrganizationSeed {
  const seed = sampleOrganization(now);
  const at = new Date(now.getTime() - DAY_MS).toISOString();
  const a = SAMPLE_ORG_ACCOUNTS;
  const findings: Record<string, [string, Parameters<typeof sampleFinding>[2]][]> = {
    [a.management]: [['org-admin', 'IAM.22']],
    [a.payments]: [
      ['deploy-bot', 'IAM.22'],
      ['deploy-bot', 'CIS 1.12'],
      ['carol.ops', 'IAM.8'],
      ['carol.ops', 'IAM.5'],
    ],
    [a.analytics]: [['etl-runner', 'IAM.22']],
    [a.legacy]: [['old-admin', 'IAM.22']],
    [a.suspended]: [['gone.user', 'IAM.8']],
  };
  for (const account of seed.organization.accounts) {
    const mine = findings[account.accountId];
    if (mine)
      account.securityHub = { findings: mine.map(([u, k]) => sampleFinding(account.accountId, u, k, at)) };
  }
  return seed;
}
