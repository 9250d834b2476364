import { s3BlobsPort } from './aws/blobs.js';
import { awsIamPort } from './aws/iam.js';
import { awsPorts } from './aws/ports.js';
import { dynamoStorePort } from './aws/store.js';
import { batchEvent } from './core/events.js';
import { deactivateAccessKeys } from './core/remediate.js';
import { parseWith } from './core/validate.js';
import type { Ports } from './ports/index.js';

/** Sets each approved, still-unused access key of the batch to Inactive (never deletes it). */
export async function deactivateKeys(event: unknown, ports: Ports) {
  return deactivateAccessKeys(ports, parseWith(batchEvent, event, 'DeactivateAccessKeys event'));
}

/** The ports this function uses; its role allows exactly these services. */
const PORTS = { iam: awsIamPort, store: dynamoStorePort, blobs: s3BlobsPort };

export const handler = (event: unknown) => deactivateKeys(event, awsPorts(PORTS));
