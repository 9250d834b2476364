/**
 * The sandbox organization: an organization seed's accounts, each a SandboxAccount, behind the two
 * organization ports. Organizations lists the accounts with their OU and status; the member roles
 * of an account seeded `"memberRole": false` (or of a suspended account) cannot be assumed, and the
 * answer is STS's: AccessDenied, "… is not authorized to perform: sts:AssumeRole on resource …".
 * Each account's Security Hub is its seed's `securityHub` (through the member findings role), and
 * `administratorHub()` is the hub's Security Hub as the organization's administrator, which sees
 * every account's findings whatever its member role.
 */
import { DEFAULT_MEMBER_ROLE_NAME, memberFindingsRoleName } from '../../handlers/core/shared/defaults.js';
import { CredsweepError } from '../../handlers/core/shared/errors.js';
import type { IamPort } from '../../handlers/ports/iam.js';
import type { AccountAccessPort, OrgAccount, OrganizationsPort } from '../../handlers/ports/organizations.js';
import type { FindingRef, SecurityHubPort, UnprocessedFinding } from '../../handlers/ports/security-hub.js';
import { SandboxAccount, type SandboxAccountOptions, SandboxIamError } from './sandbox-account.js';
import type { SandboxSecurityHub } from './sandbox-security-hub.js';
import { type OrganizationSeed, type OrgSeedAccount, validateOrganizationSeed } from './seed.js';

interface Member {
  meta: Pick<OrgSeedAccount, 'accountId' | 'name' | 'ou' | 'status' | 'memberRole'>;
  sandbox: SandboxAccount;
}

export class SandboxOrganization implements OrganizationsPort, AccountAccessPort {
  readonly managementAccountId: string;
  private readonly members = new Map<string, Member>();
  private assumeCalls = 0;

  constructor(
    seed: OrganizationSeed,
    options: SandboxAccountOptions & {
      /** Wraps each account's IAM as the Lambda's SDK client would be (e.g. its retry). */
      wrap?: (iam: IamPort) => IamPort;
    },
  ) {
    const valid = validateOrganizationSeed(seed, 'SandboxOrganization seed');
    this.managementAccountId = valid.organization.managementAccountId;
    for (const account of valid.organization.accounts) {
      const { accountId, name, ou, status, memberRole, ...state } = account;
      this.members.set(accountId, {
        meta: { accountId, name, ou, status, memberRole },
        sandbox: new SandboxAccount({ accountId, ...state }, options),
      });
    }
    this.wrap = options.wrap ?? ((iam) => iam);
  }

  private readonly wrap: (iam: IamPort) => IamPort;

  /** Accounts of the organization (or of `ous`, matched on the OU each account sits in). */
  async listAccounts(ous?: string[]): Promise<OrgAccount[]> {
    const wanted = ous && ous.length > 0 ? new Set(ous) : null;
    return [...this.members.values()]
      .map(({ meta }) => ({ accountId: meta.accountId, name: meta.name, ou: meta.ou, status: meta.status }))
      .filter((a) => !wanted || wanted.has(a.ou))
      .sort((a, b) => a.accountId.localeCompare(b.accountId));
  }

  async iamFor(accountId: string): Promise<IamPort> {
    return this.wrap(this.assume(accountId, DEFAULT_MEMBER_ROLE_NAME).sandbox);
  }

  async securityHubFor(accountId: string): Promise<SecurityHubPort> {
    return this.assume(accountId, memberFindingsRoleName(DEFAULT_MEMBER_ROLE_NAME)).sandbox.securityHub;
  }

  /**
   * The hub's Security Hub as the organization's Security Hub administrator: each account's
   * findings, read and updated by AwsAccountId, with no member role.
   */
  administratorHub(): SecurityHubPort {
    const hubs = () => [...this.members.values()].map((m) => m.sandbox.securityHub);
    return {
      findCredentialFindings: async (accountId) =>
        (await this.members.get(accountId)?.sandbox.securityHub.findCredentialFindings(accountId)) ?? [],
      updateFindings: async (update) => {
        // Each finding is updated in the account that holds it, as Security Hub does for its administrator.
        const holder = (ref: FindingRef) =>
          hubs().find((hub) =>
            hub.toSeed()?.findings.some((f) => f.Id === ref.id && f.ProductArn === ref.productArn),
          );
        const unprocessed: UnprocessedFinding[] = [];
        const groups = new Map<SandboxSecurityHub, FindingRef[]>();
        for (const ref of update.findings) {
          const hub = holder(ref);
          if (hub) groups.set(hub, [...(groups.get(hub) ?? []), ref]);
          else
            unprocessed.push({
              finding: ref,
              errorCode: 'FindingNotFound',
              errorMessage: 'Finding Not Found',
            });
        }
        for (const [hub, findings] of groups) {
          unprocessed.push(...(await hub.updateFindings({ ...update, findings })).unprocessed);
        }
        return { unprocessed };
      },
    };
  }

  private assume(accountId: string, roleName: string): Member {
    this.assumeCalls += 1;
    const member = this.members.get(accountId);
    if (!member?.meta.memberRole || member.meta.status !== 'ACTIVE') {
      throw new SandboxIamError(
        'AccessDenied',
        `User: arn:aws:sts::${this.managementAccountId}:assumed-role/credsweep/credsweep is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${accountId}:role/${roleName}`,
      );
    }
    return member;
  }

  /** The sandbox of one account (tests and the demo act in it directly). */
  account(accountId: string): SandboxAccount {
    const member = this.members.get(accountId);
    if (!member) throw new CredsweepError('NoSuchAccount', `account ${accountId} is not in the organization`);
    return member.sandbox;
  }

  accountIds(): string[] {
    return [...this.members.keys()];
  }

  /** AssumeRole calls so far, denied ones included. */
  assumeRoleCalls(): number {
    return this.assumeCalls;
  }

  /** The organization's state in the seed form it was given. */
  toSeed(): OrganizationSeed {
    return {
      organization: {
        managementAccountId: this.managementAccountId,
        accounts: [...this.members.values()].map(({ meta, sandbox }) => {
          const { accountId: _id, ...state } = sandbox.toSeed();
          return { ...meta, ...state };
        }),
      },
    };
  }
}

/** The organization ports of a run that is not an organization run: any use is a mistake, named. */
export const NO_ORGANIZATION: OrganizationsPort & AccountAccessPort = {
  listAccounts: async () => {
    throw new CredsweepError(
      'NotAnOrganization',
      'this local run has an account seed, not an organization seed',
    );
  },
  iamFor: async (accountId: string) => notAnOrganization(accountId),
  securityHubFor: async (accountId: string) => notAnOrganization(accountId),
};

function notAnOrganization(accountId: string): never {
  throw new CredsweepError(
    'NotAnOrganization',
    `account ${accountId}: this local run has an account seed, not an organization seed`,
  );
}
