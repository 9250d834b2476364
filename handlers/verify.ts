import { memberAccess } from './aws/account-access.js';
import { s3BlobsPort } from './aws/blobs.js';
import { awsIamPort } from './aws/iam.js';
import { awsPorts } from './aws/ports.js';
import { dynamoStorePort } from './aws/store.js';
import { verifyEvent } from './core/events.js';
import { inAccount } from './core/organization/account-scope.js';
import { parseWith } from './core/validate.js';
import { verifyRun } from './core/verify.js';
import type { Ports } from './ports/index.js';

/** Reads back every change of the run from live IAM state; fails (and so backs out) on a mismatch. */
export async function verify(event: unknown, ports: Ports) {
  const { executionId, accountId } = parseWith(verifyEvent, event, 'Verify event');
  const scope = await inAccount(ports, executionId, accountId);
  return verifyRun(scope.ports, scope.runId);
}

/** The ports this function uses; its role allows exactly these services. */
const PORTS = { iam: awsIamPort, store: dynamoStorePort, blobs: s3BlobsPort, accounts: memberAccess };

export const handler = (event: unknown) => verify(event, awsPorts(PORTS));
