import { blobsAdapter, iamAdapter, memberIamAdapter, storeAdapter } from './aws/adapters.js';
import { awsPorts, type FunctionAws, use } from './aws/ports.js';
import { deleteAccessKeys } from './core/change/delete-keys.js';
import { inAccount } from './core/organization/account-scope.js';
import { batchEvent } from './core/run/events.js';
import { parseWith } from './core/shared/validate.js';
import type { Ports } from './ports/index.js';

/**
 * The delete stage: deletes each approved access key of the batch that credsweep deactivated long
 * enough ago and that stayed Inactive and unused (ledger first; impossible to undo, approved as such).
 * In an organization run (`accountId` given) it works in that account, through the member role.
 */
export async function deleteKeys(event: unknown, ports: Ports) {
  const { accountId, ...task } = parseWith(batchEvent, event, 'DeleteAccessKeys event');
  const scope = await inAccount(ports, task.executionId, accountId);
  return deleteAccessKeys(scope.ports, { ...task, executionId: scope.runId });
}

/**
 * What this function does to AWS, port method by port method. Its role is granted exactly the
 * permissions the adapters declare for these methods (handlers/aws/permissions.ts), and any other
 * method fails (PortNotAvailable).
 */
export const AWS = {
  iam: use(iamAdapter, 'getUser', 'listAccessKeys', 'getAccessKeyLastUsed', 'deleteAccessKey'),
  store: use(
    storeAdapter,
    'getApproval',
    'recordIntent',
    'updateLedger',
    'holdLock',
    'getLastChange',
    'setLastChange',
    'listKeyLedger',
  ),
  blobs: use(blobsAdapter, 'get'),
  accounts: use(memberIamAdapter, 'iamFor'),
} satisfies FunctionAws;

export const handler = (event: unknown) => deleteKeys(event, awsPorts(AWS));
