/**
 * Invokes the synthesized bundles as Lambda would: each function gets execution environments
 * (node processes running test/emulator/lambda-runner.mjs) started with the function's
 * synthesized environment plus what Lambda adds (region, credentials, function name); an
 * environment handles one invocation at a time and is reused while warm, and a concurrent
 * invocation gets a new one. The SDK is pointed at the recorder with AWS_ENDPOINT_URL, and each
 * function signs with its own made-up access key id, so the recorder knows which function sent each
 * request without trusting anything the bundle says about itself. Logs (stdout, stderr) are kept.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Deployment, type FunctionId, REGION } from './deployment.js';

const RUNNER = fileURLToPath(new URL('./lambda-runner.mjs', import.meta.url));

/** The access key id a function signs with (moto accepts any key while its auth is off). */
export const accessKeyOf = (id: string): string => `AKIAEMU${id.toUpperCase()}`;

/** A Lambda error as Step Functions sees it: the name is the errorType. */
export class LambdaError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  errorType?: string;
  errorMessage?: string;
}

interface Environment {
  functionId: FunctionId;
  child: ChildProcess;
  busy: boolean;
  /** Everything it wrote to stdout and stderr. */
  log: { text: string };
}

export class Lambdas {
  private readonly environments: Environment[] = [];
  private nextId = 1;
  /** Invocations in order, with how long each took. */
  readonly invocations: { functionId: FunctionId; ms: number; cold: boolean }[] = [];

  constructor(
    private readonly deployment: Deployment,
    private readonly endpoint: string,
  ) {}

  /** What each function's environments wrote (stdout and stderr), for the secret scans. */
  logs(): { functionId: FunctionId; text: string }[] {
    return this.environments.map((env) => ({ functionId: env.functionId, text: env.log.text }));
  }

  async invoke(functionId: FunctionId, event: unknown): Promise<unknown> {
    const started = Date.now();
    let env = this.environments.find((e) => e.functionId === functionId && !e.busy && e.child.connected);
    const cold = !env;
    env ??= this.start(functionId);
    env.busy = true;
    const fn = this.deployment.functions[functionId];
    const id = this.nextId++;
    const child = env.child;
    try {
      const reply = await new Promise<Reply>((resolve, reject) => {
        const onMessage = (message: Reply) => {
          if (message.id !== id) return;
          child.off('message', onMessage);
          child.off('exit', onExit);
          resolve(message);
        };
        const onExit = (code: number | null) =>
          reject(new LambdaError('Lambda.Unknown', `${functionId} exited with ${code}:\n${env?.log.text}`));
        child.on('message', onMessage);
        child.once('exit', onExit);
        child.send({ id, handlerFile: fn.handlerFile, handlerExport: fn.handlerExport, event });
      });
      if (!reply.ok) throw new LambdaError(reply.errorType ?? 'Error', reply.errorMessage ?? '');
      return reply.result;
    } finally {
      env.busy = false;
      this.invocations.push({ functionId, ms: Date.now() - started, cold });
    }
  }

  private start(functionId: FunctionId): Environment {
    const fn = this.deployment.functions[functionId];
    const child = fork(RUNNER, [], {
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: {
        ...fn.environment,
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        TZ: 'UTC',
        AWS_REGION: REGION,
        AWS_DEFAULT_REGION: REGION,
        AWS_ACCESS_KEY_ID: accessKeyOf(functionId),
        AWS_SECRET_ACCESS_KEY: 'emulator-secret',
        AWS_ENDPOINT_URL: this.endpoint,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_LAMBDA_FUNCTION_NAME: fn.name,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
        LAMBDA_TASK_ROOT: fn.bundleDir,
      },
    });
    const log = { text: '' };
    child.stdout?.on('data', (chunk: Buffer) => {
      log.text += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      log.text += chunk.toString();
    });
    const env: Environment = { functionId, child, busy: false, log };
    this.environments.push(env);
    return env;
  }

  /** Ends every execution environment this instance started. */
  async close(): Promise<void> {
    await Promise.all(
      this.environments.map(
        (env) =>
          new Promise((resolve) => {
            if (env.child.exitCode !== null || env.child.signalCode !== null) return resolve(undefined);
            env.child.once('exit', resolve);
            env.child.kill('SIGTERM');
          }),
      ),
    );
  }
}
