import { blobsAdapter } from './aws/adapters.js';
import { awsPorts, type FunctionAws, use } from './aws/ports.js';
import { batchRefs, readPlan } from './core/plan/plan.js';
import { accountPlanEvent } from './core/run/events.js';
import { accountRunId } from './core/shared/run-ids.js';
import { planKey } from './core/shared/run-keys.js';
import { parseWith } from './core/shared/validate.js';
import type { Ports } from './ports/index.js';

/** The batch references of one account's stored plan: what the apply of that account iterates over. */
export async function accountPlan(event: unknown, ports: Ports) {
  const { executionId, accountId } = parseWith(accountPlanEvent, event, 'AccountPlan event');
  const runId = accountRunId(executionId, accountId);
  const plan = await readPlan(ports.blobs, planKey(runId));
  return { total: plan.items.length, batches: batchRefs(runId, plan.items, ports.settings.batchSize) };
}

/**
 * What this function does to AWS, port method by port method. Its role is granted exactly the
 * permissions the adapters declare for these methods (handlers/aws/permissions.ts), and any other
 * method fails (PortNotAvailable).
 */
export const AWS = {
  blobs: use(blobsAdapter, 'get'),
} satisfies FunctionAws;

export const handler = (event: unknown) => accountPlan(event, awsPorts(AWS));
