/**
 * AccountAccessPort over STS: AssumeRole into the member role of an account
 * (`arn:<partition>:iam::<account>:role/<MEMBER_ROLE_NAME>`) for an IAM client, or into the member
 * findings role (`<MEMBER_ROLE_NAME>-findings`) for a Security Hub client, with those credentials.
 * One client per account, role and container; the SDK refreshes the credentials before they
 * expire. STS errors keep their names (AccessDenied when the role is missing or does not trust this
 * function's role, RegionDisabledException, ...).
 *
 * The clients come from the makers a function's adapter passes (member-iam.ts, member-findings.ts),
 * so a function that only reads findings does not bundle the IAM client, and one that changes IAM
 * does not bundle Security Hub's.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { memberFindingsRoleName } from '../core/shared/defaults.js';
import type { IamPort } from '../ports/iam.js';
import type { AccountAccessPort } from '../ports/organizations.js';
import type { SecurityHubPort } from '../ports/security-hub.js';
import type { PortPermissions } from './permission-types.js';
import { DEFAULT_RETRY, memoize } from './retry.js';

/** Refreshing credentials of an assumed role, as an SDK client takes them. */
export type AssumedCredentials = () => Promise<{
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}>;

/** How a client of the member account is made from the assumed role's credentials. */
export interface MemberClients {
  iam?: (credentials: AssumedCredentials) => IamPort;
  securityHub?: (credentials: AssumedCredentials) => SecurityHubPort;
}

/** The member role's ARN in `accountId`, in the partition of the region the hub runs in. */
export function memberRoleArn(
  accountId: string,
  roleName: string,
  region = process.env.AWS_REGION ?? '',
): string {
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

/**
 * What each method sends to AWS (handlers/aws/permissions.ts). The calls made with the member
 * role's credentials are the `iam` methods the function declares, those made with the member
 * findings role's the `securityHub` methods; each role is granted exactly those
 * (infra/member-role.ts), the function role only the AssumeRole.
 */
export const ACCOUNT_ACCESS_PERMISSIONS = {
  iamFor: { 'sts:AssumeRole': 'member-role' },
  securityHubFor: { 'sts:AssumeRole': 'member-findings-role' },
} as const satisfies PortPermissions<AccountAccessPort>;

export class StsAccountAccess implements AccountAccessPort {
  private readonly clients = new Map<string, Promise<IamPort>>();
  private readonly hubs = new Map<string, Promise<SecurityHubPort>>();

  constructor(
    private readonly sts: STSClient,
    private readonly roleName: string,
    /** The session name CloudTrail shows in the member account, e.g. the function's name. */
    private readonly sessionName: string,
    private readonly make: MemberClients,
  ) {}

  iamFor(accountId: string): Promise<IamPort> {
    const make = this.make.iam;
    if (!make) return Promise.reject(new Error("this function does not reach member accounts' IAM"));
    return cached(this.clients, accountId, async () =>
      make(await this.assume(memberRoleArn(accountId, this.roleName))),
    );
  }

  securityHubFor(accountId: string): Promise<SecurityHubPort> {
    const make = this.make.securityHub;
    if (!make) return Promise.reject(new Error("this function does not reach member accounts' Security Hub"));
    return cached(this.hubs, accountId, async () =>
      make(await this.assume(memberRoleArn(accountId, memberFindingsRoleName(this.roleName)))),
    );
  }

  /** Refreshing credentials of `roleArn`; fails here (AccessDenied) when it cannot be assumed, before any call is made. */
  private async assume(roleArn: string): Promise<AssumedCredentials> {
    let current = await this.credentials(roleArn);
    return async () => {
      if (current.expiration && current.expiration.getTime() - Date.now() < 60_000) {
        current = await this.credentials(roleArn);
      }
      return current;
    };
  }

  private async credentials(roleArn: string) {
    const out = await this.sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: this.sessionName, DurationSeconds: 900 }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey)
      throw new Error(`AssumeRole returned no credentials for ${roleArn}`);
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
    };
  }
}

/** One client per account; a failed assume is not cached, so the next call tries again. */
function cached<T>(clients: Map<string, Promise<T>>, accountId: string, make: () => Promise<T>): Promise<T> {
  let port = clients.get(accountId);
  if (!port) {
    port = make();
    clients.set(accountId, port);
    port.catch(() => clients.delete(accountId));
  }
  return port;
}

export const stsClient = memoize(() => new STSClient({ ...DEFAULT_RETRY }));

/** The session name: the Lambda function's, so CloudTrail in the member account names it. */
export const sessionName = () => process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'credsweep';
