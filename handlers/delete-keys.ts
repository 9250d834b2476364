import { s3BlobsPort } from './aws/blobs.js';
import { awsIamPort } from './aws/iam.js';
import { awsPorts, type FunctionAws, use } from './aws/ports.js';
import { dynamoStorePort } from './aws/store.js';
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
  iam: use(awsIamPort, 'getUser', 'listAccessKeys', 'getAccessKeyLastUsed', 'deleteAccessKey'),
  store: use(
    dynamoStorePort,
    'getApproval',
    'recordIntent',
    'updateLedger',
    'holdLock',
    'setLastChange',
    'listKeyLedger',
  ),
  blobs: use(s3BlobsPort, 'get'),
} satisfies FunctionAws;

export const handler = (event: unknown) => deleteKeys(event, awsPorts(AWS));
