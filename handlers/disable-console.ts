import { memberAccess } from './aws/account-access.js';
import { s3BlobsPort } from './aws/blobs.js';
import { awsIamPort } from './aws/iam.js';
import { awsPorts } from './aws/ports.js';
import { dynamoStorePort } from './aws/store.js';
import { batchEvent } from './core/events.js';
import { inAccount } from './core/organization/account-scope.js';
import { disableConsoleAccess } from './core/remediate.js';
import { parseWith } from './core/validate.js';
import type { Ports } from './ports/index.js';

/** Deletes the login profile of each approved, still-unused console password in the batch. */
export async function disableConsole(event: unknown, ports: Ports) {
  const { accountId, ...task } = parseWith(batchEvent, event, 'DisableConsoleAccess event');
  const scope = await inAccount(ports, task.executionId, accountId);
  return disableConsoleAccess(scope.ports, { ...task, executionId: scope.runId });
}

/** The ports this function uses; its role allows exactly these services. */
const PORTS = { iam: awsIamPort, store: dynamoStorePort, blobs: s3BlobsPort, accounts: memberAccess };

export const handler = (event: unknown) => disableConsole(event, awsPorts(PORTS));
