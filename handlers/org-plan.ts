import { s3BlobsPort } from './aws/blobs.js';
import { awsPorts } from './aws/ports.js';
import { orgEvent } from './core/events.js';
import { buildOrgPlan } from './core/organization/org-plan.js';
import { parseWith } from './core/validate.js';
import type { Ports } from './ports/index.js';

/** One plan for the whole organization run from each account's stored plan; the run's blast-radius guard. */
export async function orgPlan(event: unknown, ports: Ports) {
  const { executionId, request } = parseWith(orgEvent, event, 'BuildOrgPlan event');
  return buildOrgPlan(ports, executionId, request);
}

/** The ports this function uses; its role allows exactly these services. */
const PORTS = { blobs: s3BlobsPort };

export const handler = (event: unknown) => orgPlan(event, awsPorts(PORTS));
