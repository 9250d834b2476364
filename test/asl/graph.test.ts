import { describe, expect, it } from 'vitest';
import {
  type AslDefinition,
  type AslState,
  localSubstitutions,
  placeholders,
  readAslTemplate,
  resolveAsl,
} from '../../cli/local/asl.js';

const asl = resolveAsl(localSubstitutions('123456789012', { approvalTimeoutSeconds: 259200 }));
const states = asl.States;

/** Every state a state can go to next, with the edge that leads there. */
function edges(name: string, state: AslState): { to: string; via: string }[] {
  const out: { to: string; via: string }[] = [];
  if (state.Next) out.push({ to: state.Next, via: `${name}.Next` });
  if (state.Default) out.push({ to: state.Default, via: `${name}.Default` });
  state.Choices?.forEach((c, i) => {
    out.push({ to: c.Next, via: `${name}.Choices[${i}]` });
  });
  state.Catch?.forEach((c, i) => {
    out.push({ to: c.Next, via: `${name}.Catch[${i}]` });
  });
  return out;
}

function reachable(def: AslDefinition, skipEdge?: string): Set<string> {
  const seen = new Set<string>();
  const queue = [def.StartAt];
  while (queue.length > 0) {
    const name = queue.shift() ?? '';
    if (seen.has(name)) continue;
    seen.add(name);
    const state = def.States[name];
    if (!state) throw new Error(`transition to missing state ${name}`);
    for (const e of edges(name, state)) if (e.via !== skipEdge) queue.push(e.to);
  }
  return seen;
}

const iamTasks = [
  'GenerateReport',
  'Analyze',
  'Verify',
  'Backout',
  'ApplyBatches/DisableConsoleAccess',
  'ApplyBatches/DeactivateAccessKeys',
  'ApplyBatches/DeleteAccessKeys',
];

function stateAt(path: string): AslState {
  const [outer, inner] = path.split('/');
  const state = states[outer ?? ''];
  if (!state) throw new Error(`no state ${path}`);
  if (!inner) return state;
  const nested = state.ItemProcessor?.States[inner];
  if (!nested) throw new Error(`no state ${path}`);
  return nested;
}

/**
 * The errors of the Lambda service itself that AWS recommends every Lambda task retry
 * (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html), and
 * its throttle: a transient one must not back out an approved run.
 */
const LAMBDA_TRANSIENT = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.TooManyRequestsException',
];

/** Every Task state, Map iterations included, as `Outer` or `Outer/Inner`. */
function taskStates(def: AslDefinition, prefix = ''): [string, AslState][] {
  return Object.entries(def.States).flatMap(([name, state]) => [
    ...(state.Type === 'Task' ? [[`${prefix}${name}`, state] as [string, AslState]] : []),
    ...(state.ItemProcessor ? taskStates(state.ItemProcessor, `${prefix}${name}/`) : []),
  ]);
}

describe('the workflow graph (statemachine/remediation.asl.json)', () => {
  it('has a value for every placeholder and every transition lands on a state', () => {
    expect(placeholders()).toContain('ApprovalTimeoutSeconds');
    const all = reachable(asl);
    expect([...all].sort()).toEqual(Object.keys(states).sort());
  });

  it('reaches the mutating Map only through the approved branch of Decision?', () => {
    const decision = states['Decision?'];
    const approved = decision?.Choices?.findIndex((c) => c.Next === 'ApplyBatches') ?? -1;
    expect(approved).toBeGreaterThanOrEqual(0);
    expect(decision?.Choices?.[approved]).toMatchObject({
      Variable: '$.approval.decision',
      StringEquals: 'approved',
    });
    expect(reachable(asl)).toContain('ApplyBatches');
    expect(reachable(asl, `Decision?.Choices[${approved}]`)).not.toContain('ApplyBatches');
    expect(reachable(asl, `Decision?.Choices[${approved}]`)).not.toContain('Verify');
  });

  it('runs every mutating task (the delete stage included) only inside the approved Map', () => {
    const mutating = ['DisableConsoleAccess', 'DeactivateAccessKeys', 'DeleteAccessKeys'];
    // None of them is a top-level state: the only way in is ApplyBatches, reached only when approved.
    for (const name of mutating) expect(states[name]).toBeUndefined();
    const inner = states.ApplyBatches?.ItemProcessor;
    expect(inner && reachable(inner)).toEqual(new Set(mutating));
    expect(stateAt('ApplyBatches/DeleteAccessKeys').Resource).toContain('delete-keys');
  });

  it('asks for approval with a task token and an explicit approval window', () => {
    const request = states.RequestApproval;
    expect(request?.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken'); // Partition: aws, locally
    expect(request?.TimeoutSeconds).toBe(259200);
    expect(
      (request?.Parameters as { Payload: Record<string, string> } | undefined)?.Payload['taskToken.$'],
    ).toBe('$$.Task.Token');
    const timeout = request?.Catch?.find((c) => c.ErrorEquals.includes('States.Timeout'));
    expect(timeout && reachable({ StartAt: timeout.Next, States: states })).toContain('Backout');
  });

  it.each(iamTasks)('%s retries IAM throttling with backoff and jitter', (path) => {
    const retry = stateAt(path).Retry ?? [];
    const throttling = retry.find(
      (r) => r.ErrorEquals.includes('Throttling') || r.ErrorEquals.includes('States.ALL'),
    );
    expect(throttling).toMatchObject({ BackoffRate: 2, JitterStrategy: 'FULL' });
  });

  it('has Lambda tasks only, each found by taskStates', () => {
    const tasks = taskStates(asl);
    expect(tasks.length).toBeGreaterThanOrEqual(10);
    for (const [name, state] of tasks) {
      const target = String(
        (state.Parameters as { FunctionName?: string } | undefined)?.FunctionName ?? state.Resource,
      );
      expect(target, name).toMatch(/^arn:aws:lambda:/);
    }
  });

  it.each(taskStates(asl).map(([name]) => name))(
    '%s retries every transient Lambda error with backoff and full jitter',
    (path) => {
      const retry = (stateAt(path).Retry ?? []) as {
        ErrorEquals: string[];
        BackoffRate?: number;
        JitterStrategy?: string;
        MaxAttempts?: number;
      }[];
      for (const error of LAMBDA_TRANSIENT) {
        // The first retrier that matches the error is the one Step Functions applies.
        const applies = retry.find(
          (r) => r.ErrorEquals.includes(error) || r.ErrorEquals.includes('States.ALL'),
        );
        expect(applies, `${path}: ${error}`).toBeDefined();
        expect(applies?.BackoffRate ?? 2, `${path}: ${error}`).toBeGreaterThan(1);
        expect(applies?.JitterStrategy, `${path}: ${error}`).toBe('FULL');
        expect(applies?.MaxAttempts ?? 3, `${path}: ${error}`).toBeGreaterThanOrEqual(2);
      }
    },
  );

  it.each(['ApplyBatches', 'Verify'])(
    '%s, after approval, catches every error into Backout keeping $.error',
    (name) => {
      const all = states[name]?.Catch?.find((c) => c.ErrorEquals.includes('States.ALL'));
      expect(all).toMatchObject({ ResultPath: '$.error' });
      expect(reachable({ StartAt: all?.Next ?? '', States: states })).toContain('Backout');
    },
  );

  it('ends rejection, timeout and backout as failed executions, so the status tells the truth', () => {
    const failStates = Object.entries(states)
      .filter(([, s]) => s.Type === 'Fail')
      .map(([n]) => n);
    expect(failStates).toEqual(
      expect.arrayContaining(['RejectedByApprover', 'ApprovalExpired', 'BackedOut']),
    );
    const fromBackout = reachable({ StartAt: 'Backout', States: states });
    expect(fromBackout).not.toContain('Remediated');
    expect(fromBackout).not.toContain('ApplyBatches');
  });

  it('ends a run as succeeded after a backout only when an admin asked for that backout (mode "backout")', () => {
    const outcome = states['Outcome?'];
    const toCompleted = outcome?.Choices?.find((c) => c.Next === 'BackoutCompleted');
    expect(toCompleted).toEqual({
      And: [
        { Variable: '$.request.mode', IsPresent: true },
        { Variable: '$.request.mode', StringEquals: 'backout' },
      ],
      Next: 'BackoutCompleted',
    });
    expect(outcome?.Default).toBe('BackedOut');
  });

  it('keeps the Map payload small: items are batch references, not credentials', () => {
    const map = states.ApplyBatches;
    expect(map?.ItemsPath).toBe('$.plan.batches');
    expect(map?.ResultPath).toBeNull();
  });
});

/** What a Lambda task's retriers must do with each transient Lambda error (the first that matches applies). */
function expectTransientRetries(path: string, state: AslState) {
  const retry = (state.Retry ?? []) as {
    ErrorEquals: string[];
    BackoffRate?: number;
    JitterStrategy?: string;
    MaxAttempts?: number;
  }[];
  for (const error of LAMBDA_TRANSIENT) {
    const applies = retry.find((r) => r.ErrorEquals.includes(error) || r.ErrorEquals.includes('States.ALL'));
    expect(applies, `${path}: ${error}`).toBeDefined();
    expect(applies?.BackoffRate ?? 2, `${path}: ${error}`).toBeGreaterThan(1);
    expect(applies?.JitterStrategy, `${path}: ${error}`).toBe('FULL');
    expect(applies?.MaxAttempts ?? 3, `${path}: ${error}`).toBeGreaterThanOrEqual(2);
  }
}

describe('the organization workflow’s tasks (statemachine/organization.asl.json)', () => {
  const org = resolveAsl(
    localSubstitutions('123456789012', { approvalTimeoutSeconds: 259200 }, 'organization'),
    readAslTemplate('organization'),
  );
  const tasks = taskStates(org);

  it('has Lambda tasks only, in both Distributed Maps and the Map inside one', () => {
    expect(tasks.length).toBeGreaterThanOrEqual(15);
    expect(tasks.map(([name]) => name)).toContain('ApplyAccounts/ApplyBatches/DeactivateAccessKeys');
    for (const [name, state] of tasks) {
      const target = String(
        (state.Parameters as { FunctionName?: string } | undefined)?.FunctionName ?? state.Resource,
      );
      expect(target, name).toMatch(/^arn:aws:lambda:/);
    }
  });

  it.each(tasks)('%s retries every transient Lambda error with backoff and full jitter', (path, state) => {
    expectTransientRetries(path, state);
  });
});
