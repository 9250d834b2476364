/** The plan: what a run proposes to disable, stored as a blob and passed by reference. */
import type { BlobPort } from '../../ports/blobs.js';
import { batchKey, planKey } from '../shared/run-keys.js';
import type { BatchRef, Plan, PlanItem } from '../shared/types.js';

/** Stable id of a plan item: the user and the console password or the access key id. */
export function itemId(userName: string, credential: string, accessKeyId?: string): string {
  return accessKeyId ? `${userName}/${accessKeyId}` : `${userName}/${credential}`;
}

/**
 * Splits the items into batches that keep a user's credentials together (console and keys of one
 * user are handled by the same iteration), each at most `size` items unless one user has more.
 */
export function toBatches(items: PlanItem[], size: number): PlanItem[][] {
  const byUser = new Map<string, PlanItem[]>();
  for (const item of items) {
    const list = byUser.get(item.userName) ?? [];
    list.push(item);
    byUser.set(item.userName, list);
  }
  const batches: PlanItem[][] = [];
  let current: PlanItem[] = [];
  for (const group of byUser.values()) {
    if (current.length > 0 && current.length + group.length > size) {
      batches.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The references of a plan's batches (the keys storePlan writes them under). */
export function batchRefs(executionId: string, items: PlanItem[], batchSize: number): BatchRef[] {
  return toBatches(items, batchSize).map((batch, index) => ({
    index,
    key: batchKey(executionId, index),
    size: batch.length,
  }));
}

/** Stores the plan and its batches; returns the references the state machine carries. */
export async function storePlan(blobs: BlobPort, plan: Plan, batchSize: number): Promise<BatchRef[]> {
  await blobs.put(planKey(plan.executionId), JSON.stringify(plan), 'application/json');
  const batches = toBatches(plan.items, batchSize);
  const refs = batchRefs(plan.executionId, plan.items, batchSize);
  for (const ref of refs) await blobs.put(ref.key, JSON.stringify(batches[ref.index]), 'application/json');
  return refs;
}

export async function readPlan(blobs: BlobPort, key: string): Promise<Plan> {
  return JSON.parse(await blobs.get(key)) as Plan;
}

export async function readBatch(blobs: BlobPort, key: string): Promise<PlanItem[]> {
  return JSON.parse(await blobs.get(key)) as PlanItem[];
}
