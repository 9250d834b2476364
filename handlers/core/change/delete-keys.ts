/**
 * The DeleteAccessKeys task of the delete stage (docs/lifecycle.md); the rule that proposes a key for
 * deletion is handlers/core/plan/lifecycle/deletion.ts.
 */
import type { Ports } from '../../ports/index.js';
import { deletionBefore, deletionVerdict } from '../plan/lifecycle/deletion.js';
import { ignore } from '../shared/calls.js';
import {
  applyItem,
  type BatchResult,
  type BatchTask,
  type Candidate,
  liveKeys,
  runBatch,
  skipped,
} from './remediate.js';

/**
 * The DeleteAccessKeys task (reachable only from the approved branch): for each approved deletion
 * of the batch, re-check live state (the user may be changed, the key still Inactive, unused since
 * credsweep deactivated it, that deactivation not backed out), record the key's history in the ledger
 * (write-ahead), then DeleteAccessKey. Impossible to undo: approved as such.
 */
export async function deleteAccessKeys(ports: Ports, task: BatchTask): Promise<BatchResult> {
  const { iam } = ports;
  const live = await liveKeys(ports, task);
  return runBatch(
    ports,
    task,
    (item) => item.action === 'delete-access-key' && item.accessKeyId !== undefined,
    async (item) => {
      const keyId = item.accessKeyId ?? '';
      const candidate = await (async (): Promise<Candidate> => {
        const found = await live(item);
        if ('skip' in found) return found.skip;
        const { key, lastUsed } = found;
        const history = (await ports.store.listKeyLedger(keyId)).filter(
          (e) => e.executionId !== task.executionId,
        );
        // The age was judged by Analyze; here only what may have changed since: status, use, backout.
        const verdict = deletionVerdict(key, history, lastUsed, ports.now(), 0);
        if (!verdict.deletable) {
          return { ...skipped('no-longer-deletable'), before: key.status, liveLastUsed: lastUsed };
        }
        return { status: 'intended', before: deletionBefore(verdict.deletion), deletion: verdict.deletion };
      })();
      return applyItem(ports, task, item, 'delete-access-key', candidate, async () => {
        await iam.deleteAccessKey(item.userName, keyId).catch(ignore('NoSuchEntity'));
        return 'key deleted';
      });
    },
  );
}
