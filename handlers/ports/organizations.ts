/**
 * The organization: which accounts there are (AWS Organizations) and how the hub reaches each one
 * (STS AssumeRole into the member role). AWS: handlers/aws/organizations.ts and
 * handlers/aws/account-access.ts; local: cli/local/sandbox-organization.ts.
 */
import type { AccountStatus } from '../core/shared/types.js';
import type { IamPort } from './iam.js';
import type { SecurityHubPort } from './security-hub.js';

export interface OrgAccount {
  accountId: string;
  name: string;
  /** The id of the OU (or root, `r-…`) the account sits in directly. */
  ou: string;
  status: AccountStatus;
}

export interface OrganizationsPort {
  /**
   * Every account of the organization, or (with `ous`) of those OUs and the OUs below them, each
   * once, in a stable order. Errors keep AWS's names (AccessDenied, ParentNotFound, ...).
   */
  listAccounts(ous?: string[]): Promise<OrgAccount[]>;
}

export interface AccountAccessPort {
  /**
   * The IAM of `accountId`, as the member role sees it. Throws an error named AccessDenied (as STS
   * names it) when the role is missing or does not trust the hub.
   */
  iamFor(accountId: string): Promise<IamPort>;
  /**
   * The Security Hub of `accountId` (its own findings, in the hub's Region), through the member
   * findings role: only GetFindings and BatchUpdateFindings. Used when the hub is not the Security
   * Hub administrator of the organization (docs/compliance.md). Throws AccessDenied as `iamFor` does.
   */
  securityHubFor(accountId: string): Promise<SecurityHubPort>;
}
