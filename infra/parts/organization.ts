/**
 * The organization (`organization: true` only): the organization workflow, which runs each account
 * as a child execution with the account workflow's task functions, and the member role those
 * functions assume in every account (in the hub itself, and through a service-managed StackSet).
 */
import { readFileSync } from 'node:fs';
import { ArnFormat, Aws, Fn, Stack, Validations } from 'aws-cdk-lib';
import { CfnStackSet } from 'aws-cdk-lib/aws-cloudformation';
import { CfnManagedPolicy, CfnRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { packageFile } from '../../cli/package-files.js';
import { memberGrants, memberRoleUsers } from '../../handlers/aws/permissions.js';
import type { CredsweepConfig, OrganizationConfig } from '../config.js';
import {
  checkMemberTemplateSize,
  MEMBER_ROLE_NAME,
  memberExemptPolicies,
  memberPermissions,
  memberRoleTemplate,
  memberTrustPolicy,
} from '../member-role.js';
import type { Functions } from './functions.js';
import { taskArnsOf, WORKFLOW_TIMING } from './workflow.js';

/** The organization workflow (deployed with `organization: true`). */
export const ORG_ASL_PATH = packageFile('statemachine', 'organization.asl.json');

/**
 * Accounts analyzed or changed at once by the organization workflow's Distributed Maps (child
 * executions in flight). IAM's rate limits are per account, so accounts run in parallel.
 */
export const ORG_MAP_MAX_CONCURRENCY = 40;

/**
 * The share of a Region's target accounts whose member role may fail to deploy before the
 * StackSet operation, and so the stack's deploy, fails (CloudFormation rounds it down: below ten
 * accounts, none may fail). 100 would let the stack succeed with the role deployed nowhere; 0 would
 * roll a 5,000-account deploy back for one account an SCP keeps from creating roles. The accounts
 * that did fail are listed by `credsweep doctor`, each with its fix (docs/organizations.md).
 */
export const MEMBER_ROLE_FAILURE_TOLERANCE_PERCENT = 10;

/**
 * The organization workflow's state machine, a child of `scope`: Distributed Maps run each account
 * as a child execution of it, with the same task functions (given an accountId they work through
 * the member role); it may start and follow its own executions only.
 */
export function addOrganizationWorkflow(
  scope: Construct,
  config: CredsweepConfig,
  functions: Functions,
  workflowLogs: LogGroup,
): StateMachine {
  const taskArns = taskArnsOf(readFileSync(ORG_ASL_PATH, 'utf8'), functions);
  const name = Fn.join('-', ['credsweep-organization', Fn.select(2, Fn.split('/', Aws.STACK_ID))]);
  const machine = new StateMachine(scope, 'OrganizationStateMachine', {
    stateMachineName: name,
    stateMachineType: StateMachineType.STANDARD,
    definitionBody: DefinitionBody.fromString(readFileSync(ORG_ASL_PATH, 'utf8')),
    definitionSubstitutions: {
      ...taskArns,
      Partition: Aws.PARTITION,
      ApprovalTimeoutSeconds: String(config.approvalTimeoutHours * 3600),
      MapMaxConcurrency: String(config.mapMaxConcurrency),
      OrgMapMaxConcurrency: String(ORG_MAP_MAX_CONCURRENCY),
      ReportPollSeconds: String(WORKFLOW_TIMING.reportPollSeconds),
      ReportPollMaxAttempts: String(WORKFLOW_TIMING.reportPollMaxAttempts),
      RetryIntervalSeconds: String(WORKFLOW_TIMING.retryIntervalSeconds),
    },
    logs: { destination: workflowLogs, level: LogLevel.ALL, includeExecutionData: false },
    tracingEnabled: true,
  });
  machine.addToRolePolicy(
    new PolicyStatement({
      sid: 'InvokeTaskFunctions',
      actions: ['lambda:InvokeFunction'],
      resources: Object.values(taskArns),
    }),
  );
  // A Distributed Map starts, describes and stops child executions of its own state machine.
  machine.addToRolePolicy(
    new PolicyStatement({
      sid: 'StartChildExecutions',
      actions: ['states:StartExecution'],
      resources: [
        Stack.of(scope).formatArn({
          service: 'states',
          resource: 'stateMachine',
          resourceName: name,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    }),
  );
  // Child executions are named `<state machine>/<map run label>:<child>`; both forms the Step Functions
  // Developer Guide documents for a Distributed Map's policy are granted. RedriveExecution lets a
  // redrive of a run that failed half-way (docs/organizations.md) redrive its Map Run's children.
  const executions = (suffix: string) =>
    Stack.of(scope).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: Fn.join('', [name, suffix]),
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  machine.addToRolePolicy(
    new PolicyStatement({
      sid: 'FollowChildExecutions',
      actions: ['states:DescribeExecution', 'states:StopExecution', 'states:RedriveExecution'],
      resources: [executions('/*'), executions(':*')],
    }),
  );
  Validations.of(machine.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Added by CDK for logging and tracing: the CloudWatch Logs vended-delivery actions and X-Ray PutTraceSegments/PutTelemetryRecords/GetSampling* support only Resource "*".',
  });
  Validations.of(machine.role).acknowledge({
    // cdk-nag names the resource with the name's tokens as CloudFormation JSON.
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:credsweep-organization-${JSON.stringify({ 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] })}/*]`,
    reason:
      'A Distributed Map runs each account as a child execution of this state machine, named at run time: it may describe, stop and redrive only executions of this state machine.',
  });
  Validations.of(machine.role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:credsweep-organization-${JSON.stringify({ 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] })}:*]`,
    reason:
      'The other documented form of a Distributed Map child execution ARN (`<state machine>:<execution>`): executions of this state machine only.',
  });
  return machine;
}

/**
 * The member role: in the hub account itself, and, through a service-managed StackSet with
 * automatic deployment, in every account of the member OUs (or the root). StackSets never deploy
 * to the management account; a delegated-administrator hub is a member account that may sit in a
 * target OU, so the StackSet leaves the hub's own account out (AccountFilterType DIFFERENCE) and
 * the hub has exactly one role of the name, the stack's. Its actions come from the single source
 * (memberGrants); it trusts only the hub functions that reach member accounts (memberRoleUsers).
 */
export function addMemberRoles(
  scope: Construct,
  config: CredsweepConfig,
  org: OrganizationConfig,
  functions: Functions,
): void {
  const trusted = {
    iam: memberRoleUsers('iamFor').map((id) => functions.get(id)),
    findings: org.securityHubAdministrator
      ? []
      : memberRoleUsers('securityHubFor').map((id) => functions.get(id)),
  };
  const options = {
    trustedRoleArns: trusted.iam.map((f) => f.role.roleArn),
    findingsTrustedRoleArns: trusted.findings.map((f) => f.role.roleArn),
    organizationId: org.organizationId,
    exemptTagKey: config.exemptTagKey,
    exemptUsers: config.exemptUsers,
    grants: memberGrants({ securityHubAdministrator: org.securityHubAdministrator }),
  };
  checkMemberTemplateSize(options);
  const inHub = {
    ...options,
    userArnPrefix: Stack.of(scope).formatArn({
      service: 'iam',
      region: '',
      resource: 'user',
      resourceName: '',
    }),
  };
  const hubMemberRole = new CfnRole(scope, 'HubMemberRole', {
    roleName: MEMBER_ROLE_NAME,
    description: 'Assumed by the credsweep hub functions only; changes to exempt users are denied.',
    maxSessionDuration: 3600,
    assumeRolePolicyDocument: memberTrustPolicy(inHub),
    policies: [{ policyName: 'credsweep-member', policyDocument: memberPermissions(inHub) }],
  });
  memberExemptPolicies(inHub).forEach((document, index) => {
    new CfnManagedPolicy(scope, `HubMemberRoleExemptUserNames${index + 1}`, {
      description: `credsweep: no change to the users named in exemptUsers (part ${index + 1})`,
      policyDocument: document,
      roles: [hubMemberRole.ref],
    });
  });
  Validations.of(hubMemberRole).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'The account-level IAM reads of the single source (credential report, password policy) support only Resource "*".',
  });
  Validations.of(hubMemberRole).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:user/*]',
    reason:
      'Any IAM user of the account may hold a stale credential, so the actions are scoped to its users (user/*); changes to users tagged exempt or named exempt are explicitly denied.',
  });

  const targets = org.memberOus.length > 0 ? org.memberOus : [org.rootId ?? ''];
  new CfnStackSet(scope, 'MemberRoleStackSet', {
    stackSetName: Fn.join('-', ['credsweep-member', Fn.select(2, Fn.split('/', Aws.STACK_ID))]),
    description: 'credsweep member role in every account of the target OUs (automatic deployment).',
    permissionModel: 'SERVICE_MANAGED',
    autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
    callAs: org.delegatedAdmin ? 'DELEGATED_ADMIN' : 'SELF',
    capabilities: ['CAPABILITY_NAMED_IAM'],
    managedExecution: { Active: true },
    operationPreferences: {
      failureTolerancePercentage: MEMBER_ROLE_FAILURE_TOLERANCE_PERCENT,
      maxConcurrentPercentage: 25,
      // Failures do not slow the rest down; past the tolerance the operation stops.
      concurrencyMode: 'SOFT_FAILURE_TOLERANCE',
      regionConcurrencyType: 'PARALLEL',
    },
    // IAM is global: one instance per account, in the hub's Region.
    stackInstancesGroup: [
      {
        deploymentTargets: org.delegatedAdmin
          ? { organizationalUnitIds: targets, accounts: [Aws.ACCOUNT_ID], accountFilterType: 'DIFFERENCE' }
          : { organizationalUnitIds: targets },
        regions: [Aws.REGION],
      },
    ],
    templateBody: Stack.of(scope).toJsonString(memberRoleTemplate(options)),
  });
}
