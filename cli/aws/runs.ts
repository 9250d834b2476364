/**
 * The runs of a deployment in AWS, and their evidence in its bucket: the AWS `RunSource`. A stack
 * deployed with `-c organization=true` has two state machines: a run named without its ARN is looked
 * up in the account workflow's, then in the organization workflow's, and `history` lists both.
 */
import { InputError } from '../../handlers/core/shared/errors.js';
import { EVIDENCE_FILES, runPrefix } from '../../handlers/core/shared/run-keys.js';
import { accountFolder, type RunRef, type RunSource } from '../runs.js';
import { type ExecutionStatus, fromAwsHistory } from '../timeline/events.js';
import { viewRun } from '../timeline/run-view.js';
import { AwsCallError } from './errors.js';
import {
  describeExecution,
  executionHistory,
  getObjectText,
  listExecutions,
  listExecutionsSince,
  recentHistory,
} from './executions.js';
import { EXECUTION_ARN, executionArnOf, type Target } from './target.js';

/** Runs `work` over `items` with at most `limit` at a time, keeping their order. */
export async function mapLimited<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
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

const notFound = (err: unknown) => (err as { awsName?: string }).awsName === 'ExecutionDoesNotExist';

export function awsRuns(target: Target): RunSource {
  const prefix = (run: RunRef) => `${runPrefix(run.execution.executionArn)}/`;
  const orgArn = target.organizationStateMachineArn ?? null;
  const machines = [target.stateMachineArn, ...(orgArn ? [orgArn] : [])];
  const isOrganization = (stateMachineArn: string) => orgArn !== null && stateMachineArn === orgArn;
  const bucket = () => {
    if (!target.bucketName) {
      throw new InputError('the evidence bucket is unknown: pass --bucket NAME or --stack NAME');
    }
    return target.bucketName;
  };

  /** DescribeExecution by ARN, or by name in each state machine of the deployment in turn. */
  async function describe(ref: string) {
    if (EXECUTION_ARN.test(ref)) return describeExecution(ref);
    const arns = machines.map((machine) => executionArnOf(machine, ref));
    for (const [i, machine] of machines.entries()) {
      try {
        return await describeExecution(arns[i] as string, machine);
      } catch (err) {
        if (!notFound(err) || machines.length === 1) throw err;
      }
    }
    throw new AwsCallError(
      `no execution ${JSON.stringify(ref)} in state machine ${machines.join(' nor in ')}. ` +
        'List recent runs with `credsweep history`.',
      'ExecutionDoesNotExist',
    );
  }

  return {
    kind: 'aws',
    where: machines.join(' and '),
    async view(ref) {
      const record = await describe(ref);
      return viewRun(record, fromAwsHistory(await executionHistory(record.executionArn)), {
        organization: isOrganization(record.stateMachineArn),
      });
    },
    async list(limit) {
      const lists = await Promise.all(
        machines.map(async (machine) =>
          (await listExecutions(machine, limit)).map((item) => ({ machine, item })),
        ),
      );
      const newest = lists
        .flat()
        .sort((a, b) => (b.item.startDate?.getTime() ?? 0) - (a.item.startDate?.getTime() ?? 0))
        .slice(0, limit);
      return mapLimited(newest, 4, async ({ machine, item }) => {
        const arn = item.executionArn ?? '';
        const record = await describeExecution(arn, machine);
        return viewRun(record, fromAwsHistory(await recentHistory(arn)), {
          organization: isOrganization(machine),
        });
      });
    },
    async between(from, to) {
      const lists = await Promise.all(
        machines.map(async (machine) =>
          (await listExecutionsSince(machine, from)).map((item) => ({ machine, item })),
        ),
      );
      return lists
        .flat()
        .filter(({ item }) => item.startDate !== undefined && item.startDate < to)
        .sort((a, b) => (a.item.startDate?.getTime() ?? 0) - (b.item.startDate?.getTime() ?? 0))
        .map(({ machine, item }) => ({
          name: item.name ?? '',
          executionArn: item.executionArn ?? '',
          organization: isOrganization(machine),
          status: (item.status ?? 'RUNNING') as ExecutionStatus,
          startDate: (item.startDate ?? new Date(0)).toISOString(),
          stopDate: item.stopDate ? item.stopDate.toISOString() : null,
        }));
    },
    schedule: target.schedule ?? null,
    evidenceLocation(view, accountId) {
      return target.bucketName
        ? `s3://${target.bucketName}/${prefix(view)}${accountFolder(accountId)}`
        : null;
    },
    async evidenceFiles(view, accountId) {
      const name = bucket();
      return Promise.all(
        EVIDENCE_FILES.map(async (file) => ({
          name: file,
          text: await getObjectText(name, `${prefix(view)}${accountFolder(accountId)}${file}`),
        })),
      );
    },
    async file(view, path) {
      return getObjectText(bucket(), `${prefix(view)}${path}`);
    },
  };
}
