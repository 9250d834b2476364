/** RunStarterPort over Step Functions StartExecution, for the one state machine of the stack. */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { RunRequest } from '../core/request.js';
import type { RunStarterPort } from '../ports/runs.js';
import { DEFAULT_RETRY, memoize } from './retry.js';

export class AwsRunStarter implements RunStarterPort {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(name: string, input: RunRequest): Promise<string> {
    const out = await this.client.send(
      new StartExecutionCommand({
        stateMachineArn: this.stateMachineArn,
        name,
        input: JSON.stringify(input),
      }),
    );
    if (!out.executionArn) throw new Error('StartExecution returned no executionArn');
    return out.executionArn;
  }
}

export const sfnClient = memoize(() => new SFNClient({ ...DEFAULT_RETRY }));
