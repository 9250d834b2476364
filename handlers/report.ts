import { s3BlobsPort } from './aws/blobs.js';
import { sesMailPort } from './aws/mail.js';
import { awsPorts } from './aws/ports.js';
import { awsSecurityHubPort } from './aws/security-hub.js';
import { dynamoStorePort } from './aws/store.js';
import { reportEvent } from './core/events.js';
import { reportRun } from './core/report-run.js';
import { parseWith } from './core/validate.js';
import type { Ports } from './ports/index.js';

/** Writes the run's evidence and mails the summary. */
export async function report(event: unknown, ports: Ports) {
  return reportRun(ports, parseWith(reportEvent, event, 'Report event'));
}

/** The ports this function uses; its role allows exactly these services. */
const PORTS = {
  store: dynamoStorePort,
  blobs: s3BlobsPort,
  mail: sesMailPort,
  securityHub: awsSecurityHubPort,
};

export const handler = (event: unknown) => report(event, awsPorts(PORTS));
