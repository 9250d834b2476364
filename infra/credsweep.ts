import { readFileSync } from 'node:fs';
import { ArnFormat, Aws, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { CfnStackSet } from 'aws-cdk-lib/aws-cloudformation';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { CfnRole, Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { packageFile } from '../cli/package-files.js';
import {
  deployedFunctionIds,
  FUNCTIONS,
  type FunctionId,
  functionGrants,
  memberGrants,
  memberRoleUsers,
  type ResourceKind,
} from '../handlers/aws/permissions.js';
import { BREAK_GLASS_TAG_KEY, KEY_INDEX, PASSWORD_SECRET_PREFIX } from '../handlers/core/shared/defaults.js';
import { type CredsweepConfig, parseConfig } from './config.js';
import { ApprovalApi } from './constructs/approval-api.js';
import { CredsweepFunction } from './constructs/credsweep-function.js';
import { SecurityHubStart } from './constructs/security-hub-start.js';
import type { CredsweepProps } from './props.js';

/** The workflow definition of this package (in the repository or installed), never from the working directory. */
export const ASL_PATH = packageFile('statemachine', 'remediation.asl.json');

import {
  MEMBER_FINDINGS_ROLE_NAME,
  MEMBER_ROLE_NAME,
  memberPermissions,
  memberRoleTemplate,
  memberTrustPolicy,
} from './member-role.js';
/** The organization workflow (deployed with `organization: true`). */
export const ORG_ASL_PATH = packageFile('statemachine', 'organization.asl.json');

/**
 * Accounts analyzed or changed at once by the organization workflow's Distributed Maps (child
 * executions in flight). IAM's rate limits are per account, so accounts run in parallel.
 */
export const ORG_MAP_MAX_CONCURRENCY = 40;

/** Tunables of the workflow that are not deployment choices. */
export const WORKFLOW_TIMING = {
  /** Wait between credential-report polls. */
  reportPollSeconds: 10,
  /** Polls before giving up (about 5 minutes; IAM usually answers within seconds). */
  reportPollMaxAttempts: 30,
  /** First retry interval of every task Retry (then backoff x2 with full jitter). */
  retryIntervalSeconds: 2,
} as const;

/** The DynamoDB partition-key prefixes (handlers/aws/store.ts). */
const APPROVAL_ITEMS = 'APPROVAL#*';
const LEDGER_ITEMS = 'LEDGER#*';
const CHANGE_ITEMS = 'CHANGE#*';
const LOCK_ITEMS = 'LOCK#*';
const WARNING_ITEMS = 'WARNING#*';

/** The S3 key prefix of everything the functions read and write (handlers/core/plan/plan.ts). */
const RUNS_PREFIX = 'runs/';

interface FunctionSpec {
  description: string;
  /** Below the TimeoutSeconds of every state that invokes the function. */
  timeout: Duration;
  memorySize?: number;
}

/**
 * The eleven functions. The construct id is the substitution name without `FunctionArn`
 * (`GenerateReport` -> `${GenerateReportFunctionArn}`), so logical ids read `GenerateReportFunction...`.
 * Their entry files and what each does to AWS come from handlers/aws/permissions.ts.
 */
const FUNCTION_SPECS: Record<FunctionId, FunctionSpec> = {
  GenerateReport: {
    description: 'Starts or polls the IAM credential report.',
    timeout: Duration.seconds(50),
  },
  Analyze: {
    description: 'Applies the staleness policy to the credential report and stores the plan.',
    timeout: Duration.seconds(280),
    memorySize: 1024,
  },
  RequestApproval: {
    description: 'Records the approval request and mails each approver a single-use link.',
    timeout: Duration.seconds(60),
  },
  DisableConsole: {
    description: 'Deletes approved stale console passwords (login profiles), ledger first.',
    timeout: Duration.seconds(280),
  },
  DeactivateKeys: {
    description: 'Deactivates approved stale access keys, ledger first.',
    timeout: Duration.seconds(280),
  },
  DeleteKeys: {
    description: 'The delete stage: deletes approved keys credsweep deactivated long ago, ledger first.',
    timeout: Duration.seconds(280),
  },
  Verify: {
    description: 'Reads live IAM state for every change in the ledger.',
    timeout: Duration.seconds(280),
  },
  Backout: {
    description: 'Restores exactly what the ledger says this run changed.',
    timeout: Duration.seconds(880),
  },
  Report: {
    description: 'Writes the evidence report and mails the summary.',
    timeout: Duration.seconds(100),
    memorySize: 512,
  },
  ApprovalApi: {
    description: 'The approval page (GET) and decision (POST) behind API Gateway.',
    timeout: Duration.seconds(20),
  },
  SecurityHubStart: {
    description:
      'Starts a credsweep run for the IAM users of Security Hub findings (custom action, auto-start).',
    timeout: Duration.seconds(30),
  },
  // Organization deployments only.
  ListAccounts: {
    description: 'Lists the accounts of the organization (or of named OUs) for an organization run.',
    timeout: Duration.seconds(280),
  },
  OrgPlan: {
    description: 'Builds the one plan of an organization run; its blast-radius guard.',
    timeout: Duration.seconds(880),
    memorySize: 1024,
  },
  AccountPlan: {
    description: 'Reads the batch references of one account of an organization run.',
    timeout: Duration.seconds(50),
  },
  OrgReport: {
    description: 'Writes the evidence of every account and the organization summary; mails it.',
    timeout: Duration.seconds(880),
    memorySize: 1024,
  },
};

/** Functions the workflow does not invoke, made once the state machine exists (they name it). */
const AFTER_STATE_MACHINE: readonly FunctionId[] = ['SecurityHubStart'];

/** How a kind of resource (handlers/aws/permission-types.ts) becomes a policy statement. */
interface Scope {
  sid: string;
  resources: string[];
  conditions?: Record<string, Record<string, unknown>>;
  /** The cdk-nag IAM5 finding the resources raise, and why the wildcard is needed. */
  nag?: { finding: string; reason: string };
}

/**
 * credsweep as one construct: the remediation state machine and its functions, the approval API,
 * the table (approvals and ledger), the bucket (plans and evidence), the link-signing secret, an
 * optional schedule, and an alarm on failed runs. Put it in any stack of your CDK app
 * (`import { Credsweep } from 'credsweep/cdk'`); the props are validated as the repository's own
 * app validates its CDK context (infra/config.ts), and a bad one throws a ConfigError naming it.
 */
export class Credsweep extends Construct {
  /** The remediation workflow; start runs here (`credsweep start --state-machine <arn>`). */
  readonly stateMachine: StateMachine;
  /** Plans, batches and evidence (`credsweep evidence --bucket <name>`); retained on delete. */
  readonly bucket: Bucket;
  /** Approvals and the write-ahead ledger; retained on delete. */
  readonly table: Table;
  /** The approval links' API. */
  readonly approvalApi: ApprovalApi;
  /** Failed-run alarms are published here. */
  readonly alarmTopic: Topic;
  /** The custom action "Disable w/ credsweep", its rule, and the optional auto-start. */
  readonly startFromSecurityHub: SecurityHubStart;
  /** The organization workflow (`-c organization=true` only). */
  readonly organizationStateMachine: StateMachine | undefined;
  readonly functions: Partial<Record<FunctionId, CredsweepFunction>>;

  constructor(scope: Construct, id: string, props: CredsweepProps) {
    super(scope, id);
    const config = parseConfig(props);
    const stack = Stack.of(this);
    const org = config.organization;
    const deployment = {
      organization: org !== null,
      securityHubAdministrator: org?.securityHubAdministrator ?? false,
    };
    const logRetention = config.logRetentionDays as RetentionDays;

    // --- Data -----------------------------------------------------------------------------------

    const table = new Table(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Approvals (which hold a task token) expire; ledger entries are evidence and have no ttl.
      timeToLiveAttribute: 'ttl',
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The delete stage asks which run deactivated a key: ledger entries by access key id (sparse:
    // only entries about keys carry the attribute).
    table.addGlobalSecondaryIndex({
      indexName: KEY_INDEX,
      partitionKey: { name: 'accessKeyId', type: AttributeType.STRING },
      sortKey: { name: 'recordedAt', type: AttributeType.STRING },
    });

    // The data bucket's server access logs. It is their destination, so it logs nothing itself
    // (cdk-nag's S1 accepts a bucket that receives access logs).
    const accessLogsBucket = new Bucket(this, 'AccessLogsBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      lifecycleRules: [{ expiration: Duration.days(config.logRetentionDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const bucket = new Bucket(this, 'DataBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      versioned: true,
      serverAccessLogsBucket: accessLogsBucket,
      serverAccessLogsPrefix: 'data-bucket/',
      lifecycleRules: [
        // Current plans and evidence are kept (they are the compliance record); overwritten or
        // deleted versions go after 90 days.
        {
          noncurrentVersionExpiration: Duration.days(90),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const signingKey = new Secret(this, 'SigningKey', {
      description:
        'credsweep: HMAC key of the approval form token. Read only by the approval API; never logged.',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
    });
    Validations.of(signingKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Only signs the anti-forgery token of approval forms that live for one approval window; rotating it needs no rotation Lambda: put a new random value between runs (docs/deploy.md). A rotation while a page is open only makes that form ask for a reload.',
    });

    // --- Functions ------------------------------------------------------------------------------

    const approvalApi = new ApprovalApi(this, 'Approval', { logRetention });

    // Every function gets the same environment (handlers/aws/ports.ts validates all of it on
    // every function); none of it is secret.
    const environment: Record<string, string> = {
      TABLE_NAME: table.tableName,
      BUCKET_NAME: bucket.bucketName,
      SIGNING_KEY_SECRET_ARN: signingKey.secretArn,
      PASSWORD_SECRET_PREFIX,
      ACCOUNT_ID: Aws.ACCOUNT_ID,
      APPROVER_EMAILS: config.approverEmails.join(','),
      SENDER_EMAIL: config.senderEmail,
      APPROVAL_BASE_URL: approvalApi.baseUrl,
      APPROVAL_TIMEOUT_SECONDS: String(config.approvalTimeoutHours * 3600),
      THRESHOLD_DAYS: String(config.thresholdDays),
      MAX_CREDENTIALS: String(config.maxCredentials),
      BATCH_SIZE: String(config.batchSize),
      EXEMPT_USERS: config.exemptUsers.join(','),
      EXEMPT_TAG_KEY: config.exemptTagKey,
      WARN_DAYS: String(config.warnDays),
      OWNER_TAG_KEY: config.ownerTagKey,
      OWNER_DOMAINS: config.ownerDomains.join(','),
      CONSOLE_ACTION: config.consoleAction,
      DELETE_AFTER_DAYS: config.deleteAfterDays === null ? 'off' : String(config.deleteAfterDays),
      ...(org
        ? {
            MAX_CREDENTIALS_TOTAL: String(org.maxCredentialsTotal),
            MEMBER_ROLE_NAME,
            ORGANIZATION_ID: org.organizationId,
            SECURITY_HUB_ADMINISTRATOR: String(org.securityHubAdministrator),
          }
        : {}),
    };
    const functionIds = deployedFunctionIds(org !== null);

    const make = (id: FunctionId, extra: Record<string, string> = {}) => {
      const account = functionGrants(id, deployment)
        .filter((g) => g.resource === 'account' || g.resource === 'organization')
        .map((g) => g.action);
      return new CredsweepFunction(this, id, {
        ...FUNCTION_SPECS[id],
        entry: FUNCTIONS[id].entry,
        environment: { ...environment, ...extra },
        logRetention,
        ...(account.length > 0
          ? {
              accountLevelActions: {
                actions: [...new Set(account)],
                reason:
                  'IAM and Organizations have no resource-level permissions for them; only read-only actions are declared with the resource kinds "account" and "organization" (handlers/aws/permissions.ts).',
              },
            }
          : {}),
      });
    };
    const fns: Partial<Record<FunctionId, CredsweepFunction>> = Object.fromEntries(
      functionIds.filter((id) => !AFTER_STATE_MACHINE.includes(id)).map((id) => [id, make(id)]),
    );
    const fn = (id: FunctionId): CredsweepFunction => {
      const found = fns[id];
      if (!found) throw new Error(`this deployment has no ${id} function`);
      return found;
    };
    this.functions = fns;
    approvalApi.routeTo(fn('ApprovalApi').fn);

    // --- The workflow ---------------------------------------------------------------------------

    // Step Functions delivers logs through a CloudWatch Logs resource policy; names under
    // /aws/vendedlogs/ keep that policy small. The stack id's UUID makes the name unique per
    // deployment, so a retained group from a deleted stack never blocks a new deployment.
    const workflowLogs = new LogGroup(this, 'WorkflowLogs', {
      logGroupName: Fn.join('', [
        '/aws/vendedlogs/states/credsweep-',
        Fn.select(2, Fn.split('/', Aws.STACK_ID)),
      ]),
      retention: logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // The functions a workflow invokes: each `${<Id>FunctionArn}` placeholder of its ASL.
    const taskArnsOf = (asl: string) => {
      const invoked = [...new Set([...asl.matchAll(/\$\{([A-Za-z0-9]+)FunctionArn\}/g)].map((m) => m[1]))];
      return Object.fromEntries(
        invoked.map((name) => {
          const target = name ? fns[name as FunctionId] : undefined;
          if (!target) throw new Error(`The ASL invokes \${${name}FunctionArn}, which is no function`);
          return [`${name}FunctionArn`, target.fn.functionArn];
        }),
      );
    };
    const asl = readFileSync(ASL_PATH, 'utf8');
    const taskArns = taskArnsOf(asl);

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      // DefinitionBody.fromFile would upload the ASL as an S3 asset (DefinitionS3Location): the
      // template could not be read or tested without that upload. fromString puts the file's text
      // in DefinitionString, and CloudFormation applies definitionSubstitutions at deploy time.
      definitionBody: DefinitionBody.fromString(asl),
      definitionSubstitutions: {
        ...taskArns,
        // No ARN in the definition names a partition: aws, aws-cn and aws-us-gov alike.
        Partition: Aws.PARTITION,
        ApprovalTimeoutSeconds: String(config.approvalTimeoutHours * 3600),
        MapMaxConcurrency: String(config.mapMaxConcurrency),
        ReportPollSeconds: String(WORKFLOW_TIMING.reportPollSeconds),
        ReportPollMaxAttempts: String(WORKFLOW_TIMING.reportPollMaxAttempts),
        RetryIntervalSeconds: String(WORKFLOW_TIMING.retryIntervalSeconds),
      },
      // includeExecutionData is false: the RequestApproval task's parameters carry the task
      // token (whoever holds it can answer the approval), and state data names users and keys.
      // The execution history (IAM-protected, 90 days) and the S3 evidence keep the details;
      // the log keeps every event's type, state and timing.
      logs: { destination: workflowLogs, level: LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });

    // The definition is a string, so CDK cannot see which functions it calls: allow exactly the
    // nine task functions (unqualified ARNs, as the ASL uses them), nothing else.
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        sid: 'InvokeTaskFunctions',
        actions: ['lambda:InvokeFunction'],
        resources: Object.values(taskArns),
      }),
    );
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Added by CDK for logging and tracing: the CloudWatch Logs vended-delivery actions (logs:CreateLogDelivery and friends) and X-Ray PutTraceSegments/PutTelemetryRecords/GetSampling* support only Resource "*".',
    });

    // The organization workflow: Distributed Maps run each account as a child execution of it,
    // with the same task functions (given an accountId they work through the member role).
    this.organizationStateMachine = org
      ? this.organizationWorkflow(taskArnsOf(readFileSync(ORG_ASL_PATH, 'utf8')), config, workflowLogs)
      : undefined;

    // --- Start from Security Hub ---------------------------------------------------------------

    fns.SecurityHubStart = make('SecurityHubStart', {
      STATE_MACHINE_ARN: this.stateMachine.stateMachineArn,
      ...(this.organizationStateMachine
        ? { ORGANIZATION_STATE_MACHINE_ARN: this.organizationStateMachine.stateMachineArn }
        : {}),
    });
    this.startFromSecurityHub = new SecurityHubStart(this, 'SecurityHub', {
      fn: fns.SecurityHubStart,
      autoStart: config.securityHubAutoStart,
      organization: org !== null,
    });

    // --- Least privilege: each function gets what its AWS declaration needs, nothing else -------
    // (handlers/aws/permissions.ts: the entry names the port methods it calls, the adapters name
    // the IAM action and resource kind of each; nothing here lists an action.)

    const users = stack.formatArn({ service: 'iam', region: '', resource: 'user', resourceName: '*' });
    const userNameArns = config.exemptUsers.flatMap((name) => [
      stack.formatArn({ service: 'iam', region: '', resource: 'user', resourceName: name }),
      stack.formatArn({ service: 'iam', region: '', resource: 'user', resourceName: `*/${name}` }),
    ]);
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
          this.stateMachine.stateMachineArn,
          ...(this.organizationStateMachine ? [this.organizationStateMachine.stateMachineArn] : []),
        ],
      },
      // Starting runs: each workflow's own grant (the start function's runs.start / runs.startOrganization).
      'remediation-state-machine': {
        sid: 'StartRemediationRuns',
        resources: [this.stateMachine.stateMachineArn],
      },
      'organization-state-machine': {
        sid: 'StartOrganizationRuns',
        resources: this.organizationStateMachine ? [this.organizationStateMachine.stateMachineArn] : [],
      },
      // The member role has the same name in every account (the StackSet deploys it); only roles
      // of this organization may be assumed.
      'member-role': {
        sid: 'AssumeMemberRole',
        resources: [
          stack.formatArn({
            service: 'iam',
            region: '',
            account: '*',
            resource: 'role',
            resourceName: MEMBER_ROLE_NAME,
          }),
        ],
        conditions: { StringEquals: { 'aws:ResourceOrgID': org?.organizationId ?? '' } },
        nag: {
          finding: `Resource::arn:<AWS::Partition>:iam::*:role/${MEMBER_ROLE_NAME}`,
          reason: `The member role has the same name in every account of the organization (the StackSet deploys it); aws:ResourceOrgID limits it to roles of ${org?.organizationId ?? 'the organization'}.`,
        },
      },
      // The member findings role, named the same in every account (the StackSet deploys it).
      'member-findings-role': {
        sid: 'AssumeMemberFindingsRole',
        resources: [
          stack.formatArn({
            service: 'iam',
            region: '',
            account: '*',
            resource: 'role',
            resourceName: MEMBER_FINDINGS_ROLE_NAME,
          }),
        ],
        conditions: { StringEquals: { 'aws:ResourceOrgID': org?.organizationId ?? '' } },
        nag: {
          finding: `Resource::arn:<AWS::Partition>:iam::*:role/${MEMBER_FINDINGS_ROLE_NAME}`,
          reason: `The member findings role has the same name in every account of the organization (the StackSet deploys it); aws:ResourceOrgID limits it to roles of ${org?.organizationId ?? 'the organization'}.`,
        },
      },
      'security-hub': {
        sid: 'SecurityHubFindings',
        resources: [stack.formatArn({ service: 'securityhub', resource: 'hub', resourceName: 'default' })],
      },
    };

    for (const id of functionIds) {
      const fn = fns[id] as CredsweepFunction;
      const byKind = new Map<ResourceKind, Set<string>>();
      for (const grant of functionGrants(id, deployment)) {
        byKind.set(grant.resource, (byKind.get(grant.resource) ?? new Set()).add(grant.action));
      }
      const nagged = new Set<string>();
      for (const [kind, actionSet] of byKind) {
        // Granted by CredsweepFunction (accountLevelActions).
        if (kind === 'account' || kind === 'organization') continue;
        const scope = scopes[kind];
        const actions = [...actionSet].sort();
        fn.addToRolePolicy(
          new PolicyStatement({
            sid: scope.sid,
            actions,
            resources: scope.resources,
            ...(scope.conditions ? { conditions: scope.conditions } : {}),
          }),
        );
        if (scope.nag && !nagged.has(scope.nag.finding)) {
          nagged.add(scope.nag.finding);
          Validations.of(fn.role).acknowledge({
            id: `AwsSolutions-IAM5[${scope.nag.finding}]`,
            reason: scope.nag.reason,
          });
        }
        if (kind !== 'iam-user-change') continue;
        // Exempt users are protected by IAM itself: a bug in the code cannot change them.
        fn.addToRolePolicy(
          new PolicyStatement({
            sid: 'DenyChangesToExemptUsers',
            effect: Effect.DENY,
            actions,
            resources: [users],
            conditions: { StringEqualsIgnoreCase: { [`iam:ResourceTag/${config.exemptTagKey}`]: 'true' } },
          }),
        );
        // Break-glass users are never changed by credsweep: a second Deny (the conditions of one
        // statement are ANDed, so this one must hold on its own).
        fn.addToRolePolicy(
          new PolicyStatement({
            sid: 'DenyChangesToBreakGlassUsers',
            effect: Effect.DENY,
            actions,
            resources: [users],
            conditions: { StringEqualsIgnoreCase: { [`iam:ResourceTag/${BREAK_GLASS_TAG_KEY}`]: 'true' } },
          }),
        );
        if (userNameArns.length > 0) {
          fn.addToRolePolicy(
            new PolicyStatement({
              sid: 'DenyChangesToExemptUserNames',
              effect: Effect.DENY,
              actions,
              resources: userNameArns,
            }),
          );
        }
      }
    }

    if (org) {
      this.memberRoles(config, org, {
        iam: memberRoleUsers('iamFor').map(fn),
        findings: org.securityHubAdministrator ? [] : memberRoleUsers('securityHubFor').map(fn),
      });
    }

    // --- Optional schedule ----------------------------------------------------------------------

    if (config.schedule) {
      new Schedule(this, 'Schedule', {
        description: `credsweep periodic run (${config.schedule})`,
        schedule: ScheduleExpression.expression(config.schedule),
        target: new StepFunctionsStartExecution(this.stateMachine, {
          input: ScheduleTargetInput.fromObject({}),
          retryAttempts: 3,
          maxEventAge: Duration.hours(1),
        }),
      });
    }

    // --- Alarm on failed runs -------------------------------------------------------------------

    const alarmKey = new Key(this, 'AlarmTopicKey', {
      description: 'credsweep: encrypts the failed-run alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CloudWatch publishes alarm notifications to the encrypted topic; it needs the key for that.
    alarmKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsUseKey',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    const alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'credsweep failed runs',
      masterKey: alarmKey,
      enforceSSL: true,
    });
    if (config.alarmEmail) alarmTopic.addSubscription(new EmailSubscription(config.alarmEmail));

    // The workflow ends every rejected, timed-out, backed-out or failed run in a Fail state, so
    // ExecutionsFailed counts each run that did not remediate as approved.
    const failedRuns = new Alarm(this, 'FailedRunsAlarm', {
      alarmDescription:
        'A credsweep run failed: rejected, approval timed out, backed out, or an error. See the execution history and the evidence in S3.',
      metric: this.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    failedRuns.addAlarmAction(new SnsAction(alarmTopic));
    alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [alarmTopic.topicArn],
        conditions: {
          ArnEquals: { 'aws:SourceArn': failedRuns.alarmArn },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );

    this.bucket = bucket;
    this.table = table;
    this.approvalApi = approvalApi;
    this.alarmTopic = alarmTopic;
  }

  /** The organization workflow's state machine, allowed to run its own accounts as child executions. */
  private organizationWorkflow(
    taskArns: Record<string, string>,
    config: CredsweepConfig,
    workflowLogs: LogGroup,
  ): StateMachine {
    const name = Fn.join('-', ['credsweep-organization', Fn.select(2, Fn.split('/', Aws.STACK_ID))]);
    const machine = new StateMachine(this, 'OrganizationStateMachine', {
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
          Stack.of(this).formatArn({
            service: 'states',
            resource: 'stateMachine',
            resourceName: name,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    machine.addToRolePolicy(
      new PolicyStatement({
        sid: 'FollowChildExecutions',
        actions: ['states:DescribeExecution', 'states:StopExecution'],
        resources: [
          Stack.of(this).formatArn({
            service: 'states',
            resource: 'execution',
            resourceName: Fn.join('', [name, '/*']),
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
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
        'A Distributed Map runs each account as a child execution of this state machine, named at run time: it may describe and stop only executions of this state machine.',
    });
    return machine;
  }

  /**
   * The member role: in the hub account itself (service-managed StackSets skip the management
   * account) and, through a service-managed StackSet with automatic deployment, in every account
   * of the member OUs (or the root). Its actions come from the single source (memberGrants).
   */
  private memberRoles(
    config: CredsweepConfig,
    org: NonNullable<CredsweepConfig['organization']>,
    trusted: { iam: CredsweepFunction[]; findings: CredsweepFunction[] },
  ): void {
    const options = {
      trustedRoleArns: trusted.iam.map((f) => f.role.roleArn),
      findingsTrustedRoleArns: trusted.findings.map((f) => f.role.roleArn),
      organizationId: org.organizationId,
      exemptTagKey: config.exemptTagKey,
      exemptUsers: config.exemptUsers,
      grants: memberGrants({ securityHubAdministrator: org.securityHubAdministrator }),
    };
    const hubMemberRole = new CfnRole(this, 'HubMemberRole', {
      roleName: MEMBER_ROLE_NAME,
      description: 'Assumed by the credsweep hub functions only; changes to exempt users are denied.',
      maxSessionDuration: 3600,
      assumeRolePolicyDocument: memberTrustPolicy({ ...options, userArnPrefix: '' }),
      policies: [
        {
          policyName: 'credsweep-member',
          policyDocument: memberPermissions({
            ...options,
            userArnPrefix: Stack.of(this).formatArn({
              service: 'iam',
              region: '',
              resource: 'user',
              resourceName: '',
            }),
          }),
        },
      ],
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

    new CfnStackSet(this, 'MemberRoleStackSet', {
      stackSetName: Fn.join('-', ['credsweep-member', Fn.select(2, Fn.split('/', Aws.STACK_ID))]),
      description: 'credsweep member role in every account of the target OUs (automatic deployment).',
      permissionModel: 'SERVICE_MANAGED',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      callAs: org.delegatedAdmin ? 'DELEGATED_ADMIN' : 'SELF',
      capabilities: ['CAPABILITY_NAMED_IAM'],
      managedExecution: { Active: true },
      operationPreferences: {
        failureTolerancePercentage: 100,
        maxConcurrentPercentage: 25,
        regionConcurrencyType: 'PARALLEL',
      },
      // IAM is global: one instance per account, in the hub's Region.
      stackInstancesGroup: [
        {
          deploymentTargets: {
            organizationalUnitIds: org.memberOus.length > 0 ? org.memberOus : [org.rootId ?? ''],
          },
          regions: [Aws.REGION],
        },
      ],
      templateBody: Stack.of(this).toJsonString(memberRoleTemplate(options)),
    });
  }
}
