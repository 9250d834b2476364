/**
 * Runs the synthesized state machine definition in aws-local-stepfunctions (the engine
 * `credsweep demo` uses), with every Task state bound to the bundle of the function its Resource
 * (or Parameters.FunctionName) names, invoked as Lambda would.
 *
 * Why not moto's Step Functions: it can execute a definition, but its Lambda tasks need Docker,
 * which these machines lack. So the callback API is the one piece stood in for: `TaskTokens`
 * answers SendTaskSuccess/SendTaskFailure/SendTaskHeartbeat (AWS JSON 1.0, Step Functions' error
 * names) for the token the waiting `.waitForTaskToken` task was given, and the recording proxy
 * routes the approval API bundle's `states` requests to it.
 */
import { randomBytes } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import type { AslDefinition } from '../../cli/local/asl.js';
import type { HttpAnswer } from '../policy/recorder.js';
import { ACCOUNT_ID, type Deployment, type FunctionId } from './deployment.js';
import { LambdaError, type Lambdas } from './lambdas.js';

const json = (status: number, body: unknown): HttpAnswer => ({
  status,
  contentType: 'application/x-amz-json-1.0',
  body: JSON.stringify(body),
});

/** The thinnest stand-in for Step Functions' task-token callbacks. */
export class TaskTokens {
  private readonly waiting = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  /** A promise for the task's outcome; settled by SendTaskSuccess or SendTaskFailure. */
  wait(token: string): Promise<unknown> {
    return new Promise((resolve, reject) => this.waiting.set(token, { resolve, reject }));
  }

  /** Answers one callback request as Step Functions would. */
  async answer(action: string, body: unknown): Promise<HttpAnswer> {
    const request = (body ?? {}) as { taskToken?: string; output?: string; error?: string; cause?: string };
    const task = request.taskToken ? this.waiting.get(request.taskToken) : undefined;
    if (!['SendTaskSuccess', 'SendTaskFailure', 'SendTaskHeartbeat'].includes(action)) {
      return json(400, { __type: 'UnknownOperationException', message: `not stood in: ${action}` });
    }
    if (!task || !request.taskToken) {
      return json(400, { __type: 'TaskDoesNotExist', message: 'Task Timed Out or does not exist' });
    }
    if (action === 'SendTaskHeartbeat') return json(200, {});
    this.waiting.delete(request.taskToken);
    if (action === 'SendTaskSuccess') {
      let output: unknown;
      try {
        output = JSON.parse(request.output ?? 'null');
      } catch {
        return json(400, { __type: 'InvalidOutput', message: 'output is not JSON' });
      }
      task.resolve(output);
    } else {
      task.reject(new LambdaError(request.error ?? 'States.TaskFailed', request.cause ?? ''));
    }
    return json(200, {});
  }
}

/** Each Task state (Map iterations included) and the function ARN it invokes. */
function taskStates(definition: AslDefinition): { state: string; arn: string; waits: boolean }[] {
  const found: { state: string; arn: string; waits: boolean }[] = [];
  for (const [state, spec] of Object.entries(definition.States)) {
    const nested = spec.ItemProcessor ?? spec.Iterator;
    if (nested) found.push(...taskStates(nested));
    if (spec.Type !== 'Task') continue;
    const resource = String(spec.Resource);
    const named = (spec.Parameters as { FunctionName?: string } | undefined)?.FunctionName;
    found.push({ state, arn: named ?? resource, waits: resource.endsWith('.waitForTaskToken') });
  }
  return found;
}

export interface WorkflowResult {
  status: 'SUCCEEDED' | 'FAILED';
  executionArn: string;
  error: { Error: string; Cause: string } | null;
  /** States entered, in order. */
  states: string[];
  /** The task token the waiting task was given (for the secret scans). */
  taskToken: string;
}

/** Runs one execution to its end. */
export async function runWorkflow(opts: {
  deployment: Deployment;
  lambdas: Lambdas;
  tokens: TaskTokens;
  executionName: string;
  input: Record<string, unknown>;
}): Promise<WorkflowResult> {
  const { deployment, lambdas, tokens } = opts;
  const byArn = new Map<string, FunctionId>(
    Object.values(deployment.functions).map((fn) => [fn.arn, fn.id] as const),
  );
  const executionArn = `${deployment.stateMachineArn.replace(':stateMachine:', ':execution:')}:${opts.executionName}`;
  const taskToken = randomBytes(48).toString('base64url');

  const handlers: Record<string, (input: unknown) => Promise<never>> = {};
  for (const { state, arn, waits } of taskStates(deployment.definition)) {
    const functionId = byArn.get(arn);
    if (!functionId) throw new Error(`state ${state} invokes ${arn}, which is no function of the template`);
    handlers[state] = waits
      ? async (input) => {
          // lambda:invoke.waitForTaskToken: the function gets Parameters.Payload; the task's
          // result is whatever SendTaskSuccess delivers for the token.
          const payload = (input as { Payload: { taskToken: string } }).Payload;
          const outcome = tokens.wait(payload.taskToken);
          await lambdas.invoke(functionId, payload);
          return (await outcome) as never;
        }
      : async (input) => (await lambdas.invoke(functionId, input)) as never;
  }

  const machine = new StateMachine(deployment.definition as never, {
    validationOptions: { checkArn: true, checkPaths: true },
  });
  const execution = machine.run(opts.input as never, {
    overrides: {
      taskResourceLocalHandlers: handlers,
      // The only liberties taken with the synthesized definition: waits and retry intervals are
      // shortened (same states, same order, same retry counts).
      waitTimeOverrides: { WaitForReport: 50 },
      retryIntervalOverrides: Object.fromEntries(Object.keys(handlers).map((name) => [name, 10])),
    },
    context: {
      Execution: {
        Id: executionArn,
        Name: opts.executionName,
        StartTime: new Date().toISOString(),
        Input: opts.input,
        RoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/credsweep-emulator`,
      },
      StateMachine: { Id: deployment.stateMachineArn, Name: deployment.stateMachineArn.split(':').pop() },
      Task: { Token: taskToken },
    } as never,
    noThrowOnAbort: true,
  });

  const states: string[] = [];
  let error: WorkflowResult['error'] = null;
  for await (const event of execution.eventLogs) {
    if (event.type === 'StateEntered') states.push(event.state.name);
    if (event.type === 'ExecutionFailed') error = { Error: event.Error, Cause: String(event.Cause ?? '') };
  }
  await execution.result.catch(() => undefined);
  return { status: error ? 'FAILED' : 'SUCCEEDED', executionArn, error, states, taskToken };
}
