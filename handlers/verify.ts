import { blobsAdapter, iamAdapter, memberIamAdapter, storeAdapter } from './aws/adapters.js';
import { awsPorts, type FunctionAws, use } from './aws/ports.js';
import { verifyRun } from './core/change/verify.js';
import { inAccount } from './core/organization/account-scope.js';
import { verifyEvent } from './core/run/events.js';
import { parseWith } from './core/shared/validate.js';
import type { Ports } from './ports/index.js';

/** Reads back every change of the run from live IAM state; fails (and so backs out) on a mismatch. */
export async function verify(event: unknown, ports: Ports) {
  const { executionId, accountId } = parseWith(verifyEvent, event, 'Verify event');
  const scope = await inAccount(ports, executionId, accountId);
  return verifyRun(scope.ports, scope.runId);
}

/**
 * What this function does to AWS, port method by port method. Its role is granted exactly the
 * permissions the adapters declare for these methods (handlers/aws/permissions.ts), and any other
 * method fails (PortNotAvailable).
 */
export const AWS = {
  iam: use(iamAdapter, 'getLoginProfile', 'listAccessKeys'),
  store: use(storeAdapter, 'listLedger'),
  blobs: use(blobsAdapter, 'put'),
  accounts: use(memberIamAdapter, 'iamFor'),
} satisfies FunctionAws;

export const handler = (event: unknown) => verify(event, awsPorts(AWS));
