/**
 * AWS errors said plainly: what went wrong and what to do, naming the action, the execution, the
 * stack or the object involved. Every AWS call of the command line goes through `aws(context, call)`.
 */
import { CredsweepError } from '../../handlers/core/shared/errors.js';

export interface AwsCallContext {
  /** The IAM action of the call, e.g. `states:StartExecution`. */
  action: string;
  /** The execution as the user named it. */
  execution?: string;
  stateMachineArn?: string;
  stack?: string;
  bucket?: string;
  key?: string;
}

/** An AWS call that failed, with a message a person can act on. `awsName` is the SDK error's name. */
export class AwsCallError extends CredsweepError {
  constructor(
    message: string,
    readonly awsName: string,
  ) {
    super('AwsCallError', message);
  }
}

const region = () => process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'the configured region';
const profileHint = () =>
  process.env.AWS_PROFILE ? ` --profile ${process.env.AWS_PROFILE}` : ' --profile <profile>';

const HOW_TO_CONFIGURE =
  'Configure credentials: `export AWS_PROFILE=<profile>` (a profile in ~/.aws/config) and, for IAM Identity ' +
  `Center (SSO), \`aws sso login${profileHint()}\`; or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY ` +
  '(and AWS_SESSION_TOKEN). Check with `aws sts get-caller-identity`.';

const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'AuthorizationError', 'Forbidden']);
const BAD_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
]);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired']);
const NETWORK = new Set(['ENOTFOUND', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN']);

/** From "User: arn:... is not authorized to perform: states:StartExecution on resource: arn:... because ...". */
export function deniedDetails(message: string): { action?: string; resource?: string; principal?: string } {
  const action = /not authorized to perform:?\s+([\w-]+:[\w*-]+)/i.exec(message)?.[1];
  const resource = /on resource:?\s+("?)([^\s"]+)\1/i.exec(message)?.[2];
  const principal = /User:\s+(\S+)/.exec(message)?.[1];
  return {
    ...(action ? { action } : {}),
    ...(resource ? { resource: resource.replace(/[.,]$/, '') } : {}),
    ...(principal ? { principal } : {}),
  };
}

/** Translates an SDK (or credential provider, or network) error into an AwsCallError. */
export function explainAwsError(err: unknown, ctx: AwsCallContext): Error {
  if (err instanceof CredsweepError) return err;
  if (!(err instanceof Error)) return new AwsCallError(`${ctx.action} failed: ${String(err)}`, 'Unknown');
  const name = err.name;
  const message = err.message;
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const fail = (text: string) => new AwsCallError(text, name);

  if (name === 'CredentialsProviderError' || name === 'TokenProviderError') {
    if (/sso/i.test(message)) {
      return fail(
        `the AWS SSO session is missing or has expired (${message.split('\n')[0]}). ` +
          `Run \`aws sso login${profileHint()}\` and try again.`,
      );
    }
    return fail(`no AWS credentials found: ${message.split('\n')[0]}. ${HOW_TO_CONFIGURE}`);
  }
  if (EXPIRED.has(name)) {
    return fail(
      `your AWS credentials have expired (${name}). Refresh them, e.g. \`aws sso login${profileHint()}\`, and try again.`,
    );
  }
  if (BAD_CREDENTIALS.has(name)) {
    return fail(`AWS rejected the credentials (${name}: ${message}). ${HOW_TO_CONFIGURE}`);
  }
  if (DENIED.has(name)) {
    const d = deniedDetails(message);
    const action = d.action ?? ctx.action;
    const object = ctx.bucket ? `s3://${ctx.bucket}/${ctx.key ?? ''}` : undefined;
    const resource = d.resource ?? object ?? ctx.stateMachineArn ?? ctx.stack;
    return fail(
      `access denied: AWS refused ${action}${resource ? ` on ${resource}` : ''}` +
        `${d.principal ? ` to ${d.principal}` : ''}. Ask for ${action} in your role's policy ` +
        '(docs/runbook.md lists what the credsweep command needs).',
    );
  }
  if (/region is missing/i.test(message)) {
    return fail(
      'no AWS region configured: set AWS_REGION (e.g. `export AWS_REGION=eu-west-1`) or `region` in your profile.',
    );
  }
  if (NETWORK.has(code) || name === 'TimeoutError' || name === 'RequestTimeout') {
    return fail(
      `cannot reach AWS for ${ctx.action} (${code || name}): check the network, a proxy, and the region (${region()}).`,
    );
  }
  switch (name) {
    case 'ExecutionDoesNotExist':
      return fail(
        `no execution ${JSON.stringify(ctx.execution ?? '?')}${
          ctx.stateMachineArn ? ` in state machine ${ctx.stateMachineArn}` : ''
        }. List recent runs with \`credsweep history\`.`,
      );
    case 'StateMachineDoesNotExist':
      return fail(
        `state machine ${ctx.stateMachineArn ?? '?'} does not exist in ${region()}. ` +
          'Check --state-machine, --stack and AWS_REGION.',
      );
    case 'ExecutionAlreadyExists':
      return fail(
        `an execution named ${JSON.stringify(ctx.execution ?? '?')} already exists in this state machine; choose another --name.`,
      );
    case 'InvalidExecutionInput':
    case 'InvalidName':
    case 'InvalidArn':
      return fail(`Step Functions refused ${ctx.action} (${name}): ${message}`);
    case 'ThrottlingException':
    case 'Throttling':
    case 'TooManyRequestsException':
      return fail(`AWS is throttling ${ctx.action}; wait a moment and try again.`);
    case 'NoSuchKey':
      return fail(
        `no ${ctx.key ?? 'object'} in s3://${ctx.bucket ?? '?'}: the Report task writes the evidence when the run ends ` +
          '(see `credsweep status`).',
      );
    case 'NoSuchBucket':
      return fail(
        `bucket ${ctx.bucket ?? '?'} does not exist: check --bucket or the stack's BucketName output.`,
      );
    case 'ValidationError':
      if (ctx.stack && /does not exist/i.test(message)) {
        return fail(
          `no CloudFormation stack ${JSON.stringify(ctx.stack)} in ${region()}. Deploy it (docs/deploy.md), ` +
            'name it with --stack NAME, or pass --state-machine ARN.',
        );
      }
      return fail(`${ctx.action} failed: ${message}`);
  }
  return fail(`${ctx.action} failed: ${name}: ${message}`);
}

/** Runs one AWS call and explains its failure. */
export async function aws<T>(ctx: AwsCallContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw explainAwsError(err, ctx);
  }
}
