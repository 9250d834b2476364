/** The runs of a state machine in AWS, and their evidence in its bucket: the AWS `RunSource`. */
import { InputError } from '../../handlers/core/errors.js';
import { EVIDENCE_FILES } from '../../handlers/core/evidence.js';
import { runPrefix } from '../../handlers/core/plan.js';
import type { RunSource } from '../runs.js';
import { fromAwsHistory, type RunView, viewRun } from '../timeline.js';
import {
  describeExecution,
  executionHistory,
  getObjectText,
  listExecutions,
  recentHistory,
} from './executions.js';
import { executionArnOf, type Target } from './target.js';

/** Runs `work` over `items` with at most `limit` at a time, keeping their order. */
async function mapLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export function awsRuns(target: Target): RunSource {
  const prefix = (view: RunView) => `${runPrefix(view.execution.executionArn)}/`;
  return {
    kind: 'aws',
    where: target.stateMachineArn,
    async view(ref) {
      const arn = executionArnOf(target.stateMachineArn, ref);
      const record = await describeExecution(arn, target.stateMachineArn);
      return viewRun(record, fromAwsHistory(await executionHistory(arn)));
    },
    async list(limit) {
      const items = await listExecutions(target.stateMachineArn, limit);
      return mapLimited(items, 4, async (item) => {
        const arn = item.executionArn ?? '';
        const record = await describeExecution(arn, target.stateMachineArn);
        return viewRun(record, fromAwsHistory(await recentHistory(arn)));
      });
    },
    evidenceLocation(view) {
      return target.bucketName ? `s3://${target.bucketName}/${prefix(view)}` : null;
    },
    async evidenceFiles(view) {
      const bucket = target.bucketName;
      if (!bucket) throw new InputError('the evidence bucket is unknown: pass --bucket NAME or --stack NAME');
      return Promise.all(
        EVIDENCE_FILES.map(async (name) => ({
          name,
          text: await getObjectText(bucket, `${prefix(view)}${name}`),
        })),
      );
    },
  };
}
