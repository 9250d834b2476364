import { blobsAdapter, iamAdapter, memberIamAdapter, storeAdapter } from './aws/adapters.js';
import { awsPorts, type FunctionAws, use } from './aws/ports.js';
import { deactivateAccessKeys } from './core/change/remediate.js';
import { inAccount } from './core/organization/account-scope.js';
import { batchEvent } from './core/run/events.js';
import { parseWith } from './core/shared/validate.js';
import type { Ports } from './ports/index.js';

/** Sets each approved, still-unused access key of the batch to Inactive (never deletes it). */
export async function deactivateKeys(event: unknown, ports: Ports) {
  const { accountId, ...task } = parseWith(batchEvent, event, 'DeactivateAccessKeys event');
  const scope = await inAccount(ports, task.executionId, accountId);
  return deactivateAccessKeys(scope.ports, { ...task, executionId: scope.runId });
}

/**
 * What this function does to AWS, port method by port method. Its role is granted exactly the
 * permissions the adapters declare for these methods (handlers/aws/permissions.ts), and any other
 * method fails (PortNotAvailable).
 */
export const AWS = {
  iam: use(iamAdapter, 'getUser', 'listAccessKeys', 'getAccessKeyLastUsed', 'updateAccessKey'),
  store: use(
    storeAdapter,
    'getApproval',
    'recordIntent',
    'updateLedger',
    'holdLock',
    'getLastChange',
    'setLastChange',
  ),
  blobs: use(blobsAdapter, 'get'),
  accounts: use(memberIamAdapter, 'iamFor'),
} satisfies FunctionAws;

export const handler = (event: unknown) => deactivateKeys(event, awsPorts(AWS));
