/**
 * The account workflow: the remediation state machine, deployed from statemachine/remediation.asl.json
 * with its substitutions, and the log group every workflow of the deployment delivers to.
 */
import { readFileSync } from 'node:fs';
import { Aws, Fn, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { packageFile } from '../../cli/package-files.js';
import type { FunctionId } from '../../handlers/aws/permissions.js';
import type { CredsweepConfig } from '../config.js';
import type { Functions } from './functions.js';

/** The workflow definition of this package (in the repository or installed), never from the working directory. */
export const ASL_PATH = packageFile('statemachine', 'remediation.asl.json');

/** Tunables of the workflow that are not deployment choices. */
export const WORKFLOW_TIMING = {
  /** Wait between credential-report polls. */
  reportPollSeconds: 10,
  /** Polls before giving up (about 5 minutes; IAM usually answers within seconds). */
  reportPollMaxAttempts: 30,
  /** First retry interval of every task Retry (then backoff x2 with full jitter). */
  retryIntervalSeconds: 2,
} as const;

/** The log group of the workflows' executions, a child of `scope`. */
export function addWorkflowLogs(scope: Construct, logRetention: RetentionDays): LogGroup {
  // Step Functions delivers logs through a CloudWatch Logs resource policy; names under
  // /aws/vendedlogs/ keep that policy small. The stack id's UUID makes the name unique per
  // deployment, so a retained group from a deleted stack never blocks a new deployment.
  return new LogGroup(scope, 'WorkflowLogs', {
    logGroupName: Fn.join('', [
      '/aws/vendedlogs/states/credsweep-',
      Fn.select(2, Fn.split('/', Aws.STACK_ID)),
    ]),
    retention: logRetention,
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

/** The functions a workflow invokes: each `${<Id>FunctionArn}` placeholder of its ASL. */
export function taskArnsOf(asl: string, functions: Functions): Record<string, string> {
  const invoked = [...new Set([...asl.matchAll(/\$\{([A-Za-z0-9]+)FunctionArn\}/g)].map((m) => m[1]))];
  return Object.fromEntries(
    invoked.map((name) => {
      const target = name ? functions.byId[name as FunctionId] : undefined;
      if (!target) throw new Error(`The ASL invokes \${${name}FunctionArn}, which is no function`);
      return [`${name}FunctionArn`, target.fn.functionArn];
    }),
  );
}

/** The remediation state machine, a child of `scope`, allowed to invoke exactly its task functions. */
export function addWorkflow(
  scope: Construct,
  config: CredsweepConfig,
  functions: Functions,
  workflowLogs: LogGroup,
): StateMachine {
  const asl = readFileSync(ASL_PATH, 'utf8');
  const taskArns = taskArnsOf(asl, functions);

  const stateMachine = new StateMachine(scope, 'StateMachine', {
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
  stateMachine.addToRolePolicy(
    new PolicyStatement({
      sid: 'InvokeTaskFunctions',
      actions: ['lambda:InvokeFunction'],
      resources: Object.values(taskArns),
    }),
  );
  Validations.of(stateMachine.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Added by CDK for logging and tracing: the CloudWatch Logs vended-delivery actions (logs:CreateLogDelivery and friends) and X-Ray PutTraceSegments/PutTelemetryRecords/GetSampling* support only Resource "*".',
  });
  return stateMachine;
}
