import { s3BlobsPort } from './aws/blobs.js';
import { awsIamPort } from './aws/iam.js';
import { awsPorts, type FunctionAws, use } from './aws/ports.js';
import { dynamoStorePort } from './aws/store.js';
import { verifyEvent } from './core/events.js';
import { parseWith } from './core/validate.js';
import { verifyRun } from './core/verify.js';
import type { Ports } from './ports/index.js';

/** Reads back every change of the run from live IAM state; fails (and so backs out) on a mismatch. */
export async function verify(event: unknown, ports: Ports) {
  const { executionId } = parseWith(verifyEvent, event, 'Verify event');
  return verifyRun(ports, executionId);
}

/**
 * What this function does to AWS, port method by port method. Its role is granted exactly the
 * permissions the adapters declare for these methods (handlers/aws/permissions.ts), and any other
 * method fails (PortNotAvailable).
 */
export const AWS = {
  iam: use(awsIamPort, 'getLoginProfile', 'listAccessKeys'),
  store: use(dynamoStorePort, 'listLedger'),
  blobs: use(s3BlobsPort, 'put'),
} satisfies FunctionAws;

export const handler = (event: unknown) => verify(event, awsPorts(AWS));
