import { memberAccess } from './aws/account-access.js';
import { s3BlobsPort } from './aws/blobs.js';
import { awsIamPort } from './aws/iam.js';
import { awsPorts } from './aws/ports.js';
import { dynamoStorePort } from './aws/store.js';
import { batchEvent } from './core/events.js';
import { inAccount } from './core/organization/account-scope.js';
import { deactivateAccessKeys } from './core/remediate.js';
import { parseWith } from './core/validate.js';
import type { Ports } from './ports/index.js';

/** Sets each approved, still-unused access key of the batch to Inactive (never deletes it). */
export async function deactivateKeys(event: unknown, ports: Ports) {
  const { accountId, ...task } = parseWith(batchEvent, event, 'DeactivateAccessKeys event');
  const scope = await inAccount(ports, task.executionId, accountId);
  return deactivateAccessKeys(scope.ports, { ...task, executionId: scope.runId });
}

/** The ports this function uses; its role allows exactly these services. */
const PORTS = { iam: awsIamPort, store: dynamoStorePort, blobs: s3BlobsPort, accounts: memberAccess };

export const handler = (event: unknown) => deactivateKeys(event, awsPorts(PORTS));
