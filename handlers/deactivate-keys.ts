import { memberAccess } from './aws/account-access.js';
import { s3BlobsPort } from './aws/blobs.js';
import { awsIamPort } from './aws/iam.js';
import { awsPorts, type FunctionAws, use } from './aws/ports.js';
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

/**
 * What this function does to AWS, port method by port method. Its role is granted exactly the
 * permissions the adapters declare for these methods (handlers/aws/permissions.ts), and any other
 * method fails (PortNotAvailable).
 */
export const AWS = {
  iam: use(awsIamPort, 'getUser', 'listAccessKeys', 'getAccessKeyLastUsed', 'updateAccessKey'),
  store: use(dynamoStorePort, 'getApproval', 'recordIntent', 'updateLedger', 'holdLock', 'setLastChange'),
  blobs: use(s3BlobsPort, 'get'),
  accounts: use(memberAccess, 'iamFor'),
} satisfies FunctionAws;

export const handler = (event: unknown) => deactivateKeys(event, awsPorts(AWS));
