/**
 * The sandbox organization: an organization seed's accounts, each a SandboxAccount, behind the two
 * organization ports. Organizations lists the accounts with their OU and status; the member role
 * of an account seeded `"memberRole": false` (or of a suspended account) cannot be assumed, and the
 * answer is STS's: AccessDenied, "… is not authorized to perform: sts:AssumeRole on resource …".
 */
import { DEFAULT_MEMBER_ROLE_NAME } from '../../handlers/core/defaults.js';
import { CredsweepError } from '../../handlers/core/errors.js';
import type { IamPort } from '../../handlers/ports/iam.js';
import type { AccountAccessPort, OrgAccount, OrganizationsPort } from '../../handlers/ports/organizations.js';
import { SandboxAccount, type SandboxAccountOptions, SandboxIamError } from './sandbox-account.js';
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
    this.assumeCalls += 1;
    const member = this.members.get(accountId);
    if (!member?.meta.memberRole || member.meta.status !== 'ACTIVE') {
      throw new SandboxIamError(
        'AccessDenied',
        `User: arn:aws:sts::${this.managementAccountId}:assumed-role/credsweep/credsweep is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${accountId}:role/${DEFAULT_MEMBER_ROLE_NAME}`,
      );
    }
    return this.wrap(member.sandbox);
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
  iamFor: async (accountId: string) => {
    throw new CredsweepError(
      'NotAnOrganization',
      `account ${accountId}: this local run has an account seed, not an organization seed`,
    );
  },
};
