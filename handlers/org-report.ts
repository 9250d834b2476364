import {
  blobsAdapter,
  mailAdapter,
  memberFindingsAdapter,
  securityHubAdapter,
  storeAdapter,
} from './aws/adapters.js';
import { awsPorts, type FunctionAws, readsAbsentKeys, use } from './aws/ports.js';
import { orgReportRun } from './core/organization/org-report.js';
import { orgReportEvent } from './core/run/events.js';
import { parseWith } from './core/shared/validate.js';
import type { Ports } from './ports/index.js';

/** Writes every account's evidence not yet written, the org summary, and mails it once. */
export async function orgReport(event: unknown, ports: Ports) {
  return orgReportRun(ports, parseWith(orgReportEvent, event, 'OrgReport event'));
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
  // The accounts no task reported (rejected, timed out, nothing to do...): their findings follow too.
  securityHub: use(securityHubAdapter, 'findCredentialFindings', 'updateFindings'),
  accounts: use(memberFindingsAdapter, 'securityHubFor'),
} satisfies FunctionAws;

export const handler = (event: unknown) => orgReport(event, awsPorts(AWS));
