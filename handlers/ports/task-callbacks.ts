/** Answers a waiting `.waitForTaskToken` task. AWS: Step Functions SendTaskSuccess/Failure. */
export interface TaskCallbackPort {
  sendSuccess(taskToken: string, output: unknown): Promise<void>;
  sendFailure(taskToken: string, error: string, cause: string): Promise<void>;
}
