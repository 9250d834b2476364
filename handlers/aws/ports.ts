/**
 * The AWS implementation of `Ports`, built once per container from the Lambda environment.
 *
 * Environment variables (set by the CDK stack on every function; validated here with zod, and a
 * bad or missing one fails the first invocation with a message listing each problem):
 *
 * | variable                  | required | default              | meaning                                              |
 * |---------------------------|----------|----------------------|------------------------------------------------------|
 * | TABLE_NAME                | yes      |                      | DynamoDB table (pk, sk strings; TTL attribute `ttl`) |
 * | BUCKET_NAME               | yes      |                      | S3 bucket for plans, batches and evidence            |
 * | SIGNING_KEY_SECRET_ARN    | yes      |                      | Secrets Manager ARN of the approval-link signing key |
 * | PASSWORD_SECRET_PREFIX    | no       | `credsweep/restored/`| name prefix of restored-password secrets (Settings) |
 * | ACCOUNT_ID                | yes      |                      | the 12-digit account being swept                     |
 * | APPROVER_EMAILS           | yes      |                      | comma-separated approver addresses (at least one)    |
 * | SENDER_EMAIL              | yes      |                      | SES-verified From address                            |
 * | APPROVAL_BASE_URL         | yes      |                      | https base URL of the approval API (no trailing `/`) |
 * | APPROVAL_TIMEOUT_SECONDS  | yes      |                      | approval window, whole seconds >= 1                  |
 * | THRESHOLD_DAYS            | no       | 30                   | days unused before a credential is stale             |
 * | MAX_CREDENTIALS           | no       | 50                   | blast-radius limit per run                           |
 * | BATCH_SIZE                | no       | 25                   | plan items per Map iteration                         |
 * | EXEMPT_USERS              | no       | (none)               | comma-separated user names never touched             |
 * | EXEMPT_TAG_KEY            | no       | `credsweep:exempt`   | tag key that exempts a user (`true` or a day)        |
 * | WARN_DAYS                 | no       | 7                    | owners are warned this many days ahead; 0: off       |
 * | DELETE_AFTER_DAYS         | no       | `off`                | delete stage: keys deactivated this long ago          |
 * | CONSOLE_ACTION            | no       | `disable`            | `disable` or `reset` an unused console password      |
 * | OWNER_TAG_KEY             | no       | `credsweep:owner`    | tag key holding the owner's email address            |
 *
 * An empty value counts as unset. AWS_REGION (set by Lambda) is read by the SDK itself.
 */
import * as z from 'zod';
import {
  CONSOLE_ACTIONS,
  DEFAULT_BATCH_SIZE,
  DEFAULT_CONSOLE_ACTION,
  DEFAULT_EXEMPT_TAG_KEY,
  DEFAULT_MAX_CREDENTIALS,
  DEFAULT_OWNER_TAG_KEY,
  DEFAULT_THRESHOLD_DAYS,
  DEFAULT_WARN_DAYS,
  PASSWORD_SECRET_PREFIX,
} from '../core/defaults.js';
import { CredsweepError } from '../core/errors.js';
import type {
  BlobPort,
  IamPort,
  MailPort,
  Ports,
  SecretsPort,
  Settings,
  StorePort,
  TaskCallbackPort,
} from '../ports/index.js';

const blankToUndefined = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** A string variable; an absent or blank one "is required". */
const text = () =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') }).trim();

const variable = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema);

const wholeNumber = (min: number) =>
  text()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`));

const commaList = (value: string): string[] =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);

const email = z.email({ error: (issue) => `${JSON.stringify(issue.input)} is not an email address` });

export const awsEnvSchema = z.object({
  TABLE_NAME: variable(text().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name')),
  BUCKET_NAME: variable(text().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')),
  SIGNING_KEY_SECRET_ARN: variable(
    text().regex(
      /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/,
      'must be a Secrets Manager secret ARN',
    ),
  ),
  PASSWORD_SECRET_PREFIX: variable(
    text()
      .regex(/^[A-Za-z0-9/_+=.@-]+$/, 'may hold only letters, digits and /_+=.@-')
      .default(PASSWORD_SECRET_PREFIX),
  ),
  ACCOUNT_ID: variable(text().regex(/^\d{12}$/, 'must be a 12-digit AWS account id')),
  APPROVER_EMAILS: variable(
    text().transform(commaList).pipe(z.array(email).min(1, 'must name at least one address')),
  ),
  SENDER_EMAIL: variable(text().pipe(email)),
  APPROVAL_BASE_URL: variable(
    text()
      .pipe(z.url({ protocol: /^https$/, error: 'must be an https:// URL' }))
      .transform((url) => url.replace(/\/+$/, '')),
  ),
  APPROVAL_TIMEOUT_SECONDS: variable(wholeNumber(1)),
  THRESHOLD_DAYS: variable(wholeNumber(1).default(DEFAULT_THRESHOLD_DAYS)),
  MAX_CREDENTIALS: variable(wholeNumber(1).default(DEFAULT_MAX_CREDENTIALS)),
  BATCH_SIZE: variable(wholeNumber(1).default(DEFAULT_BATCH_SIZE)),
  EXEMPT_USERS: variable(text().transform(commaList).default([])),
  EXEMPT_TAG_KEY: variable(text().default(DEFAULT_EXEMPT_TAG_KEY)),
  WARN_DAYS: variable(wholeNumber(0).default(DEFAULT_WARN_DAYS)),
  DELETE_AFTER_DAYS: z.preprocess(
    (value) => (value === 'off' ? undefined : blankToUndefined(value)),
    wholeNumber(1).optional(),
  ),
  CONSOLE_ACTION: variable(
    text()
      .pipe(z.enum(CONSOLE_ACTIONS, { error: 'must be disable or reset' }))
      .default(DEFAULT_CONSOLE_ACTION),
  ),
  OWNER_TAG_KEY: variable(text().default(DEFAULT_OWNER_TAG_KEY)),
});

export type AwsEnv = z.output<typeof awsEnvSchema>;

/** Raised when the Lambda environment does not validate; the message lists every problem. */
export class InvalidEnvironment extends Error {
  constructor(readonly problems: string[]) {
    super(`credsweep: the Lambda environment is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidEnvironment';
  }
}

/** Validates the environment; throws InvalidEnvironment naming each missing or invalid variable. */
export function parseAwsEnv(env: Record<string, string | undefined>): AwsEnv {
  const result = awsEnvSchema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const [name, ...rest] = issue.path;
    const index = rest[0];
    const where = typeof index === 'number' ? `${String(name)} (entry ${index + 1})` : String(name);
    return `${where}: ${issue.message}`;
  });
  throw new InvalidEnvironment(problems);
}

export function settingsFromEnv(env: AwsEnv): Settings {
  return {
    accountId: env.ACCOUNT_ID,
    approverEmails: env.APPROVER_EMAILS,
    senderEmail: env.SENDER_EMAIL,
    approvalBaseUrl: env.APPROVAL_BASE_URL,
    approvalTimeoutSeconds: env.APPROVAL_TIMEOUT_SECONDS,
    thresholdDays: env.THRESHOLD_DAYS,
    maxCredentials: env.MAX_CREDENTIALS,
    batchSize: env.BATCH_SIZE,
    exemptUsers: env.EXEMPT_USERS,
    exemptTagKey: env.EXEMPT_TAG_KEY,
    warnDays: env.WARN_DAYS,
    deleteAfterDays: env.DELETE_AFTER_DAYS ?? null,
    consoleAction: env.CONSOLE_ACTION,
    ownerTagKey: env.OWNER_TAG_KEY,
    passwordSecretPrefix: env.PASSWORD_SECRET_PREFIX,
  };
}

/**
 * How a Lambda builds each port it uses. Each function names only its own ports (see its entry file
 * in handlers/), so its bundle carries only those SDK clients, the way its role carries only those
 * permissions; a port it was not given fails loudly if anything tries to use it.
 */
export interface PortFactories {
  iam?: (env: AwsEnv) => IamPort;
  store?: (env: AwsEnv) => StorePort;
  blobs?: (env: AwsEnv) => BlobPort;
  mail?: (env: AwsEnv) => MailPort;
  secrets?: (env: AwsEnv) => SecretsPort;
  callbacks?: (env: AwsEnv) => TaskCallbackPort;
}

/** A port this function was not given: any use is a deployment bug, named as such. */
function unavailable<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get(_target, prop) {
      if (prop === 'then') return undefined;
      return () => {
        throw new CredsweepError(
          'PortNotAvailable',
          `this Lambda function was built without the ${name} port (called ${name}.${String(prop)})`,
        );
      };
    },
  });
}

/** Ports for a validated environment, from the factories this function uses. */
export function buildAwsPorts(env: AwsEnv, factories: PortFactories): Ports {
  return {
    iam: factories.iam?.(env) ?? unavailable<IamPort>('iam'),
    store: factories.store?.(env) ?? unavailable<StorePort>('store'),
    blobs: factories.blobs?.(env) ?? unavailable<BlobPort>('blobs'),
    mail: factories.mail?.(env) ?? unavailable<MailPort>('mail'),
    secrets: factories.secrets?.(env) ?? unavailable<SecretsPort>('secrets'),
    callbacks: factories.callbacks?.(env) ?? unavailable<TaskCallbackPort>('callbacks'),
    settings: settingsFromEnv(env),
    now: () => new Date(),
  };
}

let ports: Ports | undefined;

/**
 * The ports of this container, built on first call from `process.env` and reused afterwards (one
 * Lambda function, one set of factories). An invalid environment throws on every call (nothing is
 * cached), so the error stays visible.
 */
export function awsPorts(factories: PortFactories): Ports {
  ports ??= buildAwsPorts(parseAwsEnv(process.env), factories);
  return ports;
}
