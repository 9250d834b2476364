/** Starts a run of the remediation state machine. AWS: Step Functions StartExecution (handlers/aws/runs.ts). */
import type { RunRequest } from '../core/request.js';

export interface RunStarterPort {
  /** Starts an execution named `name` with `input`; returns its ARN. */
  start(name: string, input: RunRequest): Promise<string>;
}
