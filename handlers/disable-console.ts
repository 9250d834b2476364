import { s3BlobsPort } from './aws/blobs.js';
import { awsIamPort } from './aws/iam.js';
import { awsPorts, type FunctionAws, use } from './aws/ports.js';
import { dynamoStorePort } from './aws/store.js';
import { batchEvent } from './core/events.js';
import { disableConsoleAccess } from './core/remediate.js';
import { parseWith } from './core/validate.js';
import type { Ports } from './ports/index.js';

/** Deletes the login profile of each approved, still-unused console password in the batch. */
export async function disableConsole(event: unknown, ports: Ports) {
  return disableConsoleAccess(ports, parseWith(batchEvent, event, 'DisableConsoleAccess event'));
}

/**
 * What this function does to AWS, port method by port method. Its role is granted exactly the
 * permissions the adapters declare for these methods (handlers/aws/permissions.ts), and any other
 * method fails (PortNotAvailable).
 */
export const AWS = {
  iam: use(awsIamPort, 'getUser', 'getLoginProfile', 'deleteLoginProfile'),
  store: use(dynamoStorePort, 'getApproval', 'recordIntent', 'updateLedger', 'holdLock', 'setLastChange'),
  blobs: use(s3BlobsPort, 'get'),
} satisfies FunctionAws;

export const handler = (event: unknown) => disableConsole(event, awsPorts(AWS));
