import { memberAccess } from './aws/account-access.js';
import { s3BlobsPort } from './aws/blobs.js';
import { awsIamPort } from './aws/iam.js';
import { awsPorts } from './aws/ports.js';
import { dynamoStorePort } from './aws/store.js';
import { analyzeRun } from './core/analyze-run.js';
import { analyzeEvent } from './core/events.js';
import { inAccount } from './core/organization/account-scope.js';
import { parseWith } from './core/validate.js';
import type { Ports } from './ports/index.js';

/** Report -> findings -> stored plan and batch references (small payload at any account size). */
export async function analyze(event: unknown, ports: Ports) {
  const { executionId, request, accountId } = parseWith(analyzeEvent, event, 'Analyze event');
  const scope = await inAccount(ports, executionId, accountId);
  return analyzeRun(scope.ports, scope.runId, request, accountId);
}

/** The ports this function uses; its role allows exactly these services. */
const PORTS = { iam: awsIamPort, store: dynamoStorePort, blobs: s3BlobsPort, accounts: memberAccess };

export const handler = (event: unknown) => analyze(event, awsPorts(PORTS));
