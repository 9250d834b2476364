/** The one timeline model: Step Functions histories and local records read the same way. */
import { describe, expect, it } from 'vitest';
import type { LocalHistoryEvent } from '../../cli/local/executions.js';
import { type ExecutionRecord, fromAwsHistory, fromLocalEvents } from '../../cli/timeline/events.js';
import { viewRun } from '../../cli/timeline/run-view.js';
import { buildSteps } from '../../cli/timeline/steps.js';
import {
  approvalFailedHistory,
  awaitingApprovalHistory,
  backedOutHistory,
  executionArn,
  STATE_MACHINE_ARN,
} from '../helpers/sfn-history.js';

const record = (name: string, overrides: Partial<ExecutionRecord> = {}): ExecutionRecord => ({
  executionArn: executionArn(name),
  name,
  stateMachineArn: STATE_MACHINE_ARN,
  status: 'FAILED',
  startDate: '2026-11-26T12:00:00.000Z',
  stopDate: '2026-11-26T12:20:00.000Z',
  input: { mode: 'remediate', days: 45, startedBy: 'arn:aws:sts::111122223333:assumed-role/Admin/alice' },
  output: null,
  error: 'AccessDenied',
  cause: 'denied',
  ...overrides,
});

describe('fromAwsHistory', () => {
  it('attributes each event to its state and Map iteration through previousEventId', () => {
    const events = fromAwsHistory(backedOutHistory('r1'));
    const inMap = events.filter((e) => e.index !== null && e.type === 'StateEntered');
    expect(inMap.map((e) => `${e.index}:${e.state}`)).toEqual([
      '0:DisableConsoleAccess',
      '1:DisableConsoleAccess',
      '0:DeactivateAccessKeys',
      '1:DeactivateAccessKeys',
    ]);
    // The failure of the second batch's Lambda belongs to that batch's DeactivateAccessKeys.
    const failures = events.filter((e) => e.type === 'StateFailed');
    expect(failures.map((e) => [e.state, e.index, e.error])).toEqual([
      ['Analyze', null, 'Throttling'],
      ['DeactivateAccessKeys', 1, 'AccessDenied'],
      // MapStateFailed has no details: the Map fails with its failed iteration's error.
      ['ApplyBatches', null, 'AccessDenied'],
    ]);
    // Events after the Map are outside every iteration again.
    expect(events.find((e) => e.type === 'StateEntered' && e.state === 'Backout')?.index).toBeNull();
    expect(events.filter((e) => e.type === 'StateRetried').map((e) => e.state)).toEqual(['Analyze']);
    expect(events.at(-1)).toMatchObject({ type: 'ExecutionFailed', error: 'AccessDenied' });
  });

  it('falls back to the preceding event when previousEventId is missing', () => {
    const history = awaitingApprovalHistory().map(({ previousEventId: _p, ...e }) => e);
    const events = fromAwsHistory(history);
    expect(events.map((e) => `${e.type}:${e.state ?? ''}`)).toEqual([
      'ExecutionStarted:',
      'StateEntered:Start',
      'StateExited:Start',
      'StateEntered:Analyze',
      'StateExited:Analyze',
      'StateEntered:RequestApproval',
    ]);
  });
});

describe('buildSteps', () => {
  it('gives each state its duration, retries and error', () => {
    const steps = buildSteps(fromAwsHistory(backedOutHistory('r1')));
    const step = (state: string, index: number | null = null) =>
      steps.find((s) => s.state === state && s.index === index);
    expect(step('Analyze')).toMatchObject({
      status: 'succeeded',
      retries: 1,
      error: null,
      durationMs: 3_400,
    });
    expect(step('RequestApproval')).toMatchObject({ status: 'succeeded', durationMs: 13 * 60_000 + 400 });
    expect(step('DeactivateAccessKeys', 0)).toMatchObject({ status: 'succeeded' });
    expect(step('DeactivateAccessKeys', 1)).toMatchObject({
      status: 'failed',
      error: { error: 'AccessDenied', cause: expect.stringContaining('iam:UpdateAccessKey') },
    });
    expect(step('ApplyBatches')).toMatchObject({ status: 'failed' });
    expect(step('BackedOut')).toMatchObject({
      status: 'failed',
      durationMs: 0,
      error: { error: 'AccessDenied' },
    });
    expect(steps.filter((s) => s.status === 'running')).toEqual([]);
  });
});

describe('viewRun', () => {
  it('reads outcome, who started it, the approval and the counts of a backed-out run', () => {
    const view = viewRun(record('r1'), fromAwsHistory(backedOutHistory('r1')));
    expect(view).toMatchObject({
      outcome: 'backed-out',
      mode: 'remediate',
      startedBy: 'arn:aws:sts::111122223333:assumed-role/Admin/alice',
      thresholdDays: 45,
      waitingForApproval: false,
      currentStates: [],
      approval: { decision: 'approved', approver: 'sec@example.com', approvedCount: 3, notApprovedCount: 0 },
      evidenceKey: 'runs/r1/evidence.json',
      error: { error: 'AccessDenied', cause: 'denied' },
    });
    expect(view.counts).toMatchObject({
      findings: 3,
      skippedUsers: 2,
      proposed: 3,
      batches: 2,
      batchesDone: 1,
      changed: 0,
      restored: 2,
      skippedInBatches: 0,
    });
  });

  it('a caught TaskFailed on the approval: backed out, with the error', () => {
    const view = viewRun(
      record('r2', { error: 'MessageRejected', cause: 'Email address is not verified.' }),
      fromAwsHistory(approvalFailedHistory('r2')),
    );
    expect(view.outcome).toBe('backed-out');
    expect(view.steps.find((s) => s.state === 'RequestApproval')).toMatchObject({
      status: 'failed',
      error: { error: 'MessageRejected', cause: 'Email address is not verified.' },
    });
  });

  it('a run waiting for its approver: running, awaiting approval, counts so far', () => {
    const view = viewRun(
      record('r3', { status: 'RUNNING', stopDate: null, error: null, cause: null }),
      fromAwsHistory(awaitingApprovalHistory()),
    );
    expect(view).toMatchObject({
      outcome: 'awaiting-approval',
      waitingForApproval: true,
      currentStates: ['RequestApproval'],
      error: null,
    });
    expect(view.counts).toMatchObject({ proposed: 3, changed: null });
  });

  it('without the reporting states, a failed run is read from its Fail state, then from its error', () => {
    const events = fromAwsHistory(backedOutHistory('r4')).filter(
      (e) => !['ReportBackout', 'Outcome?', 'ChangeFailed', 'Backout'].includes(e.state ?? ''),
    );
    const withoutEvidence = events.map((e) =>
      e.output && typeof e.output === 'object' && 'evidence' in e.output
        ? { ...e, output: { ...e.output, evidence: null } }
        : e,
    );
    expect(viewRun(record('r4'), withoutEvidence).outcome).toBe('backed-out');
    expect(viewRun(record('r5', { error: 'Rejected' }), []).outcome).toBe('rejected');
    expect(viewRun(record('r6', { error: 'ApprovalTimedOut' }), []).outcome).toBe('timed-out');
    expect(viewRun(record('r7', { error: 'BlastRadiusExceeded' }), []).outcome).toBe('failed');
    expect(viewRun(record('r8', { status: 'ABORTED', error: null }), []).outcome).toBe('aborted');
  });
});

describe('fromLocalEvents', () => {
  it('reads a local record the same way: steps, iterations, failures', () => {
    const local: LocalHistoryEvent[] = [
      { timestamp: '2026-11-26T12:00:00.000Z', type: 'ExecutionStarted', input: { startedBy: 'me' } },
      { timestamp: '2026-11-26T12:00:00.000Z', type: 'StateEntered', state: 'ApplyBatches', input: {} },
      { timestamp: '2026-11-26T12:00:00.001Z', type: 'MapIterationStarted', state: 'ApplyBatches', index: 0 },
      {
        timestamp: '2026-11-26T12:00:00.002Z',
        type: 'StateEntered',
        state: 'DeactivateAccessKeys',
        index: 0,
      },
      {
        timestamp: '2026-11-26T12:00:00.050Z',
        type: 'StateFailed',
        state: 'DeactivateAccessKeys',
        index: 0,
        error: 'InjectedFailure',
        cause: 'boom',
      },
      { timestamp: '2026-11-26T12:00:00.051Z', type: 'MapIterationFailed', state: 'ApplyBatches', index: 0 },
      { timestamp: '2026-11-26T12:00:00.052Z', type: 'StateCaught', state: 'ApplyBatches' },
      {
        timestamp: '2026-11-26T12:00:00.060Z',
        type: 'ExecutionFailed',
        error: 'InjectedFailure',
        cause: 'boom',
      },
    ];
    const events = fromLocalEvents(local);
    expect(events.map((e) => e.type)).not.toContain('StateCaught');
    const steps = buildSteps(events);
    expect(steps.map((s) => [s.state, s.index, s.status, s.durationMs])).toEqual([
      ['ApplyBatches', null, 'failed', 0],
      ['DeactivateAccessKeys', 0, 'failed', 48],
    ]);
  });
});
