import { s3BlobsPort } from './aws/blobs.js';
import { awsIamPort } from './aws/iam.js';
import { awsPorts } from './aws/ports.js';
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

/** The ports this function uses; its role allows exactly these services. */
const PORTS = { iam: awsIamPort, store: dynamoStorePort, blobs: s3BlobsPort };

export const handler = (event: unknown) => deleteKeys(event, awsPorts(PORTS));
