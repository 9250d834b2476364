import { s3BlobsPort } from './aws/blobs.js';
import { awsIamPort } from './aws/iam.js';
import { awsPorts } from './aws/ports.js';
import { awsSecretsPort } from './aws/secrets.js';
import { dynamoStorePort } from './aws/store.js';
import { batchEvent } from './core/events.js';
import { disableConsoleAccess } from './core/remediate.js';
import { parseWith } from './core/validate.js';
import type { Ports } from './ports/index.js';

/**
 * Deletes the login profile of each approved, still-unused console password in the batch; with
 * consoleAction `reset`, sets a generated password that must be reset instead (kept in the secrets port).
 */
export async function disableConsole(event: unknown, ports: Ports) {
  return disableConsoleAccess(ports, parseWith(batchEvent, event, 'DisableConsoleAccess event'));
}

/** The ports this function uses; its role allows exactly these services. */
const PORTS = { iam: awsIamPort, store: dynamoStorePort, blobs: s3BlobsPort, secrets: awsSecretsPort };

export const handler = (event: unknown) => disableConsole(event, awsPorts(PORTS));
