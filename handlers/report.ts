import {
  blobsAdapter,
  mailAdapter,
  memberFindingsAdapter,
  securityHubAdapter,
  storeAdapter,
} from './aws/adapters.js';
import { awsPorts, type FunctionAws, readsAbsentKeys, use } from './aws/ports.js';
import { reportEvent } from './core/run/events.js';
import { reportRun } from './core/run/report-run.js';
import { findingsPorts } from './core/security-hub/account-hub.js';
import { accountRunId } from './core/shared/run-ids.js';
import { parseWith } from './core/shared/validate.js';
import type { Ports } from './ports/index.js';

/** Writes the run's evidence and mails the summary. */
export async function report(event: unknown, ports: Ports) {
  const { accountId, ...task } = parseWith(reportEvent, event, 'Report event');
  if (!accountId) return reportRun(ports, task);
  // One account of an organization run: its evidence folder, no mail (the org report mails once).
  // No IAM is needed, so an unreachable account's evidence is written too; its findings are those
  // of the account (core/security-hub/account-hub.ts).
  return reportRun(
    findingsPorts(ports, accountId),
    { ...task, executionId: accountRunId(task.executionId, accountId) },
    { mail: false },
  );
}

/**
 * What this function does to AWS, port method by port method. Its role is granted exactly the
 * permissions the adapters declare for these methods (handlers/aws/permissions.ts), and any other
 * method fails (PortNotAvailable).
 */
export const AWS = {
  store: use(storeAdapter, 'getApproval', 'listLedger', 'releaseLock'),
  blobs: readsAbsentKeys(use(blobsAdapter, 'get', 'put')),
  mail: use(mailAdapter, 'send'),
  securityHub: use(securityHubAdapter, 'findCredentialFindings', 'updateFindings'),
  accounts: use(memberFindingsAdapter, 'securityHubFor'),
} satisfies FunctionAws;

export const handler = (event: unknown) => report(event, awsPorts(AWS));
