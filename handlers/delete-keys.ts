import { blobsAdapter, iamAdapter, storeAdapter } from './aws/adapters.js';
import { awsPorts, type FunctionAws, use } from './aws/ports.js';
import { batchEvent } from './core/events.js';
import { deleteAccessKeys } from './core/lifecycle/deletion.js';
import { parseWith } from './core/validate.js';
import type { Ports } from './ports/index.js';

/**
 * The delete stage: deletes each approved access key of the batch that credsweep deactivated long
 * enough ago and that stayed Inactive and unused (ledger first; impossible to undo, approved as such).
 */
export async function deleteKeys(event: unknown, ports: Ports) {
  return deleteAccessKeys(ports, parseWith(batchEvent, event, 'DeleteAccessKeys event'));
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
    'setLastChange',
    'listKeyLedger',
  ),
  blobs: use(blobsAdapter, 'get'),
} satisfies FunctionAws;

export const handler = (event: unknown) => deleteKeys(event, awsPorts(AWS));
