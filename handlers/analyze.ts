import { s3BlobsPort } from './aws/blobs.js';
import { awsIamPort } from './aws/iam.js';
import { sesMailPort } from './aws/mail.js';
import { awsPorts } from './aws/ports.js';
import { dynamoStorePort } from './aws/store.js';
import { analyzeRun } from './core/analyze-run.js';
import { analyzeEvent } from './core/events.js';
import { parseWith } from './core/validate.js';
import type { Ports } from './ports/index.js';

/**
 * Report -> findings -> lifecycle rules -> stored plan and batch references (small payload at any
 * account size). Mails owners their warnings (docs/lifecycle.md): a mail, not a change to the account.
 */
export async function analyze(event: unknown, ports: Ports) {
  const { executionId, request } = parseWith(analyzeEvent, event, 'Analyze event');
  return analyzeRun(ports, executionId, request);
}

/** The ports this function uses; its role allows exactly these services. */
const PORTS = { iam: awsIamPort, store: dynamoStorePort, blobs: s3BlobsPort, mail: sesMailPort };

export const handler = (event: unknown) => analyze(event, awsPorts(PORTS));
