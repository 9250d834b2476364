import { s3BlobsPort } from './aws/blobs.js';
import { awsIamPort } from './aws/iam.js';
import { awsPorts } from './aws/ports.js';
import { dynamoStorePort } from './aws/store.js';
import { analyzeRun } from './core/analyze-run.js';
import { analyzeEvent } from './core/events.js';
import { parseWith } from './core/validate.js';
import type { Ports } from './ports/index.js';

/** Report -> findings -> stored plan and batch references (small payload at any account size). */
export async function analyze(event: unknown, ports: Ports) {
  const { executionId, request } = parseWith(analyzeEvent, event, 'Analyze event');
  return analyzeRun(ports, executionId, request);
}

/** The ports this function uses; its role allows exactly these services. */
const PORTS = { iam: awsIamPort, store: dynamoStorePort, blobs: s3BlobsPort };

export const handler = (event: unknown) => analyze(event, awsPorts(PORTS));
