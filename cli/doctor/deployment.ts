/**
 * What `credsweep doctor` needs to know about a deployed stack, read (never changed) from AWS:
 *
 * - the stack outputs (`StateMachineArn`, `ApprovalApiUrl`, `BucketName`, `TableName`), through the
 *   same lookup as the other commands (cli/aws/target.ts);
 * - each function's role and environment: the stack's `AWS::Lambda::Function` resources
 *   (CloudFormation ListStackResources) whose logical id is `<construct id>Function<8 hex>` (CDK's
 *   naming of `<construct id>/Function` in infra/constructs/credsweep-function.ts), then Lambda
 *   GetFunctionConfiguration for the role ARN and the environment (sender, approvers, table,
 *   signing key, exempt tag; none of it secret). This needs no extra stack output, so it works on
 *   any deployed version, and it checks the role the function really runs with;
 * - from the same resources, the member role StackSet (organization deployments) and whether the
 *   Security Hub custom action is deployed.
 */
import { ListStackResourcesCommand, type StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { InputError } from '../../handlers/core/shared/errors.js';
import { aws } from '../aws/errors.js';
import { DEFAULT_STACK, STATE_MACHINE_OUTPUT, stackOutputs } from '../aws/target.js';
import { cloudFormationClient, lambdaClient } from './clients.js';

export interface DeployedFunction {
  /** The construct id, e.g. `Backout`. */
  id: string;
  functionName: string;
  roleArn: string;
  environment: Record<string, string>;
}

export interface Deployment {
  stackName: string;
  partition: string;
  region: string;
  account: string;
  outputs: Record<string, string>;
  stateMachineArn: string;
  /** By construct id; a function the stack does not have is absent. */
  functions: Record<string, DeployedFunction>;
  /** The settings every function carries in its environment (handlers/aws/ports.ts). */
  env: Record<string, string>;
  /** The member role StackSet (its name or id, as CloudFormation reports it); null without one. */
  stackSet: string | null;
  /** Whether the stack deploys the Security Hub custom action (`securityHubActions`). */
  securityHubActions: boolean;
}

const FUNCTION_LOGICAL_ID = /^([A-Za-z0-9]+)Function[0-9A-F]{8}$/;

/** The construct id of a credsweep function's logical id (`BackoutFunction506DEC5C` -> `Backout`), or null. */
export function functionIdOf(logicalId: string, type: string): string | null {
  return type === 'AWS::Lambda::Function' ? (FUNCTION_LOGICAL_ID.exec(logicalId)?.[1] ?? null) : null;
}

async function stackResources(stackName: string): Promise<StackResourceSummary[]> {
  const all: StackResourceSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await aws({ action: 'cloudformation:ListStackResources', stack: stackName }, () =>
      cloudFormationClient().send(
        new ListStackResourcesCommand({
          StackName: stackName,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      ),
    );
    all.push(...(page.StackResourceSummaries ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return all;
}

async function functionOf(id: string, functionName: string): Promise<DeployedFunction> {
  const config = await aws({ action: 'lambda:GetFunctionConfiguration' }, () =>
    lambdaClient().send(new GetFunctionConfigurationCommand({ FunctionName: functionName })),
  );
  return {
    id,
    functionName,
    roleArn: config.Role ?? '',
    environment: { ...(config.Environment?.Variables ?? {}) },
  };
}

/** Reads the deployment of stack `stackName` (default `Credsweep`). */
export async function readDeployment(stackName = DEFAULT_STACK): Promise<Deployment> {
  const outputs = await stackOutputs(stackName);
  const stateMachineArn = outputs[STATE_MACHINE_OUTPUT];
  if (!stateMachineArn) {
    throw new InputError(
      `stack ${stackName} has no ${STATE_MACHINE_OUTPUT} output; is it the credsweep stack? Name it with --stack NAME.`,
    );
  }
  const [, partition = 'aws', , region = '', account = ''] = stateMachineArn.split(':');
  const resources = await stackResources(stackName);
  const functions: Record<string, DeployedFunction> = {};
  for (const r of resources) {
    const id = functionIdOf(r.LogicalResourceId ?? '', r.ResourceType ?? '');
    if (id && r.PhysicalResourceId) functions[id] = await functionOf(id, r.PhysicalResourceId);
  }
  const env = Object.values(functions)[0]?.environment ?? {};
  const ofType = (type: string) => resources.find((r) => r.ResourceType === type);
  return {
    stackName,
    partition,
    region,
    account,
    outputs,
    stateMachineArn,
    functions,
    env,
    stackSet: ofType('AWS::CloudFormation::StackSet')?.PhysicalResourceId ?? null,
    securityHubActions: ofType('AWS::SecurityHub::ActionTarget') !== undefined,
  };
}
