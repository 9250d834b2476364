/**
 * The member role of an organization deployment: what the hub's functions may do in a member
 * account, deployed to every account of the target OUs by a service-managed StackSet (and to the
 * hub account by the stack itself). Its IAM actions are not listed here: they are the `iam` port
 * methods of the functions that reach member accounts (handlers/aws/permissions.ts, memberGrants),
 * as the single source declares them. Trusted only by the hub's function roles that work in member
 * accounts, and only while they are principals of the organization; changes to exempt users (by
 * tag or by name) and break-glass users explicitly denied (infra/protected-users.ts; the names in
 * managed policies of the template, as many as IAM's size needs).
 *
 * Next to it, in the same StackSet, the member findings role: only the Security Hub actions of the
 * functions that follow findings (GetFindings, BatchUpdateFindings on the account's own hub),
 * trusted only by those functions, which so never get the member role's IAM changes. It is left out
 * when the hub is the Security Hub administrator (its own Security Hub updates members' findings).
 */
import { ArnPrincipal, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type Grant, memberGrants } from '../handlers/aws/permissions.js';
import { DEFAULT_MEMBER_ROLE_NAME, memberFindingsRoleName } from '../handlers/core/shared/defaults.js';
import { ConfigError } from './config.js';
import { type ProtectedUserDenies, protectedUserDenies } from './protected-users.js';

export const MEMBER_ROLE_NAME = DEFAULT_MEMBER_ROLE_NAME;
export const MEMBER_FINDINGS_ROLE_NAME = memberFindingsRoleName(MEMBER_ROLE_NAME);

export interface MemberRoleOptions {
  /** The hub's function roles that assume the member role. */
  trustedRoleArns: string[];
  /** The hub's function roles that assume the member findings role (none: no such role). */
  findingsTrustedRoleArns?: string[];
  organizationId: string;
  exemptTagKey: string;
  exemptUsers: string[];
  /** `arn:${AWS::Partition}:iam::${AWS::AccountId}:user/` in the account the role is in. */
  userArnPrefix: string;
  /** What the role allows (default: the single source's member grants). */
  grants?: readonly Pick<Grant, 'action' | 'resource'>[];
}

/** The member grants' actions by resource kind, sorted; a kind other than IAM's and Security Hub's is a bug here. */
export function memberActions(grants: readonly Pick<Grant, 'action' | 'resource'>[] = memberGrants()) {
  const byKind = {
    account: new Set<string>(),
    'iam-user': new Set<string>(),
    'iam-user-change': new Set<string>(),
    'security-hub': new Set<string>(),
  };
  for (const g of grants) {
    if (!(g.resource in byKind)) {
      throw new Error(
        `the member roles grant only IAM and Security Hub actions; ${g.action} is on ${g.resource}`,
      );
    }
    byKind[g.resource as keyof typeof byKind].add(g.action);
  }
  const sorted = (set: Set<string>) => [...set].sort();
  return {
    account: sorted(byKind.account),
    read: sorted(byKind['iam-user']),
    change: sorted(byKind['iam-user-change']),
    findings: sorted(byKind['security-hub']),
  };
}

export function memberTrustPolicy(o: MemberRoleOptions, trusted = o.trustedRoleArns): PolicyDocument {
  return new PolicyDocument({
    statements: [
      new PolicyStatement({
        sid: 'HubFunctionsOfTheOrganization',
        actions: ['sts:AssumeRole'],
        principals: trusted.map((arn) => new ArnPrincipal(arn)),
        conditions: { StringEquals: { 'aws:PrincipalOrgID': o.organizationId } },
      }),
    ],
  });
}

/** The member findings role's policy: Security Hub's findings of the account's own hub, in the Region. */
export function memberFindingsPermissions(
  o: Pick<MemberRoleOptions, 'grants'>,
  hubArn: string,
): PolicyDocument {
  const { findings } = memberActions(o.grants);
  return new PolicyDocument({
    statements: [new PolicyStatement({ sid: 'AccountFindings', actions: findings, resources: [hubArn] })],
  });
}

/** The member role's Denies (infra/protected-users.ts) on the users of its account; none when it changes nothing. */
function memberDenies(o: MemberRoleOptions): ProtectedUserDenies {
  const { change } = memberActions(o.grants);
  if (change.length === 0) return { statements: [], managedPolicies: [] };
  return protectedUserDenies({
    actions: change,
    users: `${o.userArnPrefix}*`,
    exemptTagKey: o.exemptTagKey,
    exemptUsers: o.exemptUsers,
  });
}

/** The member role's inline policy: what it may do, and the Denies by tag (exempt, break-glass). */
export function memberPermissions(o: MemberRoleOptions): PolicyDocument {
  const users = `${o.userArnPrefix}*`;
  const actions = memberActions(o.grants);
  const statements: PolicyStatement[] = [];
  if (actions.account.length > 0) {
    // IAM has no resource-level permissions for these (read-only, account level).
    statements.push(new PolicyStatement({ sid: 'ReadAccount', actions: actions.account, resources: ['*'] }));
  }
  if (actions.read.length > 0) {
    statements.push(new PolicyStatement({ sid: 'ReadIamUsers', actions: actions.read, resources: [users] }));
  }
  if (actions.change.length > 0) {
    statements.push(
      new PolicyStatement({ sid: 'ChangeIamUsers', actions: actions.change, resources: [users] }),
      ...memberDenies(o).statements,
    );
  }
  return new PolicyDocument({ statements });
}

/** The member role's managed policies: the Deny on the users named in exemptUsers, split to IAM's size. */
export function memberExemptPolicies(o: MemberRoleOptions): PolicyDocument[] {
  return memberDenies(o).managedPolicies;
}

/** What the managed policy of part `index` (from 1) of the exempt names is called in a template. */
export const exemptPolicyId = (index: number) => `MemberRoleExemptUserNames${index}`;

/**
 * CloudFormation takes a StackSet's template body of at most 51,200 bytes (CreateStackSet,
 * TemplateBody): with the hub's role ARNs as long as IAM allows, the member template must fit, or
 * the deploy would fail after synth said nothing.
 */
export const STACK_SET_TEMPLATE_BYTES = 51_200;

/** The longest ARN a hub function role can have (partition aws-us-gov, a 64-character role name). */
const LONGEST_ROLE_ARN = `arn:aws-us-gov:iam::123456789012:role/${'r'.repeat(64)}`;

/** Refuses (ConfigError naming exemptUsers) a member template that CloudFormation would refuse. */
export function checkMemberTemplateSize(o: Omit<MemberRoleOptions, 'userArnPrefix'>): void {
  const longest = (arns: string[] | undefined) => (arns ?? []).map(() => LONGEST_ROLE_ARN);
  const body = JSON.stringify(
    memberRoleTemplate({
      ...o,
      trustedRoleArns: longest(o.trustedRoleArns),
      findingsTrustedRoleArns: longest(o.findingsTrustedRoleArns),
    }),
  );
  const bytes = Buffer.byteLength(body);
  if (bytes <= STACK_SET_TEMPLATE_BYTES) return;
  throw new ConfigError([
    `exemptUsers names ${o.exemptUsers.length} users; the member role's StackSet template would be up to ${bytes.toLocaleString('en-US')} bytes, more than the ${STACK_SET_TEMPLATE_BYTES.toLocaleString('en-US')} CloudFormation takes: tag the others ${o.exemptTagKey}=true instead of naming them`,
  ]);
}

/** The StackSet's template: one role, named the same in every account. */
export function memberRoleTemplate(o: Omit<MemberRoleOptions, 'userArnPrefix'>): Record<string, unknown> {
  // CloudFormation's own placeholders, resolved by Fn::Sub in each member account.
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a JS template
  const userArnPrefix = 'arn:${AWS::Partition}:iam::${AWS::AccountId}:user/';
  const withPrefix = { ...o, userArnPrefix };
  const sub = (doc: PolicyDocument) => subArns(doc.toJSON() as Record<string, unknown>);
  const findings =
    memberActions(o.grants).findings.length > 0 && (o.findingsTrustedRoleArns ?? []).length > 0;
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a JS template
  const hubArn = 'arn:${AWS::Partition}:securityhub:${AWS::Region}:${AWS::AccountId}:hub/default';
  const findingsRole = {
    Type: 'AWS::IAM::Role',
    Properties: {
      RoleName: MEMBER_FINDINGS_ROLE_NAME,
      Description: 'Assumed by the credsweep hub functions that follow Security Hub findings; nothing else.',
      MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: memberTrustPolicy(withPrefix, o.findingsTrustedRoleArns).toJSON(),
      Policies: [
        {
          PolicyName: 'credsweep-member-findings',
          PolicyDocument: sub(memberFindingsPermissions(o, hubArn)),
        },
      ],
    },
  };
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
      ...Object.fromEntries(
        memberExemptPolicies(withPrefix).map((document, i) => [
          exemptPolicyId(i + 1),
          {
            Type: 'AWS::IAM::ManagedPolicy',
            Properties: {
              Description: `credsweep: no change to the users named in exemptUsers (part ${i + 1})`,
              PolicyDocument: sub(document),
              Roles: [{ Ref: 'MemberRole' }],
            },
          },
        ]),
      ),
      ...(findings ? { MemberFindingsRole: findingsRole } : {}),
    },
    Outputs: {
      MemberRoleArn: { Value: { 'Fn::GetAtt': ['MemberRole', 'Arn'] } },
      ...(findings
        ? { MemberFindingsRoleArn: { Value: { 'Fn::GetAtt': ['MemberFindingsRole', 'Arn'] } } }
        : {}),
    },
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
