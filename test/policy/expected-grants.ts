/**
 * What each deployed function may do, written out by hand: every IAM action with the resource it
 * is allowed on, as the Service Authorization Reference defines that action's resource types
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/), for the test deployment of
 * test/policy/roles.ts (partition aws, Region eu-west-1, account 123456789012).
 *
 * This is the expectation the synthesized roles (test/policy/grants.test.ts, test/cdk/stack.test.ts)
 * and the declarations (test/aws/permissions.test.ts) are compared with; it is deliberately not
 * derived from handlers/aws/permissions.ts, which the stack is built from. Not listed: what CDK gives
 * every function (logs:CreateLogStream/PutLogEvents on its own log group, xray:PutTraceSegments/
 * PutTelemetryRecords on "*"), and the explicit Denies on exempt users (test/cdk/stack.test.ts).
 *
 * Resource types, from the reference's "Actions defined by ..." table of each service:
 * - IAM (list_awsidentityandaccessmanagementiam.html): GenerateCredentialReport, GetCredentialReport
 *   and GetAccountPasswordPolicy have no resource type ("*"); GetUser, ListAccessKeys,
 *   GetAccessKeyLastUsed, GetLoginProfile, CreateLoginProfile, DeleteLoginProfile,
 *   UpdateLoginProfile, UpdateAccessKey, DeleteAccessKey act on `user`
 *   (arn:${Partition}:iam::${Account}:user/${UserNameWithPath}).
 * - DynamoDB (list_amazondynamodb.html): GetItem, PutItem, UpdateItem, DeleteItem, Query act on
 *   `table` (…:table/${TableName}), Query also on `index` (…:table/${TableName}/index/${IndexName});
 *   condition key dynamodb:LeadingKeys (the partition key values).
 * - S3 (list_amazons3.html): GetObject and PutObject act on `object`
 *   (arn:${Partition}:s3:::${BucketName}/${ObjectName}); ListBucket on `bucket`
 *   (arn:${Partition}:s3:::${BucketName}).
 * - SES v2 (list_amazonsimpleemailservicev2.html): SendEmail acts on `identity`
 *   (…:identity/${IdentityName}).
 * - Secrets Manager (list_awssecretsmanager.html): CreateSecret, PutSecretValue, GetSecretValue act
 *   on `Secret` (…:secret:${SecretId}).
 * - Step Functions (list_awsstepfunctions.html): StartExecution acts on `stateMachine`; SendTask*
 *   list no resource type there, while Step Functions authorizes them against the state machine of
 *   the task token (test/policy/check.ts handles that one case).
 * - Security Hub (list_awssecurityhub.html): GetFindings and BatchUpdateFindings act on `hub`
 *   (…:hub/default).
 * - STS (list_awssecuritytokenservice.html): AssumeRole acts on `role`
 *   (arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}); aws:ResourceOrgID applies.
 * - Organizations (list_awsorganizations.html): ListRoots has no resource type; ListAccountsForParent
 *   and ListOrganizationalUnitsForParent may name the parent (root, ou), granted on "*" here because
 *   the tree is read from the root down, whatever its OUs are.
 */
import type { ResourceKind } from '../../handlers/aws/permission-types.js';
import type { FunctionId } from '../../handlers/aws/permissions.js';

/** One expected grant. `{…}` placeholders: names the test deployment gives (see `expand`). */
export interface ExpectedGrant {
  action: string;
  /** The resource ARN (or "*"). */
  resource: string;
  /** credsweep's name for that resource (handlers/aws/permission-types.ts). */
  kind: ResourceKind;
  /** The statement's condition, as `operator key value` (`ForAllValues:StringLike dynamodb:LeadingKeys LEDGER#*`). */
  condition?: string;
  /** Only in an organization deployment. */
  org?: true;
}

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const USERS = `arn:aws:iam::${ACCOUNT}:user/*`;
const TABLE = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/{table}`;
const BY_ACCESS_KEY = `${TABLE}/index/byAccessKey`;
const RUN_OBJECTS = 'arn:aws:s3:::{bucket}/runs/*';
const BUCKET = 'arn:aws:s3:::{bucket}';
const IDENTITY = `arn:aws:ses:${REGION}:${ACCOUNT}:identity/{identity}`;
const RESTORED_PASSWORDS = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:credsweep/restored/*`;
const SIGNING_KEY = '{signingKey}';
const HUB = `arn:aws:securityhub:${REGION}:${ACCOUNT}:hub/default`;
const MEMBER_ROLE = 'arn:aws:iam::*:role/credsweep-member';
const MEMBER_FINDINGS_ROLE = 'arn:aws:iam::*:role/credsweep-member-findings';
const IN_ORG = 'StringEquals aws:ResourceOrgID {organizationId}';
const items = (prefix: string) => `ForAllValues:StringLike dynamodb:LeadingKeys ${prefix}#*`;

const assume = (role: 'member-role' | 'member-findings-role'): ExpectedGrant => ({
  action: 'sts:AssumeRole',
  resource: role === 'member-role' ? MEMBER_ROLE : MEMBER_FINDINGS_ROLE,
  kind: role,
  condition: IN_ORG,
  org: true,
});
const table = (action: string, prefix: string, kind: ResourceKind): ExpectedGrant => ({
  action,
  resource: TABLE,
  kind,
  condition: items(prefix),
});
const user = (action: string, kind: 'iam-user' | 'iam-user-change' = 'iam-user'): ExpectedGrant => ({
  action,
  resource: USERS,
  kind,
});
const account = (action: string): ExpectedGrant => ({ action, resource: '*', kind: 'account' });
const runObject = (action: 's3:GetObject' | 's3:PutObject'): ExpectedGrant => ({
  action,
  resource: RUN_OBJECTS,
  kind: 'run-object',
});
const absentKeys: ExpectedGrant = { action: 's3:ListBucket', resource: BUCKET, kind: 'run-bucket' };
const mail: ExpectedGrant = { action: 'ses:SendEmail', resource: IDENTITY, kind: 'mail-identity' };
const findings: ExpectedGrant[] = [
  { action: 'securityhub:GetFindings', resource: HUB, kind: 'security-hub' },
  { action: 'securityhub:BatchUpdateFindings', resource: HUB, kind: 'security-hub' },
];
const restoredPasswords: ExpectedGrant[] = [
  { action: 'secretsmanager:CreateSecret', resource: RESTORED_PASSWORDS, kind: 'restored-password-secret' },
  // A retried task finds the secret it stored before dying and overwrites it.
  { action: 'secretsmanager:PutSecretValue', resource: RESTORED_PASSWORDS, kind: 'restored-password-secret' },
];
/** What every task that changes credentials reads and records in the table. */
const changeBookkeeping: ExpectedGrant[] = [
  table('dynamodb:GetItem', 'APPROVAL', 'approval-item'),
  table('dynamodb:GetItem', 'LEDGER', 'ledger-item'),
  table('dynamodb:PutItem', 'LEDGER', 'ledger-item'),
  table('dynamodb:GetItem', 'LOCK', 'lock-item'),
  table('dynamodb:PutItem', 'LOCK', 'lock-item'),
  // Each credential's last change: read for the order of changes, then written.
  table('dynamodb:GetItem', 'CHANGE', 'change-item'),
  table('dynamodb:PutItem', 'CHANGE', 'change-item'),
];

export const EXPECTED_GRANTS: Readonly<Record<FunctionId, readonly ExpectedGrant[]>> = {
  GenerateReport: [account('iam:GenerateCredentialReport'), assume('member-role')],
  Analyze: [
    account('iam:GetCredentialReport'),
    user('iam:GetUser'),
    user('iam:ListAccessKeys'),
    user('iam:GetAccessKeyLastUsed'),
    table('dynamodb:GetItem', 'WARNING', 'warning-item'),
    table('dynamodb:PutItem', 'WARNING', 'warning-item'),
    { action: 'dynamodb:Query', resource: BY_ACCESS_KEY, kind: 'ledger-key-index' },
    // A run's name must be new: no ledger entries under it, its plan and evidence keys absent.
    table('dynamodb:Query', 'LEDGER', 'ledger-item'),
    runObject('s3:GetObject'),
    runObject('s3:PutObject'),
    absentKeys,
    mail,
    assume('member-role'),
  ],
  RequestApproval: [
    table('dynamodb:GetItem', 'APPROVAL', 'approval-item'),
    table('dynamodb:PutItem', 'APPROVAL', 'approval-item'),
    table('dynamodb:UpdateItem', 'APPROVAL', 'approval-item'),
    runObject('s3:GetObject'),
    runObject('s3:PutObject'),
    mail,
    ...findings,
    assume('member-findings-role'),
  ],
  DisableConsole: [
    user('iam:GetUser'),
    user('iam:GetLoginProfile'),
    user('iam:DeleteLoginProfile', 'iam-user-change'),
    user('iam:UpdateLoginProfile', 'iam-user-change'),
    account('iam:GetAccountPasswordPolicy'),
    ...changeBookkeeping,
    runObject('s3:GetObject'),
    ...restoredPasswords,
    assume('member-role'),
  ],
  DeactivateKeys: [
    user('iam:GetUser'),
    user('iam:ListAccessKeys'),
    user('iam:GetAccessKeyLastUsed'),
    user('iam:UpdateAccessKey', 'iam-user-change'),
    ...changeBookkeeping,
    runObject('s3:GetObject'),
    assume('member-role'),
  ],
  DeleteKeys: [
    user('iam:GetUser'),
    user('iam:ListAccessKeys'),
    user('iam:GetAccessKeyLastUsed'),
    user('iam:DeleteAccessKey', 'iam-user-change'),
    ...changeBookkeeping,
    { action: 'dynamodb:Query', resource: BY_ACCESS_KEY, kind: 'ledger-key-index' },
    runObject('s3:GetObject'),
    assume('member-role'),
  ],
  Verify: [
    user('iam:GetLoginProfile'),
    user('iam:ListAccessKeys'),
    table('dynamodb:Query', 'LEDGER', 'ledger-item'),
    runObject('s3:PutObject'),
    assume('member-role'),
  ],
  Backout: [
    user('iam:GetLoginProfile'),
    user('iam:ListAccessKeys'),
    user('iam:CreateLoginProfile', 'iam-user-change'),
    user('iam:UpdateAccessKey', 'iam-user-change'),
    account('iam:GetAccountPasswordPolicy'),
    table('dynamodb:Query', 'LEDGER', 'ledger-item'),
    table('dynamodb:PutItem', 'LEDGER', 'ledger-item'),
    table('dynamodb:GetItem', 'LOCK', 'lock-item'),
    table('dynamodb:PutItem', 'LOCK', 'lock-item'),
    table('dynamodb:GetItem', 'CHANGE', 'change-item'),
    table('dynamodb:PutItem', 'CHANGE', 'change-item'),
    ...restoredPasswords,
    assume('member-role'),
  ],
  Report: [
    table('dynamodb:GetItem', 'APPROVAL', 'approval-item'),
    table('dynamodb:Query', 'LEDGER', 'ledger-item'),
    table('dynamodb:DeleteItem', 'LOCK', 'lock-item'),
    runObject('s3:GetObject'),
    runObject('s3:PutObject'),
    // The verification, the plan, the findings notified: absent when the run stopped before them.
    absentKeys,
    mail,
    ...findings,
    assume('member-findings-role'),
  ],
  ApprovalApi: [
    table('dynamodb:GetItem', 'APPROVAL', 'approval-item'),
    table('dynamodb:UpdateItem', 'APPROVAL', 'approval-item'),
    runObject('s3:GetObject'),
    // A quorum counted part-way (issue 26): the progress record (PutObject) and the mail to the others.
    runObject('s3:PutObject'),
    mail,
    { action: 'secretsmanager:GetSecretValue', resource: SIGNING_KEY, kind: 'signing-key-secret' },
    { action: 'states:SendTaskSuccess', resource: '{stateMachine}', kind: 'state-machine' },
    {
      action: 'states:SendTaskSuccess',
      resource: '{organizationStateMachine}',
      kind: 'state-machine',
      org: true,
    },
  ],
  SecurityHubStart: [
    { action: 'states:StartExecution', resource: '{stateMachine}', kind: 'remediation-state-machine' },
    {
      action: 'states:StartExecution',
      resource: '{organizationStateMachine}',
      kind: 'organization-state-machine',
      org: true,
    },
  ],
  ListAccounts: [
    { action: 'organizations:ListRoots', resource: '*', kind: 'organization', org: true },
    {
      action: 'organizations:ListOrganizationalUnitsForParent',
      resource: '*',
      kind: 'organization',
      org: true,
    },
    { action: 'organizations:ListAccountsForParent', resource: '*', kind: 'organization', org: true },
    { ...runObject('s3:GetObject'), org: true },
    { ...runObject('s3:PutObject'), org: true },
    // A run's name must be new: no plan, evidence or account list under it (absent keys), no ledger
    // entries; in backout mode it reads the earlier run's plan.
    { ...absentKeys, org: true },
    { ...table('dynamodb:Query', 'LEDGER', 'ledger-item'), org: true },
  ],
  OrgPlan: [
    { ...runObject('s3:GetObject'), org: true },
    { ...runObject('s3:PutObject'), org: true },
    // Each account's evidence: present only for an account whose analysis stopped.
    { ...absentKeys, org: true },
  ],
  AccountPlan: [{ ...runObject('s3:GetObject'), org: true }],
  OrgReport: [
    { ...table('dynamodb:GetItem', 'APPROVAL', 'approval-item'), org: true },
    { ...table('dynamodb:Query', 'LEDGER', 'ledger-item'), org: true },
    { ...table('dynamodb:DeleteItem', 'LOCK', 'lock-item'), org: true },
    { ...runObject('s3:GetObject'), org: true },
    { ...runObject('s3:PutObject'), org: true },
    // The accounts, the plan and each account's evidence: absent for a run that stopped before them.
    { ...absentKeys, org: true },
    { ...mail, org: true },
    ...findings.map((f): ExpectedGrant => ({ ...f, org: true })),
    assume('member-findings-role'),
  ],
};

/**
 * The member role in a member account (the StackSet's MemberRole), for `{account}`: what the
 * functions that assume it do to that account's IAM. Its Denies (exempt and break-glass users)
 * are checked by test/cdk/organization.test.ts.
 */
export const EXPECTED_MEMBER_ROLE: readonly ExpectedGrant[] = [
  account('iam:GenerateCredentialReport'),
  account('iam:GetCredentialReport'),
  account('iam:GetAccountPasswordPolicy'),
  ...['iam:GetUser', 'iam:ListAccessKeys', 'iam:GetAccessKeyLastUsed', 'iam:GetLoginProfile'].map(
    (action): ExpectedGrant => ({ action, resource: 'arn:aws:iam::{account}:user/*', kind: 'iam-user' }),
  ),
  ...[
    'iam:CreateLoginProfile',
    'iam:DeleteLoginProfile',
    'iam:UpdateLoginProfile',
    'iam:UpdateAccessKey',
    'iam:DeleteAccessKey',
  ].map(
    (action): ExpectedGrant => ({
      action,
      resource: 'arn:aws:iam::{account}:user/*',
      kind: 'iam-user-change',
    }),
  ),
];

/** The member findings role (the StackSet's MemberFindingsRole): that account's hub, nothing else. */
export const EXPECTED_MEMBER_FINDINGS_ROLE: readonly ExpectedGrant[] = [
  {
    action: 'securityhub:GetFindings',
    resource: `arn:aws:securityhub:${REGION}:{account}:hub/default`,
    kind: 'security-hub',
  },
  {
    action: 'securityhub:BatchUpdateFindings',
    resource: `arn:aws:securityhub:${REGION}:{account}:hub/default`,
    kind: 'security-hub',
  },
];

/** The names `{…}` stand for. */
export interface DeploymentNames {
  table: string;
  bucket: string;
  signingKey: string;
  stateMachine: string;
  organizationStateMachine?: string;
  organizationId?: string;
  account?: string;
  /** The SES identities mail may be sent from and to (addresses and their domains). */
  identities: string[];
}

/** `grants` in a deployment (`org`: an organization deployment), placeholders filled, as `action resource [condition]` lines. */
export function expand(grants: readonly ExpectedGrant[], names: DeploymentNames, org: boolean): string[] {
  const fill = (text: string) =>
    text.replace(/\{(\w+)\}/g, (_, key: string) => {
      const value = (names as unknown as Record<string, unknown>)[key];
      if (typeof value !== 'string') throw new Error(`no test name for {${key}}`);
      return value;
    });
  return grants
    .filter((g) => org || !g.org)
    .flatMap((g) =>
      (g.resource.includes('{identity}')
        ? names.identities.map((i) => g.resource.replace('{identity}', i))
        : [g.resource]
      ).map((resource) => [g.action, fill(resource), ...(g.condition ? [fill(g.condition)] : [])].join(' ')),
    )
    .sort();
}
