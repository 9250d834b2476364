/**
 * OrganizationsPort over the AWS SDK v3 Organizations client. The accounts are found by walking
 * the tree from the root (or the named OUs): ListOrganizationalUnitsForParent for the OUs below,
 * ListAccountsForParent for the accounts of each, so every account comes with the OU it sits in
 * and the number of calls grows with the OUs, not the accounts (no ListParents per account).
 * Organizations answers only in the management account or a delegated administrator.
 */
import {
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import type { AccountStatus } from '../core/shared/types.js';
import type { OrgAccount, OrganizationsPort } from '../ports/organizations.js';
import type { PortPermissions } from './permission-types.js';
import { DEFAULT_RETRY, memoize } from './retry.js';

/** What each method sends to AWS (handlers/aws/permissions.ts). */
export const ORGANIZATIONS_PERMISSIONS = {
  listAccounts: {
    'organizations:ListRoots': 'organization',
    'organizations:ListOrganizationalUnitsForParent': 'organization',
    'organizations:ListAccountsForParent': 'organization',
  },
} as const satisfies PortPermissions<OrganizationsPort>;

const STATUSES: readonly AccountStatus[] = ['ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE'];

export class AwsOrganizations implements OrganizationsPort {
  constructor(private readonly client: OrganizationsClient) {}

  async listAccounts(ous?: string[]): Promise<OrgAccount[]> {
    const starts = ous && ous.length > 0 ? ous : await this.roots();
    const seen = new Map<string, OrgAccount>();
    const pending = [...starts];
    const visited = new Set<string>();
    while (pending.length > 0) {
      const parent = pending.shift() as string;
      if (visited.has(parent)) continue;
      visited.add(parent);
      for (const account of await this.accountsIn(parent)) {
        if (!seen.has(account.accountId)) seen.set(account.accountId, account);
      }
      pending.push(...(await this.ousIn(parent)));
    }
    return [...seen.values()].sort((a, b) => a.accountId.localeCompare(b.accountId));
  }

  private async roots(): Promise<string[]> {
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const out = await this.client.send(new ListRootsCommand({ NextToken: token }));
      for (const root of out.Roots ?? []) if (root.Id) ids.push(root.Id);
      token = out.NextToken;
    } while (token);
    return ids;
  }

  private async ousIn(parent: string): Promise<string[]> {
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const out = await this.client.send(
        new ListOrganizationalUnitsForParentCommand({ ParentId: parent, NextToken: token }),
      );
      for (const ou of out.OrganizationalUnits ?? []) if (ou.Id) ids.push(ou.Id);
      token = out.NextToken;
    } while (token);
    return ids;
  }

  private async accountsIn(parent: string): Promise<OrgAccount[]> {
    const accounts: OrgAccount[] = [];
    let token: string | undefined;
    do {
      const out = await this.client.send(
        new ListAccountsForParentCommand({ ParentId: parent, NextToken: token }),
      );
      for (const a of out.Accounts ?? []) {
        if (!a.Id) continue;
        const status = STATUSES.find((s) => s === a.Status) ?? 'SUSPENDED';
        accounts.push({ accountId: a.Id, name: a.Name ?? a.Id, ou: parent, status });
      }
      token = out.NextToken;
    } while (token);
    return accounts;
  }
}

export const organizationsClient = memoize(() => new OrganizationsClient({ ...DEFAULT_RETRY }));

/** The Organizations port of a Lambda that uses it. */
export const awsOrganizationsPort = (): OrganizationsPort => new AwsOrganizations(organizationsClient());
