import { iamAdapter, memberIamAdapter } from './aws/adapters.js';
import { awsPorts, type FunctionAws, use } from './aws/ports.js';
import { accountPorts } from './core/organization/account-scope.js';
import { generateReportEvent } from './core/run/events.js';
import { parseWith } from './core/shared/validate.js';
import type { Ports } from './ports/index.js';

/** Starts (or polls) the credential report; the state machine loops until COMPLETE, bounded. */
export async function generateReport(event: unknown, ports: Ports) {
  const { attempt, accountId } = parseWith(generateReportEvent, event, 'GenerateReport event');
  const { iam } = await accountPorts(ports, accountId);
  const state = await iam.generateCredentialReport();
  return { state, attempt: attempt + 1 };
}

/**
 * What this function does to AWS, port method by port method. Its role is granted exactly the
 * permissions the adapters declare for these methods (handlers/aws/permissions.ts), and any other
 * method fails (PortNotAvailable).
 */
export const AWS = {
  iam: use(iamAdapter, 'generateCredentialReport'),
  accounts: use(memberIamAdapter, 'iamFor'),
} satisfies FunctionAws;

export const handler = (event: unknown) => generateReport(event, awsPorts(AWS));
