/**
 * The member role of an organization deployment: what the hub's functions may do in a member
 * account, deployed to every account of the target OUs by a service-managed StackSet (and to the
 * hub account by the stack itself). Only the IAM actions of the member side of the account tasks;
 * trusted only by the hub's function roles that work in member accounts, and only while they are
 * principals of the organization; changes to exempt users (by tag or by name) explicitly denied.
 */
import { ArnPrincipal, Effect, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { DEFAULT_MEMBER_ROLE_NAME } from '../handlers/core/defaults.js';

export const MEMBER_ROLE_NAME = DEFAULT_MEMBER_ROLE_NAME;

/** What the account tasks read in a member account (the credential report and users). */
export const MEMBER_READ_ACTIONS = [
  'iam:GenerateCredentialReport',
  'iam:GetCredentialReport',
  'iam:GetUser',
  'iam:ListAccessKeys',
  'iam:GetAccessKeyLastUsed',
  'iam:GetLoginProfile',
  'iam:GetAccountPasswordPolicy',
];

/** What they change there (disable, deactivate, and backout's restore). */
export const MEMBER_CHANGE_ACTIONS = [
  'iam:DeleteLoginProfile',
  'iam:CreateLoginProfile',
  'iam:UpdateAccessKey',
];

/** Account-level IAM actions (no resource type): allowed on "*". */
const ACCOUNT_LEVEL = [
  'iam:GenerateCredentialReport',
  'iam:GetCredentialReport',
  'iam:GetAccountPasswordPolicy',
];

export interface MemberRoleOptions {
  /** The hub's function roles that assume the member role. */
  trustedRoleArns: string[];
  organizationId: string;
  exemptTagKey: string;
  exemptUsers: string[];
  /** `arn:${AWS::Partition}:iam::${AWS::AccountId}:user/` in the account the role is in. */
  userArnPrefix: string;
}

export function memberTrustPolicy(o: MemberRoleOptions): PolicyDocument {
  return new PolicyDocument({
    statements: [
      new PolicyStatement({
        sid: 'HubFunctionsOfTheOrganization',
        actions: ['sts:AssumeRole'],
        principals: o.trustedRoleArns.map((arn) => new ArnPrincipal(arn)),
        conditions: { StringEquals: { 'aws:PrincipalOrgID': o.organizationId } },
      }),
    ],
  });
}

export function memberPermissions(o: MemberRoleOptions): PolicyDocument {
  const users = `${o.userArnPrefix}*`;
  const statements = [
    new PolicyStatement({ sid: 'ReadCredentialReport', actions: ACCOUNT_LEVEL, resources: ['*'] }),
    new PolicyStatement({
      sid: 'ReadUsers',
      actions: MEMBER_READ_ACTIONS.filter((a) => !ACCOUNT_LEVEL.includes(a)),
      resources: [users],
    }),
    new PolicyStatement({ sid: 'ChangeUsers', actions: MEMBER_CHANGE_ACTIONS, resources: [users] }),
    new PolicyStatement({
      sid: 'DenyChangesToExemptUsers',
      effect: Effect.DENY,
      actions: MEMBER_CHANGE_ACTIONS,
      resources: [users],
      conditions: { StringEqualsIgnoreCase: { [`iam:ResourceTag/${o.exemptTagKey}`]: 'true' } },
    }),
  ];
  if (o.exemptUsers.length > 0) {
    statements.push(
      new PolicyStatement({
        sid: 'DenyChangesToExemptUserNames',
        effect: Effect.DENY,
        actions: MEMBER_CHANGE_ACTIONS,
        resources: o.exemptUsers.flatMap((name) => [
          `${o.userArnPrefix}${name}`,
          `${o.userArnPrefix}*/${name}`,
        ]),
      }),
    );
  }
  return new PolicyDocument({ statements });
}

/** The StackSet's template: one role, named the same in every account. */
export function memberRoleTemplate(o: Omit<MemberRoleOptions, 'userArnPrefix'>): Record<string, unknown> {
  const userArnPrefix = 'arn:${AWS::Partition}:iam::${AWS::AccountId}:user/';
  const withPrefix = { ...o, userArnPrefix };
  const sub = (doc: PolicyDocument) => subArns(doc.toJSON() as Record<string, unknown>);
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      'credsweep member role: lets the credsweep hub find and disable stale IAM credentials here (CIS 1.12).',
    Resources: {
      MemberRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: MEMBER_ROLE_NAME,
          Description: 'Assumed by the credsweep hub functions only; changes to exempt users are denied.',
          MaxSessionDuration: 3600,
          AssumeRolePolicyDocument: memberTrustPolicy(withPrefix).toJSON(),
          Policies: [{ PolicyName: 'credsweep-member', PolicyDocument: sub(memberPermissions(withPrefix)) }],
        },
      },
    },
    Outputs: { MemberRoleArn: { Value: { 'Fn::GetAtt': ['MemberRole', 'Arn'] } } },
  };
}

/** Resources with `${AWS::…}` become Fn::Sub in the member template (resolved in each member account). */
function subArns(value: unknown): unknown {
  if (typeof value === 'string' && value.includes('${AWS::')) return { 'Fn::Sub': value };
  if (Array.isArray(value)) return value.map(subArns);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, subArns(v)]));
  }
  return value;
}
