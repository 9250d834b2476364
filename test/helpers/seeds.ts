/** Small hand-written sandbox accounts for tests; dates relative to NOW. */
import type { Seed } from '../../cli/local/seed.js';

export const NOW = new Date('2026-11-26T12:00:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();

/** Two stale console passwords, two stale keys, one fresh key, one fresh user. */
export function smallSeed(): Seed {
  return {
    accountId: '111122223333',
    users: [
      {
        userName: 'stale.console',
        createdAt: ago(400),
        loginProfile: { createdAt: ago(400), passwordLastUsed: ago(90), passwordResetRequired: false },
        accessKeys: [],
      },
      {
        userName: 'stale.both',
        createdAt: ago(300),
        loginProfile: { createdAt: ago(300), passwordLastUsed: ago(45), passwordResetRequired: false },
        accessKeys: [
          { accessKeyId: 'AKIATESTSTALEBOTH001', status: 'Active', createdAt: ago(290), lastUsed: ago(60) },
          { accessKeyId: 'AKIATESTFRESHBOTH002', status: 'Active', createdAt: ago(10), lastUsed: ago(1) },
        ],
      },
      {
        userName: 'ci+deploy@svc',
        createdAt: ago(200),
        loginProfile: null,
        accessKeys: [
          { accessKeyId: 'AKIATESTCIDEPLOY0001', status: 'Active', createdAt: ago(120), lastUsed: null },
        ],
      },
      {
        userName: 'fresh.user',
        createdAt: ago(100),
        loginProfile: { createdAt: ago(100), passwordLastUsed: ago(2), passwordResetRequired: false },
        accessKeys: [
          { accessKeyId: 'AKIATESTFRESHUSER001', status: 'Active', createdAt: ago(100), lastUsed: ago(0) },
        ],
      },
    ],
  };
}

/** The ASFF fields BatchImportFindings requires beyond those credsweep reads. */
interface AsffRequired {
  SchemaVersion: string;
  CreatedAt: string;
  UpdatedAt: string;
  Title: string;
  Description: string;
}

export const HUB_REGION = 'us-east-1';
export const HUB_PRODUCT = `arn:aws:securityhub:${HUB_REGION}::product/aws/securityhub`;

/**
 * A Security Hub control finding on an IAM user, as Security Hub writes it with consolidated control
 * findings on (GeneratorId `security-control/<control>`), or, with `generatorId`, a standard-specific
 * one (e.g. CIS 1.4.0 1.12, which has no SecurityControlId on older findings).
 */
export function userFinding(
  control: string,
  userName: string,
  opts: {
    accountId?: string;
    status?: 'NEW' | 'NOTIFIED' | 'RESOLVED' | 'SUPPRESSED';
    compliance?: 'PASSED' | 'FAILED';
    generatorId?: string;
    withoutControlId?: boolean;
  } = {},
): NonNullable<Seed['securityHub']>['findings'][number] & AsffRequired {
  const accountId = opts.accountId ?? '111122223333';
  const generatorId = opts.generatorId ?? `security-control/${control}`;
  const slug = `${control}-${userName}`.replace(/[^A-Za-z0-9.-]/g, '-');
  return {
    SchemaVersion: '2018-10-08',
    Id: `arn:aws:securityhub:${HUB_REGION}:${accountId}:${generatorId.startsWith('arn:') ? 'subscription/cis-1.2.0' : generatorId}/finding/${slug}`,
    ProductArn: HUB_PRODUCT,
    GeneratorId: generatorId,
    AwsAccountId: accountId,
    CreatedAt: ago(10),
    UpdatedAt: ago(1),
    Title: `${control} IAM user credentials unused should be removed`,
    Description: `Security Hub control ${control} on IAM user ${userName}.`,
    Severity: { Label: 'MEDIUM' },
    Compliance: {
      Status: opts.compliance ?? 'FAILED',
      ...(opts.withoutControlId ? {} : { SecurityControlId: control }),
    },
    Resources: [
      {
        Type: 'AwsIamUser',
        Id: `arn:aws:iam::${accountId}:user/${userName}`,
        Partition: 'aws',
        Region: HUB_REGION,
      },
    ],
    Workflow: { Status: opts.status ?? 'NEW' },
    RecordState: 'ACTIVE',
  };
}

/**
 * smallSeed with a user tagged exempt and Security Hub findings: IAM.8 / IAM.22 / CIS 1.12 on the
 * stale users, IAM.22 on the exempt and on the fresh user (where Security Hub and credsweep
 * disagree), and an IAM.5 (MFA) finding credsweep must never touch.
 */
export function securityHubSeed(): Seed {
  const seed = smallSeed();
  seed.users.push({
    userName: 'exempt.tagged',
    createdAt: ago(500),
    tags: { 'credsweep:exempt': 'true' },
    loginProfile: { createdAt: ago(500), passwordLastUsed: ago(200), passwordResetRequired: false },
    accessKeys: [],
  });
  seed.securityHub = {
    findings: [
      userFinding('IAM.8', 'stale.console'),
      userFinding('IAM.22', 'stale.both'),
      userFinding('IAM.22', 'stale.both', {
        generatorId: 'cis-aws-foundations-benchmark/v/1.4.0/1.12',
        withoutControlId: true,
      }),
      userFinding('IAM.22', 'ci+deploy@svc'),
      userFinding('IAM.22', 'exempt.tagged'),
      userFinding('IAM.22', 'fresh.user'),
      userFinding('IAM.5', 'stale.console'),
    ],
  };
  return seed;
}

/** Six stale access keys, one per user (`quorum-1` … `quorum-6`): the quorum's done-when account. */
export function sixStaleSeed(): Seed {
  return {
    accountId: '444455556666',
    users: [1, 2, 3, 4, 5, 6].map((n) => ({
      userName: `quorum-${n}`,
      createdAt: ago(300),
      loginProfile: null,
      accessKeys: [
        {
          accessKeyId: `AKIATESTQUORUMKEY00${n}`,
          status: 'Active' as const,
          createdAt: ago(200),
          lastUsed: ago(90),
        },
      ],
    })),
  };
}
