import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  ArnFormat,
  Aws,
  CfnOutput,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { KEY_INDEX } from '../handlers/aws/store.js';
import { BREAK_GLASS_TAG_KEY, PASSWORD_SECRET_PREFIX } from '../handlers/core/defaults.js';
import type { CredsweepConfig } from './config.js';
import { ApprovalApi } from './constructs/approval-api.js';
import { type AccountLevelActions, CredsweepFunction } from './constructs/credsweep-function.js';

/** The workflow definition, found from this module, never from the working directory. */
export const ASL_PATH = fileURLToPath(new URL('../statemachine/remediation.asl.json', import.meta.url));

/** Name prefix of the restored-password secrets that backout creates at run time. */

/** Tunables of the workflow that are not deployment choices. */
export const WORKFLOW_TIMING = {
  /** Wait between credential-report polls. */
  reportPollSeconds: 10,
  /** Polls before giving up (about 5 minutes; IAM usually answers within seconds). */
  reportPollMaxAttempts: 30,
  /** First retry interval of every task Retry (then backoff x2 with full jitter). */
  retryIntervalSeconds: 2,
} as const;

/** The IAM actions that change a user; scoped to users and denied on exempt and break-glass users. */
export const MUTATING_IAM_ACTIONS = [
  'iam:DeleteLoginProfile',
  'iam:CreateLoginProfile',
  'iam:UpdateLoginProfile',
  'iam:UpdateAccessKey',
  'iam:DeleteAccessKey',
];

/** The DynamoDB partition-key prefixes (handlers/aws/store.ts). */
const APPROVAL_ITEMS = 'APPROVAL#*';
const LEDGER_ITEMS = 'LEDGER#*';
const WARNING_ITEMS = 'WARNING#*';

/** The S3 key prefix of everything the functions read and write (handlers/core/plan.ts). */
const RUNS_PREFIX = 'runs/';

type TaskName =
  | 'GenerateReport'
  | 'Analyze'
  | 'RequestApproval'
  | 'DisableConsole'
  | 'DeactivateKeys'
  | 'DeleteKeys'
  | 'Verify'
  | 'Backout'
  | 'Report';

interface FunctionSpec {
  entry: string;
  description: string;
  /** Below the TimeoutSeconds of every state that invokes the function. */
  timeout: Duration;
  memorySize?: number;
  accountLevelActions?: AccountLevelActions;
}

/**
 * The nine workflow tasks. The construct id is the substitution name without `FunctionArn`
 * (`GenerateReport` -> `${GenerateReportFunctionArn}`), so logical ids read `GenerateReportFunction...`.
 */
const TASKS: Record<TaskName, FunctionSpec> = {
  GenerateReport: {
    entry: 'generate-report.ts',
    description: 'Starts or polls the IAM credential report.',
    timeout: Duration.seconds(50),
    accountLevelActions: {
      actions: ['iam:GenerateCredentialReport'],
      reason: 'it only asks IAM to (re)build the read-only account credential report.',
    },
  },
  Analyze: {
    entry: 'analyze.ts',
    description: 'Applies the staleness policy to the credential report and stores the plan.',
    timeout: Duration.seconds(280),
    memorySize: 1024,
    accountLevelActions: {
      actions: ['iam:GetCredentialReport'],
      reason: 'it reads the account credential report (read-only).',
    },
  },
  RequestApproval: {
    entry: 'request-approval.ts',
    description: 'Records the approval request and mails each approver a single-use link.',
    timeout: Duration.seconds(60),
  },
  DisableConsole: {
    entry: 'disable-console.ts',
    description: 'Deletes approved stale console passwords (login profiles), ledger first.',
    timeout: Duration.seconds(280),
    accountLevelActions: {
      actions: ['iam:GetAccountPasswordPolicy'],
      reason:
        'with consoleAction reset it reads the account password policy (read-only) so that reset passwords meet it.',
    },
  },
  DeactivateKeys: {
    entry: 'deactivate-keys.ts',
    description: 'Deactivates approved stale access keys, ledger first.',
    timeout: Duration.seconds(280),
  },
  DeleteKeys: {
    entry: 'delete-keys.ts',
    description: 'The delete stage: deletes approved keys credsweep deactivated long ago, ledger first.',
    timeout: Duration.seconds(280),
  },
  Verify: {
    entry: 'verify.ts',
    description: 'Reads live IAM state for every change in the ledger.',
    timeout: Duration.seconds(280),
  },
  Backout: {
    entry: 'backout.ts',
    description: 'Restores exactly what the ledger says this run changed.',
    timeout: Duration.seconds(880),
    accountLevelActions: {
      actions: ['iam:GetAccountPasswordPolicy'],
      reason: 'it reads the account password policy (read-only) so that restored console passwords meet it.',
    },
  },
  Report: {
    entry: 'report.ts',
    description: 'Writes the evidence report and mails the summary.',
    timeout: Duration.seconds(100),
    memorySize: 512,
  },
};

export interface CredsweepStackProps extends StackProps {
  readonly config: CredsweepConfig;
}

/**
 * Everything credsweep runs on in one account: the remediation state machine and its ten
 * functions, the approval API, the table (approvals and ledger), the bucket (plans and evidence),
 * the link-signing secret, an optional schedule, and an alarm on failed runs.
 */
export class CredsweepStack extends Stack {
  readonly stateMachine: StateMachine;
  readonly functions: Record<TaskName | 'ApprovalApi', CredsweepFunction>;

  constructor(scope: Construct, id: string, props: CredsweepStackProps) {
    super(scope, id, props);
    const { config } = props;
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
      CONSOLE_ACTION: config.consoleAction,
      DELETE_AFTER_DAYS: config.deleteAfterDays === null ? 'off' : String(config.deleteAfterDays),
    };

    const make = (id: string, spec: FunctionSpec) =>
      new CredsweepFunction(this, id, { ...spec, environment, logRetention });

    const fns = {
      GenerateReport: make('GenerateReport', TASKS.GenerateReport),
      Analyze: make('Analyze', TASKS.Analyze),
      RequestApproval: make('RequestApproval', TASKS.RequestApproval),
      DisableConsole: make('DisableConsole', TASKS.DisableConsole),
      DeactivateKeys: make('DeactivateKeys', TASKS.DeactivateKeys),
      DeleteKeys: make('DeleteKeys', TASKS.DeleteKeys),
      Verify: make('Verify', TASKS.Verify),
      Backout: make('Backout', TASKS.Backout),
      Report: make('Report', TASKS.Report),
      ApprovalApi: make('ApprovalApi', {
        entry: 'approval-api.ts',
        description: 'The approval page (GET) and decision (POST) behind API Gateway.',
        timeout: Duration.seconds(20),
      }),
    };
    this.functions = fns;
    approvalApi.routeTo(fns.ApprovalApi.fn);

    // --- Least privilege: each function gets the actions its code calls, nothing else ---------

    const users = this.formatArn({ service: 'iam', region: '', resource: 'user', resourceName: '*' });
    const objects = bucket.arnForObjects(`${RUNS_PREFIX}*`);
    const perm = (fn: CredsweepFunction, sid: string, actions: string[], resources: string[]) =>
      fn.addToRolePolicy(new PolicyStatement({ sid, actions, resources }));
    const acknowledged = new Set<string>();
    const acknowledge = (fn: CredsweepFunction, finding: string, reason: string) => {
      const id = `AwsSolutions-IAM5[${finding}]`;
      if (acknowledged.has(`${fn.node.id} ${id}`)) return;
      acknowledged.add(`${fn.node.id} ${id}`);
      Validations.of(fn.role).acknowledge({ id, reason });
    };

    const readUsers = (fn: CredsweepFunction, actions: string[]) => {
      perm(fn, 'IamReadUsers', actions, [users]);
      acknowledge(
        fn,
        'Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:user/*',
        'Any IAM user of the account may hold a stale credential, so IAM actions are scoped to the account\'s users (user/*), never to "*"; changes to users tagged exempt are explicitly denied.',
      );
    };
    const changeUsers = (fn: CredsweepFunction, actions: string[]) => {
      perm(fn, 'IamChangeUsers', actions, [users]);
      fn.addToRolePolicy(
        new PolicyStatement({
          sid: 'DenyChangesToExemptUsers',
          effect: Effect.DENY,
          actions: MUTATING_IAM_ACTIONS,
          resources: [users],
          conditions: { StringEqualsIgnoreCase: { [`iam:ResourceTag/${config.exemptTagKey}`]: 'true' } },
        }),
      );
      // Break-glass users are never changed by credsweep: a second Deny (conditions of one
      // statement are ANDed; this must hold on its own).
      fn.addToRolePolicy(
        new PolicyStatement({
          sid: 'DenyChangesToBreakGlassUsers',
          effect: Effect.DENY,
          actions: MUTATING_IAM_ACTIONS,
          resources: [users],
          conditions: { StringEqualsIgnoreCase: { [`iam:ResourceTag/${BREAK_GLASS_TAG_KEY}`]: 'true' } },
        }),
      );
      if (config.exemptUsers.length > 0) {
        const named = config.exemptUsers.flatMap((name) => [
          this.formatArn({ service: 'iam', region: '', resource: 'user', resourceName: name }),
          this.formatArn({ service: 'iam', region: '', resource: 'user', resourceName: `*/${name}` }),
        ]);
        fn.addToRolePolicy(
          new PolicyStatement({
            sid: 'DenyChangesToExemptUserNames',
            effect: Effect.DENY,
            actions: MUTATING_IAM_ACTIONS,
            resources: named,
          }),
        );
      }
    };
    // Console passwords set by credsweep (restored by backout, or reset by consoleAction `reset`).
    const storePasswords = (fn: CredsweepFunction) => {
      perm(
        fn,
        'StorePasswords',
        ['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue'],
        [
          this.formatArn({
            service: 'secretsmanager',
            resource: 'secret',
            resourceName: `${PASSWORD_SECRET_PREFIX}*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      );
      acknowledge(
        fn,
        `Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${PASSWORD_SECRET_PREFIX}*`,
        `One secret per console password credsweep sets at run time (restored by backout, or reset), named under ${PASSWORD_SECRET_PREFIX}; it may create and update only secrets with that prefix.`,
      );
    };
    const items = (fn: CredsweepFunction, actions: string[], prefixes: string[]) =>
      fn.addToRolePolicy(
        new PolicyStatement({
          sid: 'TableItems',
          actions: actions.map((a) => `dynamodb:${a}`),
          resources: [table.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes } },
        }),
      );
    // cdk-nag names a bucket's ARN by the logical id of its CfnBucket.
    const objectsFinding = `Resource::<${this.getLogicalId(bucket.node.defaultChild as CfnBucket)}.Arn>/${RUNS_PREFIX}*`;
    const objectsReason = `Plans, batches and evidence are written per execution at run time under ${RUNS_PREFIX}; access is limited to that prefix of the one bucket.`;
    const readObjects = (fn: CredsweepFunction) => {
      perm(fn, 'ReadRunObjects', ['s3:GetObject'], [objects]);
      // Without ListBucket a missing key reads as AccessDenied instead of NoSuchKey.
      perm(fn, 'ListRunObjects', ['s3:ListBucket'], [bucket.bucketArn]);
      acknowledge(fn, objectsFinding, objectsReason);
    };
    const writeObjects = (fn: CredsweepFunction) => {
      perm(fn, 'WriteRunObjects', ['s3:PutObject'], [objects]);
      acknowledge(fn, objectsFinding, objectsReason);
    };
    const mailIdentities = [
      ...new Set([config.senderEmail, ...config.approverEmails].flatMap((a) => [a, a.split('@')[1] ?? a])),
    ].map((identity) => this.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }));
    // The sender's identity (address or domain, whichever is verified); while SES is in the
    // sandbox it also authorises each recipient's identity, hence the approvers' too.
    const sendMail = (fn: CredsweepFunction) => perm(fn, 'SendMail', ['ses:SendEmail'], mailIdentities);

    // generate-report: only iam:GenerateCredentialReport (account level, in TASKS).

    readUsers(fns.Analyze, ['iam:GetUser', 'iam:ListAccessKeys', 'iam:GetAccessKeyLastUsed']);
    writeObjects(fns.Analyze);
    // Owner warnings (docs/lifecycle.md): read and record the last warning per credential, mail owners.
    items(fns.Analyze, ['GetItem', 'PutItem'], [WARNING_ITEMS]);
    sendMail(fns.Analyze);
    // The delete stage: which run deactivated a key (the ledger's index by access key id).
    perm(fns.Analyze, 'ReadKeyLedger', ['dynamodb:Query'], [`${table.tableArn}/index/${KEY_INDEX}`]);

    items(fns.RequestApproval, ['GetItem', 'PutItem'], [APPROVAL_ITEMS]);
    readObjects(fns.RequestApproval);
    sendMail(fns.RequestApproval);

    readUsers(fns.DisableConsole, ['iam:GetUser', 'iam:GetLoginProfile']);
    // UpdateLoginProfile: consoleAction `reset` (docs/lifecycle.md).
    changeUsers(fns.DisableConsole, ['iam:DeleteLoginProfile', 'iam:UpdateLoginProfile']);
    items(fns.DisableConsole, ['GetItem', 'PutItem'], [APPROVAL_ITEMS, LEDGER_ITEMS]);
    readObjects(fns.DisableConsole);
    storePasswords(fns.DisableConsole);

    readUsers(fns.DeactivateKeys, ['iam:GetUser', 'iam:ListAccessKeys', 'iam:GetAccessKeyLastUsed']);
    changeUsers(fns.DeactivateKeys, ['iam:UpdateAccessKey']);
    items(fns.DeactivateKeys, ['GetItem', 'PutItem'], [APPROVAL_ITEMS, LEDGER_ITEMS]);
    readObjects(fns.DeactivateKeys);

    readUsers(fns.DeleteKeys, ['iam:GetUser', 'iam:ListAccessKeys', 'iam:GetAccessKeyLastUsed']);
    changeUsers(fns.DeleteKeys, ['iam:DeleteAccessKey']);
    items(fns.DeleteKeys, ['GetItem', 'PutItem'], [APPROVAL_ITEMS, LEDGER_ITEMS]);
    perm(fns.DeleteKeys, 'ReadKeyLedger', ['dynamodb:Query'], [`${table.tableArn}/index/${KEY_INDEX}`]);
    readObjects(fns.DeleteKeys);

    readUsers(fns.Verify, ['iam:GetLoginProfile', 'iam:ListAccessKeys']);
    items(fns.Verify, ['Query'], [LEDGER_ITEMS]);
    writeObjects(fns.Verify);

    readUsers(fns.Backout, ['iam:GetLoginProfile', 'iam:ListAccessKeys']);
    changeUsers(fns.Backout, ['iam:CreateLoginProfile', 'iam:UpdateAccessKey']);
    items(fns.Backout, ['Query', 'PutItem'], [LEDGER_ITEMS]);
    storePasswords(fns.Backout);

    items(fns.Report, ['GetItem', 'Query'], [APPROVAL_ITEMS, LEDGER_ITEMS]);
    readObjects(fns.Report);
    writeObjects(fns.Report);
    sendMail(fns.Report);

    items(fns.ApprovalApi, ['GetItem', 'UpdateItem'], [APPROVAL_ITEMS]);
    readObjects(fns.ApprovalApi);
    perm(fns.ApprovalApi, 'ReadSigningKey', ['secretsmanager:GetSecretValue'], [signingKey.secretArn]);

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

    const taskArns = Object.fromEntries(
      (Object.keys(TASKS) as TaskName[]).map((name) => [`${name}FunctionArn`, fns[name].fn.functionArn]),
    );

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      // DefinitionBody.fromFile would upload the ASL as an S3 asset (DefinitionS3Location): the
      // template could not be read or tested without that upload. fromString puts the file's text
      // in DefinitionString, and CloudFormation applies definitionSubstitutions at deploy time.
      definitionBody: DefinitionBody.fromString(readFileSync(ASL_PATH, 'utf8')),
      definitionSubstitutions: {
        ...taskArns,
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
    this.stateMachine.grantTaskResponse(fns.ApprovalApi);
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Added by CDK for logging and tracing: the CloudWatch Logs vended-delivery actions (logs:CreateLogDelivery and friends) and X-Ray PutTraceSegments/PutTelemetryRecords/GetSampling* support only Resource "*".',
    });

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

    // --- Outputs (read by the credsweep CLI) ---------------------------------------------------

    new CfnOutput(this, 'StateMachineArn', { value: this.stateMachine.stateMachineArn });
    new CfnOutput(this, 'ApprovalApiUrl', { value: approvalApi.baseUrl });
    new CfnOutput(this, 'BucketName', { value: bucket.bucketName });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });
  }
}
