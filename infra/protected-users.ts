/**
 * The Deny that keeps every role that may change IAM users off the users credsweep must never touch:
 * users tagged exempt, users tagged break-glass, and the users named in `exemptUsers`. One builder for
 * the hub's function roles (infra/parts/grants.ts) and the member role (infra/member-role.ts), so the
 * two can never disagree.
 *
 * Sizes, as IAM counts them (characters, whitespace not counted; IAM and AWS STS quotas,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html): a managed policy
 * holds at most 6,144, a role's inline policies together at most 10,240, and a role carries at most
 * 10 managed policies unless the quota is raised. The tag Denies are two short statements of the
 * role's inline policy. The names grow with the list, so they go into managed policies of their own,
 * each filled up to IAM's size; more names than 10 of them hold are refused with one line that names
 * `exemptUsers`, the quota and the tag to use instead.
 */
import { Effect, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BREAK_GLASS_TAG_KEY } from '../handlers/core/shared/defaults.js';
import { ConfigError } from './config.js';

/** IAM's quotas on a role's policies (reference_iam-quotas, "IAM object quotas"). */
export const IAM_POLICY_QUOTAS = {
  /** Characters of one managed policy, whitespace not counted. */
  managedPolicyCharacters: 6_144,
  /** Characters of all a role's inline policies together, whitespace not counted. */
  rolePolicyCharacters: 10_240,
  /** Managed policies attached to one role (the default quota; it can be raised to 20). */
  managedPoliciesPerRole: 10,
} as const;

/** A policy document's size as IAM counts it: its JSON without whitespace. */
export function iamPolicySize(document: unknown): number {
  return JSON.stringify(document).replace(/\s/g, '').length;
}

/**
 * The ARNs of user `name` at any path. A Deny, so account and partition are wildcards: an identity
 * policy acts on IAM users of its own account only (IAM users have no resource policies), and the
 * literal text keeps each policy's size the same in every account and partition.
 */
const userArns = (name: string) => [`arn:*:iam::*:user/${name}`, `arn:*:iam::*:user/*/${name}`];

export interface ProtectedUsers {
  /** The user-changing actions of the role (each Deny covers exactly them). */
  actions: string[];
  /** The ARN pattern of the account's users the role may change (`…:user/*`). */
  users: string;
  exemptTagKey: string;
  exemptUsers: readonly string[];
}

export interface ProtectedUserDenies {
  /** For the role's inline policy: the Denies by tag (exempt, break-glass). */
  statements: PolicyStatement[];
  /** One managed policy each: the Deny on the named users, split to IAM's size (none without names). */
  managedPolicies: PolicyDocument[];
}

export const EXEMPT_NAMES_SID = 'DenyChangesToExemptUserNames';

/**
 * The Denies of a role that changes `users`. The break-glass Deny holds for any value of the tag but
 * empty or `false` (any case), as credsweep reads it (handlers/core/plan/lifecycle/tags.ts,
 * isBreakGlass): the key is present (Null false) and the value is neither. IAM matches tag keys in
 * `aws:ResourceTag` without regard to case, as credsweep does.
 */
export function protectedUserDenies(o: ProtectedUsers): ProtectedUserDenies {
  const breakGlass = `iam:ResourceTag/${BREAK_GLASS_TAG_KEY}`;
  const statements = [
    new PolicyStatement({
      sid: 'DenyChangesToExemptUsers',
      effect: Effect.DENY,
      actions: o.actions,
      resources: [o.users],
      conditions: { StringEqualsIgnoreCase: { [`iam:ResourceTag/${o.exemptTagKey}`]: 'true' } },
    }),
    // The conditions of one statement are ANDed, so break-glass is a Deny of its own.
    new PolicyStatement({
      sid: 'DenyChangesToBreakGlassUsers',
      effect: Effect.DENY,
      actions: o.actions,
      resources: [o.users],
      conditions: {
        Null: { [breakGlass]: 'false' },
        StringNotEqualsIgnoreCase: { [breakGlass]: ['false', ''] },
      },
    }),
  ];
  return { statements, managedPolicies: exemptNameDocuments(o) };
}

const namesDocument = (actions: string[], names: readonly string[]) =>
  new PolicyDocument({
    statements: [
      new PolicyStatement({
        sid: EXEMPT_NAMES_SID,
        effect: Effect.DENY,
        actions,
        resources: names.flatMap(userArns),
      }),
    ],
  });

/** The named users' Deny in as few managed policies as IAM's size allows, in the order of the list. */
function exemptNameDocuments(o: ProtectedUsers): PolicyDocument[] {
  const chunks: string[][] = [];
  let current: string[] = [];
  for (const name of o.exemptUsers) {
    const next = [...current, name];
    if (current.length > 0 && !fits(o.actions, next)) {
      chunks.push(current);
      current = [name];
    } else {
      current = next;
    }
  }
  if (current.length > 0) chunks.push(current);
  const { managedPoliciesPerRole, managedPolicyCharacters } = IAM_POLICY_QUOTAS;
  if (chunks.length > managedPoliciesPerRole) {
    const held = chunks.slice(0, managedPoliciesPerRole).flat().length;
    throw new ConfigError([
      `exemptUsers names ${o.exemptUsers.length} users; IAM holds about ${held} of these names in the ${managedPoliciesPerRole} managed policies of ${managedPolicyCharacters.toLocaleString('en-US')} characters a role may carry: tag the others ${o.exemptTagKey}=true instead of naming them`,
    ]);
  }
  return chunks.map((names) => namesDocument(o.actions, names));
}

const fits = (actions: string[], names: string[]) =>
  iamPolicySize(namesDocument(actions, names).toJSON()) <= IAM_POLICY_QUOTAS.managedPolicyCharacters;
