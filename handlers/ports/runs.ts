/** Starts a run of the remediation or organization state machine. AWS: Step Functions StartExecution (handlers/aws/runs.ts). */
import type { RunRequest } from '../core/shared/request.js';

export interface RunStarterPort {
  /** Starts an execution of the remediation (account) workflow named `name` with `input`; returns its ARN. */
  start(name: string, input: RunRequest): Promise<string>;
  /**
   * Starts an execution of the organization workflow (organization deployments; `input.accounts`
   * names the member accounts); returns its ARN. Without one: NotAnOrganization.
   */
  startOrganization(name: string, input: RunRequest): Promise<string>;
}
