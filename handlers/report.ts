import { s3BlobsPort } from './aws/blobs.js';
import { sesMailPort } from './aws/mail.js';
import { awsPorts } from './aws/ports.js';
import { dynamoStorePort } from './aws/store.js';
import { reportEvent } from './core/events.js';
import { accountRunId } from './core/organization/account-scope.js';
import { reportRun } from './core/report-run.js';
import { parseWith } from './core/validate.js';
import type { Ports } from './ports/index.js';

/** Writes the run's evidence and mails the summary. */
export async function report(event: unknown, ports: Ports) {
  const { accountId, ...task } = parseWith(reportEvent, event, 'Report event');
  if (!accountId) return reportRun(ports, task);
  // One account of an organization run: its evidence folder, no mail (the org report mails once).
  // No IAM is needed, so an unreachable account's evidence is written too.
  const accountSettings = { ...ports.settings, accountId };
  return reportRun(
    { ...ports, settings: accountSettings },
    { ...task, executionId: accountRunId(task.executionId, accountId) },
    { mail: false },
  );
}

/** The ports this function uses; its role allows exactly these services. */
const PORTS = { store: dynamoStorePort, blobs: s3BlobsPort, mail: sesMailPort };

export const handler = (event: unknown) => report(event, awsPorts(PORTS));
