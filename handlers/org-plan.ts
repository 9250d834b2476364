import { blobsAdapter } from './aws/adapters.js';
import { awsPorts, type FunctionAws, readsAbsentKeys, use } from './aws/ports.js';
import { buildOrgPlan } from './core/organization/org-plan.js';
import { orgEvent } from './core/run/events.js';
import { parseWith } from './core/shared/validate.js';
import type { Ports } from './ports/index.js';

/** One plan for the whole organization run from each account's stored plan; the run's blast-radius guard. */
export async function orgPlan(event: unknown, ports: Ports) {
  const { executionId, request } = parseWith(orgEvent, event, 'BuildOrgPlan event');
  return buildOrgPlan(ports, executionId, request);
}

/**
 * What this function does to AWS, port method by port method. Its role is granted exactly the
 * permissions the adapters declare for these methods (handlers/aws/permissions.ts), and any other
 * method fails (PortNotAvailable).
 */
export const AWS = {
  blobs: readsAbsentKeys(use(blobsAdapter, 'get', 'put')),
} satisfies FunctionAws;

export const handler = (event: unknown) => orgPlan(event, awsPorts(AWS));
