/**
 * AccountAccessPort over STS: AssumeRole into the member role of an account
 * (`arn:<partition>:iam::<account>:role/<MEMBER_ROLE_NAME>`), and an IAM client with those
 * credentials. One IAM client per account and container; the SDK refreshes the credentials before
 * they expire. STS errors keep their names (AccessDenied when the role is missing or does not trust
 * this function's role, RegionDisabledException, ...).
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { IamPort } from '../ports/iam.js';
import type { AccountAccessPort } from '../ports/organizations.js';
import { AwsIam } from './iam.js';
import type { PortPermissions } from './permission-types.js';
import type { AwsEnv } from './ports.js';
import { DEFAULT_RETRY, IAM_RETRY, memoize } from './retry.js';

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
 * What each method sends to AWS (handlers/aws/permissions.ts). The IAM calls made with the member
 * role's credentials are the `iam` methods the function declares; the member role is granted exactly
 * those (infra/member-role.ts), the function role only the AssumeRole.
 */
export const ACCOUNT_ACCESS_PERMISSIONS = {
  iamFor: { 'sts:AssumeRole': 'member-role' },
} as const satisfies PortPermissions<AccountAccessPort>;

export class StsAccountAccess implements AccountAccessPort {
  private readonly clients = new Map<string, Promise<IamPort>>();

  constructor(
    private readonly sts: STSClient,
    private readonly roleName: string,
    /** The session name CloudTrail shows in the member account, e.g. the function's name. */
    private readonly sessionName = 'credsweep',
  ) {}

  iamFor(accountId: string): Promise<IamPort> {
    let port = this.clients.get(accountId);
    if (!port) {
      port = this.assume(accountId);
      this.clients.set(accountId, port);
      // A failed assume is not cached: the next call tries again.
      port.catch(() => this.clients.delete(accountId));
    }
    return port;
  }

  private async assume(accountId: string): Promise<IamPort> {
    const roleArn = memberRoleArn(accountId, this.roleName);
    // Fails here (AccessDenied) when the role cannot be assumed, before any IAM call is made.
    let current = await this.credentials(roleArn);
    const credentials = async () => {
      if (current.expiration && current.expiration.getTime() - Date.now() < 60_000) {
        current = await this.credentials(roleArn);
      }
      return current;
    };
    return new AwsIam(new IAMClient({ ...IAM_RETRY, credentials }));
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

export const stsClient = memoize(() => new STSClient({ ...DEFAULT_RETRY }));

/** The account-access port of a Lambda that uses it (the member role's name from the environment). */
export const memberAccess = (env: AwsEnv): AccountAccessPort =>
  new StsAccountAccess(
    stsClient(),
    env.MEMBER_ROLE_NAME,
    process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'credsweep',
  );
