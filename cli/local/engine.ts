/**
 * The local engine: runs statemachine/remediation.asl.json in aws-local-stepfunctions, with each
 * Task state bound to the same handler function the Lambda runs, over local ports.
 */
import { randomBytes } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import { accountPlan } from '../../handlers/account-plan.js';
import { analyze } from '../../handlers/analyze.js';
import { FUNCTIONS, type FunctionId } from '../../handlers/aws/functions.js';
import { restrictPorts } from '../../handlers/aws/ports.js';
import { backout } from '../../handlers/backout.js';
import { deactivateKeys } from '../../handlers/deactivate-keys.js';
import { deleteKeys } from '../../handlers/delete-keys.js';
import { disableConsole } from '../../handlers/disable-console.js';
import { generateReport } from '../../handlers/generate-report.js';
import { listAccounts } from '../../handlers/list-accounts.js';
import { orgPlan } from '../../handlers/org-plan.js';
import { orgReport } from '../../handlers/org-report.js';
import type { Ports } from '../../handlers/ports/index.js';
import { report } from '../../handlers/report.js';
import { requestApproval } from '../../handlers/request-approval.js';
import { verify } from '../../handlers/verify.js';
import {
  type AslDefinition,
  localFunctionName,
  localSubstitutions,
  readAslTemplate,
  resolveAsl,
  type Workflow,
} from './asl.js';
import { LimitWatcher } from './aws-limits.js';
import type { EventLog } from './event-log.js';
import type { LocalTaskCallbacks } from './local-ports.js';

export type FailAt = 'disable-console' | 'deactivate-keys' | 'verify';

export interface EngineOptions {
  ports: Ports;
  callbacks: LocalTaskCallbacks;
  executionName: string;
  input: Record<string, unknown>;
  /** How long RequestApproval waits for a decision before States.Timeout. */
  approvalTimeoutSeconds: number;
  mapMaxConcurrency?: number;
  reportPollMaxAttempts?: number;
  /** The account workflow (default) or the organization workflow. */
  workflow?: Workflow;
  /** Makes the named task fail right after its first change (or first check, for verify). */
  failAt?: FailAt;
  /** Makes the named task crash once after its first change with a retryable Lambda error. */
  crashOnceAt?: FailAt;
  /** Organization runs: `failAt`/`crashOnceAt` hit only this member account. */
  faultAccount?: string;
  /** The definition to run instead of the package's (an earlier version of it, in the limits' tests). */
  aslTemplate?: string;
  onEvent?: (event: EventLog) => void;
}

export interface EngineResult {
  status: 'SUCCEEDED' | 'FAILED';
  executionId: string;
  output: Record<string, unknown> | null;
  error: { Error: string; Cause: string } | null;
  /** State transitions, counted as Step Functions bills them: each state entered, Map iterations included. */
  transitions: number;
  /** The largest state input or output seen, in bytes of JSON (Step Functions' limit is 262,144). */
  maxPayloadBytes: number;
  /** The largest combined result of a Map state (the array of its iterations' outputs), in bytes. */
  maxMapResultBytes: number;
  /**
   * The largest history of any one execution, the started one or a Distributed Map child, in Step
   * Functions events (its limit is 25,000 per execution); see history-size.ts.
   */
  maxExecutionEvents: number;
  events: EventLog[];
}

const FAIL_AT_STATE: Record<
  FailAt,
  { state: string; method: 'deleteLoginProfile' | 'updateAccessKey' | 'getLoginProfile' | 'listAccessKeys' }[]
> = {
  'disable-console': [{ state: 'DisableConsoleAccess', method: 'deleteLoginProfile' }],
  'deactivate-keys': [{ state: 'DeactivateAccessKeys', method: 'updateAccessKey' }],
  verify: [
    { state: 'Verify', method: 'getLoginProfile' },
    { state: 'Verify', method: 'listAccessKeys' },
  ],
};

/**
 * Ports whose IAM throws right after the first call of one of `methods` succeeded (once): the
 * change is made, the task dies before recording its outcome. `InjectedFailure` is not retried by
 * the ASL (so the run backs out); `Lambda.ServiceException` is (so the task runs again).
 */
function failingAfterFirst(ports: Ports, methods: string[], errorName: string, accountId?: string): Ports {
  if (accountId) {
    // Organization run: the fault is in that member account's IAM, reached through the member role.
    let failing: Promise<Ports['iam']> | undefined;
    const accounts = {
      iamFor: (id: string) => {
        if (id !== accountId) return ports.accounts.iamFor(id);
        failing ??= ports.accounts
          .iamFor(id)
          .then((iam) => failingAfterFirst({ ...ports, iam }, methods, errorName).iam);
        return failing;
      },
      securityHubFor: (id: string) => ports.accounts.securityHubFor(id),
    };
    return { ...ports, accounts };
  }
  let tripped = false;
  const iam = new Proxy(ports.iam, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || !methods.includes(String(prop))) return value;
      return async (...args: unknown[]) => {
        const result = await value.apply(target, args);
        if (!tripped) {
          tripped = true;
          const error = new Error(`injected failure after the first ${String(prop)}`);
          error.name = errorName;
          throw error;
        }
        return result;
      };
    },
  });
  return { ...ports, iam };
}

type Handler = (event: unknown, ports: Ports) => Promise<unknown>;

/** The deployed function whose entry is handlers/<name>.ts (e.g. `verify` -> Verify). */
function functionIdOf(name: string): FunctionId {
  const id = (Object.keys(FUNCTIONS) as FunctionId[]).find((f) => FUNCTIONS[f].entry === `${name}.ts`);
  if (!id) throw new Error(`no deployed function has the entry handlers/${name}.ts`);
  return id;
}

/** `ports` cut down to what the function declares, as in AWS (its role allows nothing else). */
const portsOf = (ports: Ports, name: string): Ports =>
  restrictPorts(ports, FUNCTIONS[functionIdOf(name)].aws);

/** The Lambda functions of the stack, by the name their local ARN ends with (see localSubstitutions). */
const HANDLERS: Record<string, Handler> = {
  'generate-report': generateReport,
  analyze,
  'list-accounts': listAccounts,
  'org-plan': orgPlan,
  'account-plan': accountPlan,
  'org-report': orgReport,
  'disable-console': disableConsole,
  'deactivate-keys': deactivateKeys,
  'delete-keys': deleteKeys,
  verify,
  backout,
  report,
};

/** Each Task state (Map iterations included) and the function it invokes. */
function taskFunctions(definition: AslDefinition): [string, string][] {
  const found: [string, string][] = [];
  for (const [name, state] of Object.entries(definition.States)) {
    const nested = state.ItemProcessor ?? state.Iterator;
    if (nested) found.push(...taskFunctions(nested));
    if (state.Type !== 'Task') continue;
    const arn = String(
      (state.Parameters as { FunctionName?: string } | undefined)?.FunctionName ?? state.Resource,
    );
    found.push([name, localFunctionName(arn)]);
  }
  return found;
}

export async function runLocal(opts: EngineOptions): Promise<EngineResult> {
  const { ports, callbacks } = opts;
  const accountId = ports.settings.accountId;
  const workflow = opts.workflow ?? 'account';
  const definition = resolveAsl(
    localSubstitutions(accountId, opts, workflow),
    opts.aslTemplate ?? readAslTemplate(workflow),
  );
  const stateMachineName = workflow === 'organization' ? 'credsweep-organization' : 'credsweep-remediation';
  const executionId = `arn:aws:states:us-east-1:${accountId}:execution:${stateMachineName}:${opts.executionName}`;
  const taskToken = randomBytes(48).toString('base64url');

  const faults = [
    ...(opts.failAt ? FAIL_AT_STATE[opts.failAt].map((f) => ({ ...f, error: 'InjectedFailure' })) : []),
    ...(opts.crashOnceAt
      ? FAIL_AT_STATE[opts.crashOnceAt].map((f) => ({ ...f, error: 'Lambda.ServiceException' }))
      : []),
  ];
  const portsFor = (state: string) => {
    const mine = faults.filter((f) => f.state === state);
    const first = mine[0];
    return first
      ? failingAfterFirst(
          ports,
          mine.map((f) => f.method),
          first.error,
          opts.faultAccount,
        )
      : ports;
  };
  // Each failing state gets one set of ports, so "after the first change" counts across its batches.
  const statePorts = new Map<string, Ports>();
  const bind = (state: string, functionName: string, handler: Handler) => {
    const declared = portsOf(ports, functionName);
    return (input: unknown) => {
      if (!statePorts.has(state)) statePorts.set(state, portsOf(portsFor(state), functionName));
      return handler(input, statePorts.get(state) ?? declared) as Promise<never>;
    };
  };
  const approvalPorts = portsOf(ports, 'request-approval');

  const approvalTimeoutMs = opts.approvalTimeoutSeconds * 1000;
  const waitForApproval = async (input: unknown) => {
    const payload = (input as { Payload: { taskToken: string } }).Payload;
    const decision = callbacks.wait(payload.taskToken);
    const timer = setTimeout(() => callbacks.close(payload.taskToken), approvalTimeoutMs);
    try {
      await requestApproval(payload, approvalPorts);
      return (await decision) as never;
    } finally {
      clearTimeout(timer);
    }
  };

  const machine = new StateMachine(definition as never, {
    validationOptions: { checkArn: true, checkPaths: true },
  });
  // Every Task state is bound by the function its Resource names, as Lambda would run it.
  const handlers: Record<string, (input: unknown) => Promise<never>> = {};
  for (const [state, functionName] of taskFunctions(definition)) {
    if (functionName === 'request-approval') {
      handlers[state] = waitForApproval;
      continue;
    }
    const handler = HANDLERS[functionName];
    if (!handler) throw new Error(`no local handler for function ${functionName} (state ${state})`);
    handlers[state] = bind(state, functionName, handler);
  }
  const execution = machine.run(opts.input as never, {
    overrides: {
      taskResourceLocalHandlers: handlers,
      // Same states and order as in AWS; only the waiting is shortened for a local run.
      waitTimeOverrides: { WaitForReport: 5 },
      retryIntervalOverrides: Object.fromEntries(Object.keys(handlers).map((n) => [n, 5])),
    },
    context: {
      Execution: {
        Id: executionId,
        Name: opts.executionName,
        StartTime: ports.now().toISOString(),
        Input: opts.input,
        RoleArn: `arn:aws:iam::${accountId}:role/credsweep-local`,
      },
      StateMachine: {
        Id: executionId.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, ''),
        Name: stateMachineName,
      },
      Task: { Token: taskToken },
    } as never,
    noThrowOnAbort: true,
  });

  const events: EventLog[] = [];
  const limits = new LimitWatcher(definition, opts.input);
  let transitions = 0;
  let error: EngineResult['error'] = null;
  let output: EngineResult['output'] = null;
  for await (const event of execution.eventLogs) {
    events.push(event);
    opts.onEvent?.(event);
    if (event.type === 'StateEntered') transitions += 1;
    const breach = error ? null : limits.observe(event);
    if (breach) {
      // As on AWS: a terminal error no Catch handles; the execution fails where it is.
      error = breach;
      execution.abort();
      break;
    }
    if (event.type === 'ExecutionFailed') error = { Error: event.Error, Cause: String(event.Cause ?? '') };
    if (event.type === 'ExecutionSucceeded') output = event.output as Record<string, unknown>;
  }
  await execution.result.catch(() => undefined);
  callbacks.close(taskToken);
  return {
    status: error ? 'FAILED' : 'SUCCEEDED',
    executionId,
    output,
    error,
    transitions,
    maxPayloadBytes: limits.maxPayloadBytes,
    maxMapResultBytes: limits.maxMapResultBytes,
    maxExecutionEvents: limits.history.max,
    events,
  };
}
