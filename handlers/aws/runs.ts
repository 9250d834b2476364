/**
 * RunStarterPort over Step Functions StartExecution, for the stack's remediation state machine
 * (STATE_MACHINE_ARN) and, in an organization deployment, its organization state machine
 * (ORGANIZATION_STATE_MACHINE_ARN): each method is granted StartExecution on its own one only.
 */
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { CredsweepError } from '../core/shared/errors.js';
import type { RunRequest } from '../core/shared/request.js';
import type { RunStarterPort } from '../ports/runs.js';
import type { PortPermissions } from './permission-types.js';
import { type AwsEnv, InvalidEnvironment } from './ports.js';
import { sfnClient } from './task-callbacks.js';

/** What each RunStarterPort method needs from Step Functions (docs/aws-adapters.md). */
export const RUNS_PERMISSIONS = {
  start: { 'states:StartExecution': 'remediation-state-machine' },
  startOrganization: { 'states:StartExecution': 'organization-state-machine' },
} as const satisfies PortPermissions<RunStarterPort>;

export class AwsRunStarter implements RunStarterPort {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
    private readonly organizationStateMachineArn: string | null = null,
  ) {}

  start(name: string, input: RunRequest): Promise<string> {
    return this.startExecution(this.stateMachineArn, name, input);
  }

  startOrganization(name: string, input: RunRequest): Promise<string> {
    if (!this.organizationStateMachineArn) {
      throw new CredsweepError(
        'NotAnOrganization',
        'this deployment has no organization workflow (deploy with -c organization=true)',
      );
    }
    return this.startExecution(this.organizationStateMachineArn, name, input);
  }

  private async startExecution(stateMachineArn: string, name: string, input: RunRequest): Promise<string> {
    const out = await this.client.send(
      new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
    );
    if (!out.executionArn) throw new Error('StartExecution returned no executionArn');
    return out.executionArn;
  }
}

/** The run-starting port of a Lambda that uses it: STATE_MACHINE_ARN must be set (the stack sets it on that function only). */
export const awsRunsPort = (env: AwsEnv): RunStarterPort => {
  if (!env.STATE_MACHINE_ARN) {
    throw new InvalidEnvironment(['STATE_MACHINE_ARN: is required by a function that starts runs']);
  }
  return new AwsRunStarter(sfnClient(), env.STATE_MACHINE_ARN, env.ORGANIZATION_STATE_MACHINE_ARN ?? null);
};
