/**
 * TaskCallbackPort over Step Functions: answers a `.waitForTaskToken` task.
 * The task token is a credential for the execution: it is sent to Step Functions and never logged.
 * Errors keep Step Functions' names (TaskTimedOut, TaskDoesNotExist, InvalidToken, InvalidOutput).
 */
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { TaskCallbackPort } from '../ports/task-callbacks.js';
import type { PortPermissions } from './permission-types.js';
import { DEFAULT_RETRY, memoize } from './retry.js';

/** What each TaskCallbackPort method needs from Step Functions (docs/aws-adapters.md). */
export const CALLBACK_PERMISSIONS = {
  sendSuccess: { 'states:SendTaskSuccess': 'state-machine' },
  sendFailure: { 'states:SendTaskFailure': 'state-machine' },
} as const satisfies PortPermissions<TaskCallbackPort>;

/** Step Functions' limits on SendTaskFailure's error and cause (characters). */
export const MAX_ERROR_LENGTH = 256;
export const MAX_CAUSE_LENGTH = 32_768;

export class SfnTaskCallbacks implements TaskCallbackPort {
  constructor(private readonly sfn: SFNClient) {}

  /** `output` becomes the task's result, sent as a JSON string (undefined is sent as null). */
  async sendSuccess(taskToken: string, output: unknown): Promise<void> {
    await this.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output ?? null) }));
  }

  /** `error` and `cause` are cut to Step Functions' limits rather than rejected. */
  async sendFailure(taskToken: string, error: string, cause: string): Promise<void> {
    await this.sfn.send(
      new SendTaskFailureCommand({
        taskToken,
        error: error.slice(0, MAX_ERROR_LENGTH),
        cause: cause.slice(0, MAX_CAUSE_LENGTH),
      }),
    );
  }
}

export const sfnClient = memoize(() => new SFNClient({ ...DEFAULT_RETRY }));

/** The task-callback port (SendTaskSuccess/Failure) of the approval API. */
export const sfnCallbacksPort = (): TaskCallbackPort => new SfnTaskCallbacks(sfnClient());
