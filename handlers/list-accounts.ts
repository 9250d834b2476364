import { s3BlobsPort } from './aws/blobs.js';
import { awsOrganizationsPort } from './aws/organizations.js';
import { awsPorts } from './aws/ports.js';
import { orgEvent } from './core/events.js';
import { listRunAccounts } from './core/organization/accounts.js';
import { parseWith } from './core/validate.js';
import type { Ports } from './ports/index.js';

/** The accounts of an organization run (all, named ones, or those of OUs), stored; returns their ids. */
export async function listAccounts(event: unknown, ports: Ports) {
  const { executionId, request } = parseWith(orgEvent, event, 'ListAccounts event');
  return listRunAccounts(ports, executionId, request);
}

/** The ports this function uses; its role allows exactly these services. */
const PORTS = { organizations: awsOrganizationsPort, blobs: s3BlobsPort };

export const handler = (event: unknown) => listAccounts(event, awsPorts(PORTS));
