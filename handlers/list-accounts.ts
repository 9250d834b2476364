import { blobsAdapter, organizationsAdapter, storeAdapter } from './aws/adapters.js';
import { awsPorts, type FunctionAws, readsAbsentKeys, use } from './aws/ports.js';
import { listRunAccounts } from './core/organization/accounts.js';
import { orgEvent } from './core/run/events.js';
import { parseWith } from './core/shared/validate.js';
import type { Ports } from './ports/index.js';

/** The accounts of an organization run (all, named ones, or those of OUs), stored; returns their ids. */
export async function listAccounts(event: unknown, ports: Ports) {
  const { executionId, request } = parseWith(orgEvent, event, 'ListAccounts event');
  return listRunAccounts(ports, executionId, request);
}

/**
 * What this function does to AWS, port method by port method. Its role is granted exactly the
 * permissions the adapters declare for these methods (handlers/aws/permissions.ts), and any other
 * method fails (PortNotAvailable).
 */
export const AWS = {
  organizations: use(organizationsAdapter, 'listAccounts'),
  blobs: readsAbsentKeys(use(blobsAdapter, 'get', 'put')),
  // A run's name is its identity: ListAccounts refuses one with ledger entries (core/plan/run-identity.ts).
  store: use(storeAdapter, 'listLedger'),
} satisfies FunctionAws;

export const handler = (event: unknown) => listAccounts(event, awsPorts(AWS));
