import { createHash } from 'node:crypto';
import { Duration, Names, Stack } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { CfnActionTarget } from 'aws-cdk-lib/aws-securityhub';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  STANDARD_GENERATOR_IDS,
  UNUSED_CREDENTIAL_CONTROLS,
} from '../../handlers/core/security-hub/controls.js';
import type { CredsweepFunction } from './credsweep-function.js';

/**
 * Security Hub custom action: Id at most 20 alphanumerics, unique in the account and Region (made
 * per construct, see actionId), Name at most 20 characters.
 */
export const SECURITY_HUB_ACTION = {
  name: 'Disable w/ credsweep',
  description:
    'Disable with credsweep: start a credsweep run for the IAM users of the selected IAM.8 / IAM.22 findings. An approver still decides what changes.',
} as const;

/** How long a burst of new findings is gathered before it starts one run (SQS batching window, at most 5 min). */
export const AUTO_START_WINDOW = Duration.minutes(5);

export interface SecurityHubStartProps {
  /**
   * The function that starts runs (handlers/start-from-security-hub.ts). The stack makes it like every
   * other function, with the permissions its AWS declaration needs (states:StartExecution on the
   * state machine); the event sources below add only what Lambda itself needs to read the queue.
   */
  readonly fn: CredsweepFunction;
  /** New failing IAM.8 / IAM.22 findings start runs on their own. */
  readonly autoStart: boolean;
  /** The custom action "Disable w/ credsweep" and its rule (securityHubActions). */
  readonly actions: boolean;
  /**
   * An organization deployment: the auto-start also takes member accounts' findings (they reach the
   * hub's EventBridge when the hub is the Security Hub administrator); they start the organization
   * workflow for those accounts.
   */
  readonly organization?: boolean;
}

/**
 * Starting runs from Security Hub: the custom action "Disable w/ credsweep" and its EventBridge rule,
 * which invokes a small function that starts the state machine for the users of the selected
 * findings; with `autoStart`, a second rule puts "Security Hub Findings - Imported" events of new
 * failing IAM.8 / IAM.22 findings on an SQS queue that the same function reads with a 5-minute
 * batching window, so that a burst of findings (Security Hub evaluates every user at once) makes
 * one run, not one per finding.
 */
export class SecurityHubStart extends Construct {
  readonly actionTarget: CfnActionTarget | null;
  readonly fn: CredsweepFunction;
  readonly queue: Queue | null;

  constructor(scope: Construct, id: string, props: SecurityHubStartProps) {
    super(scope, id);
    this.fn = props.fn;
    this.actionTarget = null;
    if (props.actions) {
      const target = new CfnActionTarget(this, 'Action', { ...SECURITY_HUB_ACTION, id: actionId(this) });
      this.actionTarget = target;
      new Rule(this, 'CustomActionRule', {
        description: `Security Hub custom action "${SECURITY_HUB_ACTION.name}" starts a credsweep run`,
        eventPattern: {
          source: ['aws.securityhub'],
          detailType: ['Security Hub Findings - Custom Action'],
          resources: [target.attrActionTargetArn],
        },
        targets: [new LambdaFunction(this.fn.fn, { retryAttempts: 2, maxEventAge: Duration.hours(1) })],
      });
    }

    this.queue = null;
    if (!props.autoStart) return;

    const deadLetters = new Queue(this, 'AutoStartDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'AutoStartQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // At least six times the function timeout, as Lambda's SQS event source asks.
      visibilityTimeout: Duration.minutes(10),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: 3 },
    });
    new Rule(this, 'AutoStartRule', {
      description:
        'New failing IAM.8 / IAM.22 findings on IAM users start a credsweep run (gathered by the queue)',
      eventPattern: {
        source: ['aws.securityhub'],
        detailType: ['Security Hub Findings - Imported'],
        detail: {
          findings: {
            ...(props.organization ? {} : { AwsAccountId: [Stack.of(this).account] }),
            Workflow: { Status: ['NEW'] },
            RecordState: ['ACTIVE'],
            Resources: { Type: ['AwsIamUser'] },
            // The consolidated controls, or (without consolidated findings) the standards' own
            // controls that AWS maps to them (handlers/core/security-hub/controls.ts).
            $or: [
              { Compliance: { Status: ['FAILED'], SecurityControlId: [...UNUSED_CREDENTIAL_CONTROLS] } },
              { Compliance: { Status: ['FAILED'] }, GeneratorId: [...STANDARD_GENERATOR_IDS] },
            ],
          },
        },
      },
      targets: [new SqsQueue(this.queue)],
    });
    this.fn.fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10_000,
        maxBatchingWindow: AUTO_START_WINDOW,
        maxConcurrency: 2,
      }),
    );
  }
}

/**
 * The custom action's Id: `Credsweep` and 11 hex characters of a hash of the construct's path, so that
 * two credsweep constructs (or stacks) in one account and Region do not collide, and a redeploy of
 * one keeps its Id.
 */
export function actionId(scope: Construct): string {
  return `Credsweep${createHash('sha256').update(Names.uniqueId(scope)).digest('hex').slice(0, 11)}`;
}
