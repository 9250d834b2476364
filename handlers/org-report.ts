import { s3BlobsPort } from './aws/blobs.js';
import { sesMailPort } from './aws/mail.js';
import { awsPorts } from './aws/ports.js';
import { dynamoStorePort } from './aws/store.js';
import { orgReportEvent } from './core/events.js';
import { orgReportRun } from './core/organization/org-report.js';
import { parseWith } from './core/validate.js';
import type { Ports } from './ports/index.js';

/** Writes every account's evidence not yet written, the org summary, and mails it once. */
export async function orgReport(event: unknown, ports: Ports) {
  return orgReportRun(ports, parseWith(orgReportEvent, event, 'OrgReport event'));
}

/** The ports this function uses; its role allows exactly these services. */
const PORTS = { store: dynamoStorePort, blobs: s3BlobsPort, mail: sesMailPort };

export const handler = (event: unknown) => orgReport(event, awsPorts(PORTS));
