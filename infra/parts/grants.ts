/**
 * Least privilege: each function gets what its AWS declaration needs, nothing else
 * (handlers/aws/permissions.ts: the entry names the port methods it calls, the adapters name the IAM
 * action and resource kind of each; nothing here lists an action). This file says what each kind of
 * resource is in this deployment, and denies every change to exempt and break-glass users.
 */
import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { type DeploymentKind, functionGrants, type ResourceKind } from '../../handlers/aws/permissions.js';
import { KEY_INDEX, PASSWORD_SECRET_PREFIX } from '../../handlers/core/shared/defaults.js';
import type { CredsweepConfig } from '../config.js';
import { MEMBER_FINDINGS_ROLE_NAME, MEMBER_ROLE_NAME } from '../member-role.js';
import { protectedUserDenies } from '../protected-users.js';
import type { Data } from './data.js';
import type { Functions } from './functions.js';

/** The DynamoDB partition-key prefixes (handlers/aws/store.ts). */
const APPROVAL_ITEMS = 'APPROVAL#*';
const LEDGER_ITEMS = 'LEDGER#*';
const CHANGE_ITEMS = 'CHANGE#*';
const LOCK_ITEMS = 'LOCK#*';
const WARNING_ITEMS = 'WARNING#*';

/** The S3 key prefix of everything the functions read and write (handlers/core/plan/plan.ts). */
const RUNS_PREFIX = 'runs/';

/** How a kind of resource (handlers/aws/permission-types.ts) becomes a policy statement. */
interface Scope {
  sid: string;
  resources: string[];
  conditions?: Record<string, Record<string, unknown>>;
  /** The cdk-nag IAM5 finding the resources raise, and why the wildcard is needed. */
  nag?: { finding: string; reason: string };
}

/** What the grants are on: the data, the functions (all made) and the state machines. */
export interface Granted {
  data: Data;
  functions: Functions;
  stateMachine: StateMachine;
  organizationStateMachine: StateMachine | undefined;
  deployment: DeploymentKind;
}

/** Adds to each function's role exactly the statements its declared grants need. */
export function addGrants(scope: Construct, config: CredsweepConfig, granted: Granted): void {
  const { data, functions, stateMachine, organizationStateMachine, deployment } = granted;
  const { table, bucket, signingKey } = data;
  const stack = Stack.of(scope);
  const org = config.organization;

  const users = stack.formatArn({ service: 'iam', region: '', resource: 'user', resourceName: '*' });
  const usersNag = {
    finding: 'Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:user/*',
    reason:
      'Any IAM user of the account may hold a stale credential, so IAM actions are scoped to the account\'s users (user/*), never to "*"; changes to users tagged exempt are explicitly denied.',
  };
  // cdk-nag names a bucket's ARN by the logical id of its CfnBucket.
  const objectsNag = {
    finding: `Resource::<${stack.getLogicalId(bucket.node.defaultChild as CfnBucket)}.Arn>/${RUNS_PREFIX}*`,
    reason: `Plans, batches and evidence are written per execution at run time under ${RUNS_PREFIX}; access is limited to that prefix of the one bucket.`,
  };
  const restoredSecrets = stack.formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: `${PASSWORD_SECRET_PREFIX}*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  // The sender's identity (address or domain, whichever is verified); while SES is in the
  // sandbox it also authorises each recipient's identity, hence the approvers' too.
  const mailIdentities = [
    ...new Set([config.senderEmail, ...config.approverEmails].flatMap((a) => [a, a.split('@')[1] ?? a])),
  ].map((identity) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }));
  // A member role, named the same in every account (the StackSet deploys it): only roles of this
  // organization may be assumed.
  const memberRoleGrant = (sid: string, roleName: string, what: string): Scope => ({
    sid,
    resources: [
      stack.formatArn({ service: 'iam', region: '', account: '*', resource: 'role', resourceName: roleName }),
    ],
    conditions: { StringEquals: { 'aws:ResourceOrgID': org?.organizationId ?? '' } },
    nag: {
      finding: `Resource::arn:<AWS::Partition>:iam::*:role/${roleName}`,
      reason: `${what} has the same name in every account of the organization (the StackSet deploys it); aws:ResourceOrgID limits it to roles of ${org?.organizationId ?? 'the organization'}.`,
    },
  });
  const leadingKeys = (prefix: string) => ({
    'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [prefix] },
  });

  const scopes: Record<Exclude<ResourceKind, 'account' | 'organization'>, Scope> = {
    'iam-user': { sid: 'ReadIamUsers', resources: [users], nag: usersNag },
    'iam-user-change': { sid: 'ChangeIamUsers', resources: [users], nag: usersNag },
    'approval-item': {
      sid: 'ApprovalItems',
      resources: [table.tableArn],
      conditions: leadingKeys(APPROVAL_ITEMS),
    },
    'ledger-item': {
      sid: 'LedgerItems',
      resources: [table.tableArn],
      conditions: leadingKeys(LEDGER_ITEMS),
    },
    'change-item': {
      sid: 'LastChangeItems',
      resources: [table.tableArn],
      conditions: leadingKeys(CHANGE_ITEMS),
    },
    'lock-item': {
      sid: 'AccountGuardItems',
      resources: [table.tableArn],
      conditions: leadingKeys(LOCK_ITEMS),
    },
    'ledger-key-index': { sid: 'LedgerByAccessKey', resources: [`${table.tableArn}/index/${KEY_INDEX}`] },
    'warning-item': {
      sid: 'OwnerWarnings',
      resources: [table.tableArn],
      conditions: leadingKeys(WARNING_ITEMS),
    },
    'run-object': {
      sid: 'RunObjects',
      resources: [bucket.arnForObjects(`${RUNS_PREFIX}*`)],
      nag: objectsNag,
    },
    'run-bucket': { sid: 'RunBucket', resources: [bucket.bucketArn] },
    'mail-identity': { sid: 'SendMail', resources: mailIdentities },
    'restored-password-secret': {
      sid: 'RestoredPasswordSecrets',
      resources: [restoredSecrets],
      nag: {
        finding: `Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${PASSWORD_SECRET_PREFIX}*`,
        reason: `Backout creates one secret per restored console password at run time, named under ${PASSWORD_SECRET_PREFIX}; it may create and update only secrets with that prefix.`,
      },
    },
    'signing-key-secret': { sid: 'SigningKey', resources: [signingKey.secretArn] },
    // Step Functions authorises SendTask* against the state machine whose task the token belongs to.
    // Step Functions authorises StartExecution and the task-token callbacks against the state machine.
    'state-machine': {
      sid: 'StateMachine',
      resources: [
        stateMachine.stateMachineArn,
        ...(organizationStateMachine ? [organizationStateMachine.stateMachineArn] : []),
      ],
    },
    // Starting runs: each workflow's own grant (the start function's runs.start / runs.startOrganization).
    'remediation-state-machine': {
      sid: 'StartRemediationRuns',
      resources: [stateMachine.stateMachineArn],
    },
    'organization-state-machine': {
      sid: 'StartOrganizationRuns',
      resources: organizationStateMachine ? [organizationStateMachine.stateMachineArn] : [],
    },
    'member-role': memberRoleGrant('AssumeMemberRole', MEMBER_ROLE_NAME, 'The member role'),
    'member-findings-role': memberRoleGrant(
      'AssumeMemberFindingsRole',
      MEMBER_FINDINGS_ROLE_NAME,
      'The member findings role',
    ),
    'security-hub': {
      sid: 'SecurityHubFindings',
      resources: [stack.formatArn({ service: 'securityhub', resource: 'hub', resourceName: 'default' })],
    },
  };

  for (const id of functions.ids) {
    const fn = functions.get(id);
    const byKind = new Map<ResourceKind, Set<string>>();
    for (const grant of functionGrants(id, deployment)) {
      byKind.set(grant.resource, (byKind.get(grant.resource) ?? new Set()).add(grant.action));
    }
    const nagged = new Set<string>();
    for (const [kind, actionSet] of byKind) {
      // Granted by CredsweepFunction (accountLevelActions).
      if (kind === 'account' || kind === 'organization') continue;
      const target = scopes[kind];
      const actions = [...actionSet].sort();
      fn.addToRolePolicy(
        new PolicyStatement({
          sid: target.sid,
          actions,
          resources: target.resources,
          ...(target.conditions ? { conditions: target.conditions } : {}),
        }),
      );
      if (target.nag && !nagged.has(target.nag.finding)) {
        nagged.add(target.nag.finding);
        Validations.of(fn.role).acknowledge({
          id: `AwsSolutions-IAM5[${target.nag.finding}]`,
          reason: target.nag.reason,
        });
      }
      if (kind !== 'iam-user-change') continue;
      // Exempt and break-glass users are protected by IAM itself: a bug in the code cannot change them.
      const denies = protectedUserDenies({
        actions,
        users,
        exemptTagKey: config.exemptTagKey,
        exemptUsers: config.exemptUsers,
      });
      for (const statement of denies.statements) fn.addToRolePolicy(statement);
      denies.managedPolicies.forEach((document, index) => {
        new ManagedPolicy(fn, `ExemptUserNames${index + 1}`, {
          description: `credsweep: no change to the users named in exemptUsers (part ${index + 1})`,
          document,
          roles: [fn.role],
        });
      });
    }
  }
}
