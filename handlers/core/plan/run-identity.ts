/**
 * A run's identity is unique forever. Step Functions refuses a running or recent execution name,
 * but frees a name 90 days after its execution ended, while the ledger, the plan and the evidence
 * are kept for good and keyed by that name. A reused name would mix two runs' records (and a backout
 * of "this execution" would restore the older run's changes), so Analyze refuses it before anything
 * is written, and the Report task of such a run writes nothing over the older run's evidence.
 */
import type { Ports } from '../../ports/index.js';
import { CredsweepError } from '../shared/errors.js';
import { accountsKey, evidenceKey, planKey } from '../shared/run-keys.js';

export const RUN_NAME_REUSED = 'RunNameReused';

const nameOf = (executionId: string) => executionId.split(':').pop() ?? executionId;

async function exists(ports: Ports, key: string): Promise<boolean> {
  try {
    await ports.blobs.get(key);
    return true;
  } catch (err) {
    if ((err as Error).name === 'NoSuchKey') return false;
    throw err;
  }
}

/**
 * Throws RunNameReused when an earlier run with this execution's name (of either state machine) left
 * records: a plan, evidence, an organization's account list, or ledger entries.
 */
export async function refuseReusedName(ports: Ports, executionId: string): Promise<void> {
  const used =
    (await exists(ports, planKey(executionId))) ||
    (await exists(ports, evidenceKey(executionId))) ||
    (await exists(ports, accountsKey(executionId))) ||
    (await ports.store.listLedger(executionId)).length > 0;
  if (used) {
    throw new CredsweepError(
      RUN_NAME_REUSED,
      `an earlier run named ${nameOf(executionId)} has records (plan, evidence or ledger under runs/${nameOf(executionId)}/); ` +
        "a run's name is its identity for good, so this run stopped before doing anything. Start it again with another name.",
    );
  }
}
