/**
 * Which state machine (and evidence bucket) the command talks to: `--state-machine ARN` (and
 * `--bucket NAME`), or the outputs `StateMachineArn` and `BucketName` of the CloudFormation stack
 * (`--stack NAME`, default `Credsweep`, as infra/app.ts names it).
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DEFAULT_STACK_NAME } from '../../handlers/core/shared/defaults.js';
import { InputError } from '../../handlers/core/shared/errors.js';
import { cloudFormationClient } from './clients.js';
import { AwsCallError, aws } from './errors.js';
import { EXECUTION_ARN, EXECUTION_NAME, STATE_MACHINE_ARN } from './names.js';

export { EXECUTION_ARN, EXECUTION_NAME, STATE_MACHINE_ARN };

export const DEFAULT_STACK = DEFAULT_STACK_NAME;
export const STATE_MACHINE_OUTPUT = 'StateMachineArn';
export const BUCKET_OUTPUT = 'BucketName';
/** The organization workflow's state machine (deployed with `-c organization=true`). */
export const ORG_STATE_MACHINE_OUTPUT = 'OrganizationStateMachineArn';
/** The schedule expression of the periodic runs, when the stack has one (infra/stack.ts). */
export const SCHEDULE_OUTPUT = 'Schedule';

export interface TargetOptions {
  stack?: string;
  stateMachine?: string;
  bucket?: string;
  /** The organization workflow's state machine instead of the account workflow's. */
  organization?: boolean;
}

export interface Target {
  stateMachineArn: string;
  /** null when --state-machine was given without --bucket and the bucket was not needed. */
  bucketName: string | null;
  /** The stack the outputs came from, if any. */
  stackName: string | null;
  /**
   * The organization workflow's state machine too, when the stack has one and the target is the
   * account workflow's: a run is looked up in both (status, show, evidence, backout; history lists both).
   */
  organizationStateMachineArn?: string | null;
  /** The stack's schedule expression (output `Schedule`); null or absent when it has none or was not read. */
  schedule?: string | null;
}

export async function stackOutputs(stackName: string): Promise<Record<string, string>> {
  const out = await aws({ action: 'cloudformation:DescribeStacks', stack: stackName }, () =>
    cloudFormationClient().send(new DescribeStacksCommand({ StackName: stackName })),
  );
  const stack = out.Stacks?.[0];
  if (!stack) {
    throw new AwsCallError(`no CloudFormation stack ${JSON.stringify(stackName)}`, 'ValidationError');
  }
  return Object.fromEntries(
    (stack.Outputs ?? []).flatMap((o) =>
      o.OutputKey && o.OutputValue ? [[o.OutputKey, o.OutputValue]] : [],
    ),
  );
}

/** Resolves the target; reads the stack only when --state-machine (or --bucket, if needed) is missing. */
export async function resolveTarget(opts: TargetOptions, needBucket = false): Promise<Target> {
  if (opts.stateMachine !== undefined && !STATE_MACHINE_ARN.test(opts.stateMachine)) {
    throw new InputError(
      `--state-machine expects a state machine ARN (arn:aws:states:<region>:<account>:stateMachine:<name>), got ${JSON.stringify(opts.stateMachine)}`,
    );
  }
  if (opts.stateMachine && (opts.bucket || !needBucket)) {
    return { stateMachineArn: opts.stateMachine, bucketName: opts.bucket ?? null, stackName: null };
  }
  const stackName = opts.stack ?? DEFAULT_STACK;
  const outputs = await stackOutputs(stackName);
  if (opts.organization && !opts.stateMachine && !outputs[ORG_STATE_MACHINE_OUTPUT]) {
    throw new InputError(
      `stack ${stackName} has no ${ORG_STATE_MACHINE_OUTPUT} output: deploy it with -c organization=true (docs/organizations.md), or pass --state-machine ARN.`,
    );
  }
  const stateMachineArn =
    opts.stateMachine ?? outputs[opts.organization ? ORG_STATE_MACHINE_OUTPUT : STATE_MACHINE_OUTPUT];
  const bucketName = opts.bucket ?? outputs[BUCKET_OUTPUT] ?? null;
  if (!stateMachineArn) {
    throw new InputError(
      `stack ${stackName} has no ${STATE_MACHINE_OUTPUT} output; is it the credsweep stack? Pass --state-machine ARN.`,
    );
  }
  if (needBucket && !bucketName) {
    throw new InputError(`stack ${stackName} has no ${BUCKET_OUTPUT} output; pass --bucket NAME.`);
  }
  const orgArn = outputs[ORG_STATE_MACHINE_OUTPUT];
  return {
    stateMachineArn,
    bucketName,
    stackName,
    ...(orgArn && orgArn !== stateMachineArn ? { organizationStateMachineArn: orgArn } : {}),
    schedule: outputs[SCHEDULE_OUTPUT] ?? null,
  };
}

/** The ARN of an execution given by name (or already as an ARN) in a state machine. */
export function executionArnOf(stateMachineArn: string, nameOrArn: string): string {
  if (EXECUTION_ARN.test(nameOrArn)) return nameOrArn;
  if (!EXECUTION_NAME.test(nameOrArn)) {
    throw new InputError(
      `${JSON.stringify(nameOrArn)} is neither an execution name (1-80 letters, digits, - or _) nor an execution ARN`,
    );
  }
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${nameOrArn}`;
}
