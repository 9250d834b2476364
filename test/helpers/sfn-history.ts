/**
 * Realistic GetExecutionHistory event lists of the credsweep workflow, as Step Functions records
 * them: Lambda tasks as LambdaFunction* events, the approval (`lambda:invoke.waitForTaskToken`) as
 * Task* events, an inline Map whose two iterations interleave (told apart only by previousEventId),
 * a retried throttle, failures, and the end events.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';

export const ACCOUNT = '111122223333';
export const STATE_MACHINE_ARN = `arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:CredsweepRemediation`;
export const executionArn = (name: string) =>
  `arn:aws:states:eu-west-1:${ACCOUNT}:execution:CredsweepRemediation:${name}`;

class HistoryBuilder {
  readonly events: HistoryEvent[] = [];
  private t: number;

  constructor(start: string) {
    this.t = new Date(start).getTime();
  }

  /** Adds an event `ms` after the previous one, caused by event `prev` (default: the last one). */
  add(type: string, details: Partial<HistoryEvent> = {}, opts: { prev?: number; ms?: number } = {}): number {
    const id = this.events.length + 1;
    this.t += opts.ms ?? 100;
    this.events.push({
      id,
      previousEventId: opts.prev ?? id - 1,
      timestamp: new Date(this.t),
      type: type as HistoryEvent['type'],
      ...details,
    });
    return id;
  }

  enter(kind: string, name: string, input: unknown, opts: { prev?: number; ms?: number } = {}): number {
    return this.add(
      `${kind}StateEntered`,
      { stateEnteredEventDetails: { name, input: JSON.stringify(input) } },
      opts,
    );
  }

  exit(kind: string, name: string, output: unknown, opts: { prev?: number; ms?: number } = {}): number {
    return this.add(
      `${kind}StateExited`,
      { stateExitedEventDetails: { name, output: JSON.stringify(output) } },
      opts,
    );
  }

  /** A Lambda task that succeeds: Scheduled, Started, Succeeded, then the state's exit. */
  lambda(name: string, input: unknown, output: unknown, opts: { prev?: number; ms?: number } = {}): number {
    this.enter('Task', name, input, opts);
    this.add('LambdaFunctionScheduled', {
      lambdaFunctionScheduledEventDetails: {
        resource: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:${name}`,
      },
    });
    this.add('LambdaFunctionStarted');
    this.add(
      'LambdaFunctionSucceeded',
      { lambdaFunctionSucceededEventDetails: { output: '{}' } },
      { ms: 400 },
    );
    return this.exit('Task', name, output);
  }
}

const REQUEST = {
  mode: 'remediate',
  days: 45,
  startedBy: 'arn:aws:sts::111122223333:assumed-role/Admin/alice',
};
const BATCHES = [
  { index: 0, key: 'runs/x/batches/0000.json', size: 2 },
  { index: 1, key: 'runs/x/batches/0001.json', size: 1 },
];
const PLAN = {
  planKey: 'runs/x/plan.json',
  total: 3,
  dryRun: false,
  thresholdDays: 45,
  findings: 3,
  skipped: 2,
  batches: BATCHES,
};
const APPROVAL = {
  decision: 'approved',
  approvalId: '0b6f3c8e-1111-8222-9333-444455556666',
  approver: 'sec@example.com',
  decidedAt: '2026-11-26T12:14:00.000Z',
  approvedCount: 3,
  notApprovedCount: 0,
};

/**
 * A run approved by sec@example.com whose second batch fails (AccessDenied) while the first has
 * changed two credentials: ChangeFailed -> Backout restores both -> ReportBackout -> Fail BackedOut.
 * Analyze is throttled once and retried.
 */
export function backedOutHistory(name: string): HistoryEvent[] {
  const b = new HistoryBuilder('2026-11-26T12:00:00.000Z');
  const doc: Record<string, unknown> = {
    request: REQUEST,
    report: { attempt: 0, state: 'NONE' },
    outcome: 'running',
    error: null,
    backoutError: null,
  };
  b.add('ExecutionStarted', {
    executionStartedEventDetails: {
      input: JSON.stringify(REQUEST),
      roleArn: `arn:aws:iam::${ACCOUNT}:role/sfn`,
    },
  });
  b.enter('Pass', 'Start', REQUEST);
  b.exit('Pass', 'Start', doc);
  b.enter('Choice', 'Mode?', doc);
  b.exit('Choice', 'Mode?', doc);
  doc.report = { state: 'COMPLETE', attempt: 1 };
  b.lambda('GenerateReport', doc, doc);
  b.enter('Choice', 'ReportReady?', doc);
  b.exit('Choice', 'ReportReady?', doc);
  // Analyze: throttled once, retried by the state's Retry.
  b.enter('Task', 'Analyze', doc);
  b.add('LambdaFunctionScheduled');
  b.add('LambdaFunctionStarted');
  b.add('LambdaFunctionFailed', {
    lambdaFunctionFailedEventDetails: { error: 'Throttling', cause: '{"errorMessage":"Rate exceeded"}' },
  });
  b.add('LambdaFunctionScheduled', {}, { ms: 2000 });
  b.add('LambdaFunctionStarted');
  b.add('LambdaFunctionSucceeded', {}, { ms: 900 });
  doc.plan = PLAN;
  b.exit('Task', 'Analyze', doc);
  b.enter('Choice', 'NothingToDo?', doc);
  b.exit('Choice', 'NothingToDo?', doc);
  // The approval: a callback task that waits 13 minutes for a person.
  b.enter('Task', 'RequestApproval', doc);
  b.add('TaskScheduled', {
    taskScheduledEventDetails: {
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      region: 'eu-west-1',
      parameters: '{}',
    },
  });
  b.add('TaskStarted', {
    taskStartedEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken' },
  });
  b.add('TaskSubmitted', {
    taskSubmittedEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken' },
  });
  b.add(
    'TaskSucceeded',
    {
      taskSucceededEventDetails: {
        resourceType: 'lambda',
        resource: 'invoke.waitForTaskToken',
        output: JSON.stringify(APPROVAL),
      },
    },
    { ms: 13 * 60_000 },
  );
  doc.approval = APPROVAL;
  b.exit('Task', 'RequestApproval', doc);
  b.enter('Choice', 'Decision?', doc);
  b.exit('Choice', 'Decision?', doc);
  // The Map: two iterations side by side; each event points back at its own iteration.
  b.enter('Map', 'ApplyBatches', doc);
  const mapStarted = b.add('MapStateStarted', { mapStateStartedEventDetails: { length: 2 } });
  const it0 = b.add(
    'MapIterationStarted',
    { mapIterationStartedEventDetails: { name: 'ApplyBatches', index: 0 } },
    { prev: mapStarted },
  );
  const it1 = b.add(
    'MapIterationStarted',
    { mapIterationStartedEventDetails: { name: 'ApplyBatches', index: 1 } },
    { prev: mapStarted },
  );
  const item = (index: number) => ({
    executionId: 'arn',
    approvalId: APPROVAL.approvalId,
    thresholdDays: 45,
    batch: BATCHES[index],
  });
  const c0 = { ...item(0), console: { changed: 1, skipped: 0 } };
  const c1 = { ...item(1), console: { changed: 0, skipped: 0 } };
  const e0 = b.enter('Task', 'DisableConsoleAccess', item(0), { prev: it0 });
  const e1 = b.enter('Task', 'DisableConsoleAccess', item(1), { prev: it1 });
  const s0 = b.add('LambdaFunctionScheduled', {}, { prev: e0 });
  const s1 = b.add('LambdaFunctionScheduled', {}, { prev: e1 });
  const st0 = b.add('LambdaFunctionStarted', {}, { prev: s0 });
  const st1 = b.add('LambdaFunctionStarted', {}, { prev: s1 });
  const ok0 = b.add('LambdaFunctionSucceeded', {}, { prev: st0, ms: 300 });
  const x0 = b.exit('Task', 'DisableConsoleAccess', c0, { prev: ok0 });
  const ok1 = b.add('LambdaFunctionSucceeded', {}, { prev: st1 });
  const x1 = b.exit('Task', 'DisableConsoleAccess', c1, { prev: ok1 });
  const k0 = b.enter('Task', 'DeactivateAccessKeys', c0, { prev: x0 });
  const k1 = b.enter('Task', 'DeactivateAccessKeys', c1, { prev: x1 });
  const ks0 = b.add('LambdaFunctionScheduled', {}, { prev: k0 });
  const ks1 = b.add('LambdaFunctionScheduled', {}, { prev: k1 });
  const kst0 = b.add('LambdaFunctionStarted', {}, { prev: ks0 });
  const kst1 = b.add('LambdaFunctionStarted', {}, { prev: ks1 });
  const kok0 = b.add('LambdaFunctionSucceeded', {}, { prev: kst0, ms: 250 });
  const kx0 = b.exit(
    'Task',
    'DeactivateAccessKeys',
    { ...c0, keys: { changed: 1, skipped: 0 } },
    { prev: kok0 },
  );
  b.add(
    'MapIterationSucceeded',
    { mapIterationSucceededEventDetails: { name: 'ApplyBatches', index: 0 } },
    { prev: kx0 },
  );
  const cause =
    'User: arn:aws:sts::111122223333:assumed-role/credsweep-deactivate/fn is not authorized to perform: iam:UpdateAccessKey on resource: user ci-deploy with an explicit deny';
  const failed = b.add(
    'LambdaFunctionFailed',
    { lambdaFunctionFailedEventDetails: { error: 'AccessDenied', cause } },
    { prev: kst1 },
  );
  const itFailed = b.add(
    'MapIterationFailed',
    { mapIterationFailedEventDetails: { name: 'ApplyBatches', index: 1 } },
    { prev: failed },
  );
  b.add('MapStateFailed', {}, { prev: itFailed });
  doc.error = { Error: 'AccessDenied', Cause: cause };
  doc.outcome = 'backed-out';
  b.enter('Pass', 'ChangeFailed', doc);
  b.exit('Pass', 'ChangeFailed', doc);
  doc.backout = { sourceExecutionId: executionArn(name), restored: 2, notChanged: 0, failed: 0 };
  b.lambda('Backout', doc, doc);
  doc.evidence = {
    outcome: 'backed-out',
    evidenceKey: `runs/${name}/evidence.json`,
    changed: 0,
    restored: 2,
    skippedAtRecheck: 0,
  };
  b.lambda('ReportBackout', doc, doc);
  b.enter('Choice', 'Outcome?', doc);
  b.exit('Choice', 'Outcome?', doc);
  b.enter('Fail', 'BackedOut', doc);
  b.add('ExecutionFailed', { executionFailedEventDetails: { error: 'AccessDenied', cause } });
  return b.events;
}

/**
 * A run whose approval task fails (the request-approval Lambda could not send mail: TaskFailed),
 * caught into ApprovalFailed -> Backout -> ReportBackout -> Fail BackedOut.
 */
export function approvalFailedHistory(name: string): HistoryEvent[] {
  const b = new HistoryBuilder('2026-11-27T08:00:00.000Z');
  const doc: Record<string, unknown> = { request: REQUEST, outcome: 'running', plan: PLAN, error: null };
  b.add('ExecutionStarted', { executionStartedEventDetails: { input: JSON.stringify(REQUEST) } });
  b.enter('Task', 'RequestApproval', doc);
  b.add('TaskScheduled');
  b.add('TaskStarted');
  b.add('TaskFailed', {
    taskFailedEventDetails: {
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      error: 'MessageRejected',
      cause: 'Email address is not verified.',
    },
  });
  doc.error = { Error: 'MessageRejected', Cause: 'Email address is not verified.' };
  doc.outcome = 'backed-out';
  b.enter('Pass', 'ApprovalFailed', doc);
  b.exit('Pass', 'ApprovalFailed', doc);
  doc.backout = { restored: 0, notChanged: 0, failed: 0 };
  b.lambda('Backout', doc, doc);
  doc.evidence = {
    outcome: 'backed-out',
    evidenceKey: `runs/${name}/evidence.json`,
    changed: 0,
    restored: 0,
  };
  b.lambda('ReportBackout', doc, doc);
  b.enter('Fail', 'BackedOut', doc);
  b.add('ExecutionFailed', {
    executionFailedEventDetails: { error: 'MessageRejected', cause: 'Email address is not verified.' },
  });
  return b.events;
}

/** A run that is waiting for its approval right now. */
export function awaitingApprovalHistory(): HistoryEvent[] {
  const b = new HistoryBuilder('2026-11-26T12:00:00.000Z');
  const doc = { request: REQUEST, outcome: 'running', plan: PLAN, error: null };
  b.add('ExecutionStarted', { executionStartedEventDetails: { input: JSON.stringify(REQUEST) } });
  b.enter('Pass', 'Start', REQUEST);
  b.exit('Pass', 'Start', doc);
  b.lambda('Analyze', doc, doc);
  b.enter('Task', 'RequestApproval', doc);
  b.add('TaskScheduled');
  b.add('TaskStarted');
  b.add('TaskSubmitted');
  return b.events;
}

export { REQUEST as HISTORY_REQUEST };
