/**
 * The Step Functions and S3 calls of the command line: start, describe, history (paginated, or only
 * the newest events), list (paginated), and the evidence objects. Errors are explained by `aws()`.
 */
import {
  DescribeExecutionCommand,
  type ExecutionListItem,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { sfnClient } from '../../handlers/aws/task-callbacks.js';
import type { ExecutionRecord, ExecutionStatus } from '../timeline/events.js';
import { stsClient } from './clients.js';
import { aws } from './errors.js';

const nameOf = (arn: string) => arn.split(':').pop() ?? arn;

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function startExecution(
  stateMachineArn: string,
  name: string,
  input: unknown,
): Promise<{ executionArn: string; startDate: string }> {
  const out = await aws({ action: 'states:StartExecution', stateMachineArn, execution: name }, () =>
    sfnClient().send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) })),
  );
  return {
    executionArn: out.executionArn ?? `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`,
    startDate: (out.startDate ?? new Date()).toISOString(),
  };
}

export async function describeExecution(
  executionArn: string,
  stateMachineArn?: string,
): Promise<ExecutionRecord> {
  const out = await aws(
    {
      action: 'states:DescribeExecution',
      execution: nameOf(executionArn),
      ...(stateMachineArn ? { stateMachineArn } : {}),
    },
    () => sfnClient().send(new DescribeExecutionCommand({ executionArn })),
  );
  return {
    executionArn: out.executionArn ?? executionArn,
    name: out.name ?? nameOf(executionArn),
    stateMachineArn: out.stateMachineArn ?? stateMachineArn ?? '',
    status: (out.status ?? 'RUNNING') as ExecutionStatus,
    startDate: (out.startDate ?? new Date(0)).toISOString(),
    stopDate: out.stopDate ? out.stopDate.toISOString() : null,
    input: parseJson(out.input),
    output: parseJson(out.output),
    error: out.error ?? null,
    cause: out.cause ?? null,
  };
}

/** The whole history, oldest first, following nextToken (1,000 events a page). */
export async function executionHistory(executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await aws({ action: 'states:GetExecutionHistory', execution: nameOf(executionArn) }, () =>
      sfnClient().send(
        new GetExecutionHistoryCommand({
          executionArn,
          maxResults: 1000,
          includeExecutionData: true,
          ...(nextToken ? { nextToken } : {}),
        }),
      ),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** Only the newest events (one reverse page), oldest first: enough for a run's outcome and counts. */
export async function recentHistory(executionArn: string, maxResults = 25): Promise<HistoryEvent[]> {
  const page = await aws({ action: 'states:GetExecutionHistory', execution: nameOf(executionArn) }, () =>
    sfnClient().send(
      new GetExecutionHistoryCommand({
        executionArn,
        maxResults,
        reverseOrder: true,
        includeExecutionData: true,
      }),
    ),
  );
  return [...(page.events ?? [])].reverse();
}

/**
 * Keeps a run's history up to date while following it: each poll reads newest-first pages only until
 * it reaches an event it already has, so a long run is not read again from the start every time.
 */
export class HistoryFollower {
  private readonly events: HistoryEvent[] = [];
  private lastId = 0;

  constructor(private readonly executionArn: string) {}

  async poll(): Promise<HistoryEvent[]> {
    const fresh: HistoryEvent[] = [];
    let nextToken: string | undefined;
    let reached = false;
    do {
      const page = await aws(
        { action: 'states:GetExecutionHistory', execution: nameOf(this.executionArn) },
        () =>
          sfnClient().send(
            new GetExecutionHistoryCommand({
              executionArn: this.executionArn,
              maxResults: 200,
              reverseOrder: true,
              includeExecutionData: true,
              ...(nextToken ? { nextToken } : {}),
            }),
          ),
      );
      for (const e of page.events ?? []) {
        if ((e.id ?? 0) <= this.lastId) {
          reached = true;
          break;
        }
        fresh.push(e);
      }
      nextToken = page.nextToken;
    } while (nextToken && !reached);
    fresh.reverse();
    this.events.push(...fresh);
    this.lastId = this.events.at(-1)?.id ?? this.lastId;
    return this.events;
  }
}

/** ListExecutions page by page, newest first, asking each time for `pageSize()` (at most 1,000). */
async function* executionPages(stateMachineArn: string, pageSize: () => number) {
  let nextToken: string | undefined;
  do {
    const page = await aws({ action: 'states:ListExecutions', stateMachineArn }, () =>
      sfnClient().send(
        new ListExecutionsCommand({
          stateMachineArn,
          maxResults: pageSize(),
          ...(nextToken ? { nextToken } : {}),
        }),
      ),
    );
    yield page.executions ?? [];
    nextToken = page.nextToken;
  } while (nextToken);
}

/** The newest executions first, following nextToken until `limit` (ListExecutions pages hold up to 1,000). */
export async function listExecutions(stateMachineArn: string, limit: number): Promise<ExecutionListItem[]> {
  const items: ExecutionListItem[] = [];
  for await (const page of executionPages(stateMachineArn, () => Math.min(1000, limit - items.length))) {
    items.push(...page);
    if (items.length >= limit) break;
  }
  return items.slice(0, limit);
}

/**
 * Every execution started at `from` or later, newest first: ListExecutions returns newest first, so
 * paging stops at the first page that reaches back before `from` (1,000 a page).
 */
export async function listExecutionsSince(stateMachineArn: string, from: Date): Promise<ExecutionListItem[]> {
  const items: ExecutionListItem[] = [];
  for await (const page of executionPages(stateMachineArn, () => 1000)) {
    items.push(...page.filter((e) => e.startDate !== undefined && e.startDate >= from));
    if (page.some((e) => e.startDate !== undefined && e.startDate < from)) break;
  }
  return items;
}

/** The caller's identity (an ARN), for `startedBy`; null when STS cannot tell. */
export async function callerArn(): Promise<string | null> {
  try {
    return (await stsClient().send(new GetCallerIdentityCommand({}))).Arn ?? null;
  } catch {
    return null;
  }
}

/** One object's text, or null when it does not exist. S3's client loads on the first read of evidence. */
export async function getObjectText(bucket: string, key: string): Promise<string | null> {
  const [{ GetObjectCommand }, { s3Client }] = await Promise.all([
    import('@aws-sdk/client-s3'),
    import('../../handlers/aws/blobs.js'),
  ]);
  try {
    const out = await aws({ action: 's3:GetObject', bucket, key }, () =>
      s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: key })),
    );
    return out.Body ? await out.Body.transformToString('utf-8') : null;
  } catch (err) {
    if ((err as { awsName?: string }).awsName === 'NoSuchKey') return null;
    throw err;
  }
}
