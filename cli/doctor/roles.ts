/**
 * Each deployed function's role, checked by IAM itself: SimulatePrincipalPolicy evaluates the role's
 * policies (and any permissions boundary and the organization's SCPs) for every action the single
 * source of permissions (handlers/aws/permissions.ts) says the function's calls need, on a resource
 * of the kind it names, with the condition keys the deployed policy reads. A role that changes
 * users must also deny those changes on a user tagged exempt.
 */
import {
  type ContextEntry,
  type EvaluationResult,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import type { Grant, ResourceKind } from '../../handlers/aws/permissions.js';
import {
  DEFAULT_EXEMPT_TAG_KEY,
  DEFAULT_MEMBER_ROLE_NAME,
  KEY_INDEX,
  memberFindingsRoleName,
  PASSWORD_SECRET_PREFIX,
} from '../../handlers/core/shared/defaults.js';
import { aws } from '../aws/errors.js';
import { type CheckResult, ok, problem } from './checks.js';
import { iamClient } from './clients.js';
import type { Deployment } from './deployment.js';

/** A resource of one kind, as the simulation names it, with the context its conditions read. */
interface Probe {
  arns: string[];
  context: ContextEntry[];
}

const PROBE = 'credsweep-doctor-probe';

const leadingKeys = (prefix: string): ContextEntry[] => [
  {
    ContextKeyName: 'dynamodb:LeadingKeys',
    ContextKeyType: 'stringList',
    ContextKeyValues: [`${prefix}${PROBE}`],
  },
];

/** A made-up member account: the member-role grant names every account's role of one name. */
const MEMBER_PROBE_ACCOUNT = '111111111111';

const resourceOrg = (organizationId: string): ContextEntry[] => [
  { ContextKeyName: 'aws:ResourceOrgID', ContextKeyType: 'string', ContextKeyValues: [organizationId] },
];

const exemptTag = (d: Deployment, value: 'true' | 'false'): ContextEntry[] => [
  {
    ContextKeyName: `iam:ResourceTag/${d.env.EXEMPT_TAG_KEY || DEFAULT_EXEMPT_TAG_KEY}`,
    ContextKeyType: 'string',
    ContextKeyValues: [value],
  },
];

/** One resource per kind in the deployed account (every kind listed: TypeScript checks it). */
function probes(d: Deployment): Record<ResourceKind, Probe> {
  const { partition: p, region: r, account: a, env } = d;
  const table = `arn:${p}:dynamodb:${r}:${a}:table/${env.TABLE_NAME ?? d.outputs.TableName ?? '?'}`;
  const bucket = env.BUCKET_NAME ?? d.outputs.BucketName ?? '?';
  const user = `arn:${p}:iam::${a}:user/${PROBE}`;
  const mailTo = [env.SENDER_EMAIL, ...(env.APPROVER_EMAILS ?? '').split(',')].filter(
    (x): x is string => !!x,
  );
  return {
    account: { arns: ['*'], context: [] },
    'iam-user': { arns: [user], context: [] },
    'iam-user-change': { arns: [user], context: exemptTag(d, 'false') },
    'approval-item': { arns: [table], context: leadingKeys('APPROVAL#') },
    'ledger-item': { arns: [table], context: leadingKeys('LEDGER#') },
    'change-item': { arns: [table], context: leadingKeys('CHANGE#') },
    'lock-item': { arns: [table], context: leadingKeys('LOCK#') },
    'ledger-key-index': { arns: [`${table}/index/${KEY_INDEX}`], context: [] },
    'warning-item': { arns: [table], context: leadingKeys('WARNING#') },
    'run-object': { arns: [`arn:${p}:s3:::${bucket}/runs/${PROBE}/plan.json`], context: [] },
    'run-bucket': { arns: [`arn:${p}:s3:::${bucket}`], context: [] },
    'mail-identity': { arns: mailTo.map((m) => `arn:${p}:ses:${r}:${a}:identity/${m}`), context: [] },
    'restored-password-secret': {
      arns: [
        `arn:${p}:secretsmanager:${r}:${a}:secret:${env.PASSWORD_SECRET_PREFIX ?? PASSWORD_SECRET_PREFIX}${PROBE}/user-AbCdEf`,
      ],
      context: [],
    },
    'signing-key-secret': { arns: [env.SIGNING_KEY_SECRET_ARN ?? '?'], context: [] },
    'state-machine': {
      arns: [
        d.stateMachineArn,
        ...(d.outputs.OrganizationStateMachineArn ? [d.outputs.OrganizationStateMachineArn] : []),
      ],
      context: [],
    },
    'remediation-state-machine': { arns: [d.stateMachineArn], context: [] },
    'organization-state-machine': {
      arns: d.outputs.OrganizationStateMachineArn ? [d.outputs.OrganizationStateMachineArn] : [],
      context: [],
    },
    // Organization deployments: the member role in a member account of this organization.
    'member-role': {
      arns: [
        `arn:${p}:iam::${MEMBER_PROBE_ACCOUNT}:role/${env.MEMBER_ROLE_NAME ?? DEFAULT_MEMBER_ROLE_NAME}`,
      ],
      context: resourceOrg(env.ORGANIZATION_ID ?? ''),
    },
    'member-findings-role': {
      arns: [
        `arn:${p}:iam::${MEMBER_PROBE_ACCOUNT}:role/${memberFindingsRoleName(env.MEMBER_ROLE_NAME ?? DEFAULT_MEMBER_ROLE_NAME)}`,
      ],
      context: resourceOrg(env.ORGANIZATION_ID ?? ''),
    },
    organization: { arns: ['*'], context: [] },
    'security-hub': { arns: [`arn:${p}:securityhub:${r}:${a}:hub/default`], context: [] },
  };
}

interface Decision {
  action: string;
  resource: string;
  decision: string;
  /** Why, when IAM says: an SCP, a permissions boundary. */
  why: string;
}

function decisions(results: EvaluationResult[]): Decision[] {
  const out: Decision[] = [];
  for (const r of results) {
    const why = [
      r.OrganizationsDecisionDetail?.AllowedByOrganizations === false
        ? "denied by the organization's SCPs"
        : '',
      r.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary === false
        ? 'denied by the permissions boundary'
        : '',
    ]
      .filter(Boolean)
      .join(', ');
    const perResource = r.ResourceSpecificResults ?? [];
    if (perResource.length === 0) {
      out.push({
        action: r.EvalActionName ?? '?',
        resource: r.EvalResourceName ?? '*',
        decision: r.EvalDecision ?? '?',
        why,
      });
    }
    for (const rr of perResource) {
      out.push({
        action: r.EvalActionName ?? '?',
        resource: rr.EvalResourceName ?? '?',
        decision: rr.EvalResourceDecision ?? '?',
        why,
      });
    }
  }
  return out;
}

async function simulate(roleArn: string, actions: string[], probe: Probe): Promise<Decision[]> {
  const results: EvaluationResult[] = [];
  let marker: string | undefined;
  do {
    const page = await aws({ action: 'iam:SimulatePrincipalPolicy' }, () =>
      iamClient().send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: roleArn,
          ActionNames: actions,
          ...(probe.arns[0] === '*' ? {} : { ResourceArns: probe.arns }),
          ...(probe.context.length > 0 ? { ContextEntries: probe.context } : {}),
          ...(marker ? { Marker: marker } : {}),
        }),
      ),
    );
    results.push(...(page.EvaluationResults ?? []));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return decisions(results);
}

const MUTATING: ResourceKind = 'iam-user-change';

/** One check per function: every action it needs is allowed; changes to exempt users are denied. */
export async function checkRole(
  d: Deployment,
  id: string,
  grants: readonly Pick<Grant, 'action' | 'resource'>[],
): Promise<CheckResult> {
  const checkId = `role:${id}`;
  const title = `the ${id} function's role allows what its code calls`;
  const fn = d.functions[id];
  if (!fn?.roleArn) {
    return problem(
      checkId,
      title,
      `stack ${d.stackName} has no ${id} function (no resource ${id}Function…).`,
      'deploy the current stack (npx cdk deploy) from this version of credsweep.',
    );
  }
  const all = probes(d);
  const byKind = new Map<ResourceKind, Set<string>>();
  for (const g of grants) byKind.set(g.resource, (byKind.get(g.resource) ?? new Set()).add(g.action));

  const denied: Decision[] = [];
  let checked = 0;
  for (const [kind, actions] of byKind) {
    const found = await simulate(fn.roleArn, [...actions], all[kind]);
    checked += found.length;
    denied.push(...found.filter((x) => x.decision !== 'allowed'));
  }
  const unprotected: Decision[] = [];
  const changes = byKind.get(MUTATING);
  if (changes) {
    const probe = { ...all[MUTATING], context: exemptTag(d, 'true') };
    unprotected.push(
      ...(await simulate(fn.roleArn, [...changes], probe)).filter((x) => x.decision !== 'explicitDeny'),
    );
  }

  if (denied.length === 0 && unprotected.length === 0) {
    return ok(
      checkId,
      title,
      `${fn.roleArn}: IAM allows all ${checked} action/resource pairs${changes ? ', and denies changes to exempt users' : ''}.`,
    );
  }
  const lines = [
    ...denied.map((x) => `${x.action} on ${x.resource}: ${x.decision}${x.why ? ` (${x.why})` : ''}`),
    ...unprotected.map((x) => `${x.action} on a user tagged exempt: ${x.decision}, expected explicitDeny`),
  ];
  return problem(
    checkId,
    title,
    `${fn.roleArn}: ${lines.join('; ')}.`,
    denied.some((x) => x.why)
      ? 'an SCP or permissions boundary outside credsweep refuses it: exempt the credsweep roles there, or remove the boundary.'
      : 'the deployed role differs from what this version of credsweep grants: deploy it again (npx cdk deploy); if it was edited by hand, undo the edit.',
  );
}

/**
 * The credential report can be generated and read: IAM simulates GenerateReport's role for
 * iam:GenerateCredentialReport and Analyze's for iam:GetCredentialReport. Simulated rather than
 * called: the doctor stays read-only, and it is the functions' roles that must be allowed, not the
 * person running the doctor (the simulation includes SCPs and permissions boundaries).
 */
export async function checkCredentialReport(d: Deployment): Promise<CheckResult> {
  const id = 'credential-report';
  const title = 'the credential report can be generated and read';
  const needs = [
    ['GenerateReport', 'iam:GenerateCredentialReport'],
    ['Analyze', 'iam:GetCredentialReport'],
  ] as const;
  const refused: string[] = [];
  for (const [fnId, action] of needs) {
    const roleArn = d.functions[fnId]?.roleArn;
    if (!roleArn) {
      refused.push(`${action}: the stack has no ${fnId} function`);
      continue;
    }
    for (const x of await simulate(roleArn, [action], { arns: ['*'], context: [] })) {
      if (x.decision !== 'allowed')
        refused.push(`${action} by ${fnId}: ${x.decision}${x.why ? ` (${x.why})` : ''}`);
    }
  }
  if (refused.length === 0) {
    return ok(
      id,
      title,
      'IAM allows GenerateReport to generate the credential report and Analyze to read it (simulated, so nothing was generated).',
    );
  }
  return problem(
    id,
    title,
    `${refused.join('; ')}.`,
    'deploy the stack again (npx cdk deploy); if an SCP or permissions boundary denies it, allow these two read-only actions for the credsweep roles.',
  );
}
