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
 * | APPROVALS_REQUIRED        | no       | 1                    | approvals from different people a run needs          |
 * | DELETE_APPROVALS_REQUIRED | no       | 2                    | approvals a plan that deletes anything needs         |
 * | THRESHOLD_DAYS            | no       | 30                   | days unused before a credential is stale             |
 * | MAX_CREDENTIALS           | no       | 50                   | blast-radius limit per run                           |
 * | BATCH_SIZE                | no       | 25                   | plan items per Map iteration                         |
 * | EXEMPT_USERS              | no       | (none)               | comma-separated user names never touched             |
 * | EXEMPT_TAG_KEY            | no       | `credsweep:exempt`   | tag key that exempts a user (`true` or a day)        |
 * | WARN_DAYS                 | no       | 7                    | owners are warned this many days ahead; 0: off       |
 * | DELETE_AFTER_DAYS         | no       | `off`                | delete stage: keys deactivated this long ago          |
 * | CONSOLE_ACTION            | no       | `disable`            | `disable` or `reset` an unused console password      |
 * | OWNER_TAG_KEY             | no       | `credsweep:owner`    | tag key holding the owner's email address            |
 * | OWNER_DOMAINS             | no       | (approvers' domains) | comma-separated domains owners are mailed in          |
 * | STATE_MACHINE_ARN         | no       | (none)               | the state machine a function starts runs of (runs port) |
 * | MAX_CREDENTIALS_TOTAL     | no       | 500                  | blast-radius limit of an organization run, all accounts |
 * | MEMBER_ROLE_NAME          | no       | `credsweep-member`   | the member role assumed in each account (organizations) |
 * | STACK_NAME                | no       | (none)               | the stack; commands a mail suggests add `--stack` when not `Credsweep` |
 * | ORGANIZATION_ID           | no       | (none)               | `o-…`, organization deployments (read by `credsweep doctor`) |
 * | SECURITY_HUB_ADMINISTRATOR| no       | `false`              | `true`: the hub is the Security Hub administrator (organizations) |
 * | ORGANIZATION_STATE_MACHINE_ARN | no  | (none)               | the organization workflow a function starts runs of (runs port) |
 *
 * An empty value counts as unset. AWS_REGION (set by Lambda) is read by the SDK itself.
 */
import * as z from 'zod';
import {
  CONSOLE_ACTIONS,
  DEFAULT_APPROVALS_REQUIRED,
  DEFAULT_BATCH_SIZE,
  DEFAULT_CONSOLE_ACTION,
  DEFAULT_DELETE_APPROVALS_REQUIRED,
  DEFAULT_EXEMPT_TAG_KEY,
  DEFAULT_MAX_CREDENTIALS,
  DEFAULT_MAX_CREDENTIALS_TOTAL,
  DEFAULT_MEMBER_ROLE_NAME,
  DEFAULT_OWNER_TAG_KEY,
  DEFAULT_STACK_NAME,
  DEFAULT_THRESHOLD_DAYS,
  DEFAULT_WARN_DAYS,
  MAX_APPROVALS_REQUIRED,
  PASSWORD_SECRET_PREFIX,
} from '../core/shared/defaults.js';
import { CredsweepError } from '../core/shared/errors.js';
import type {
  AccountAccessPort,
  BlobPort,
  IamPort,
  MailPort,
  OrganizationsPort,
  Ports,
  RunStarterPort,
  SecretsPort,
  SecurityHubPort,
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

const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  text()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

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
  APPROVALS_REQUIRED: variable(wholeNumber(1, MAX_APPROVALS_REQUIRED).default(DEFAULT_APPROVALS_REQUIRED)),
  DELETE_APPROVALS_REQUIRED: variable(
    wholeNumber(1, MAX_APPROVALS_REQUIRED).default(DEFAULT_DELETE_APPROVALS_REQUIRED),
  ),
  THRESHOLD_DAYS: variable(wholeNumber(1).default(DEFAULT_THRESHOLD_DAYS)),
  MAX_CREDENTIALS: variable(wholeNumber(1).default(DEFAULT_MAX_CREDENTIALS)),
  BATCH_SIZE: variable(wholeNumber(1).default(DEFAULT_BATCH_SIZE)),
  EXEMPT_USERS: variable(text().transform(commaList).default([])),
  EXEMPT_TAG_KEY: variable(text().default(DEFAULT_EXEMPT_TAG_KEY)),
  STATE_MACHINE_ARN: variable(
    text()
      .regex(
        /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:.+$/,
        'must be a Step Functions state machine ARN',
      )
      .optional(),
  ),
  MAX_CREDENTIALS_TOTAL: variable(wholeNumber(1).default(DEFAULT_MAX_CREDENTIALS_TOTAL)),
  MEMBER_ROLE_NAME: variable(
    text()
      .regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name')
      .default(DEFAULT_MEMBER_ROLE_NAME),
  ),
  STACK_NAME: variable(
    text()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'must be a CloudFormation stack name')
      .optional(),
  ),
  ORGANIZATION_ID: variable(
    text()
      .regex(/^o-[a-z0-9]{10,32}$/, 'must be an organization id (o-…)')
      .optional(),
  ),
  SECURITY_HUB_ADMINISTRATOR: variable(
    text()
      .pipe(z.enum(['true', 'false'], { error: 'must be true or false' }))
      .transform((v) => v === 'true')
      .default(false),
  ),
  ORGANIZATION_STATE_MACHINE_ARN: variable(
    text()
      .regex(
        /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:.+$/,
        'must be a Step Functions state machine ARN',
      )
      .optional(),
  ),
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
  OWNER_DOMAINS: variable(text().transform(commaList).default([])),
});

export type AwsEnv = z.output<typeof awsEnvSchema>;

/** The variables only an organization deployment sets (the others have their defaults without them). */
export const ORGANIZATION_ENV = [
  'MAX_CREDENTIALS_TOTAL',
  'MEMBER_ROLE_NAME',
  'ORGANIZATION_ID',
  'SECURITY_HUB_ADMINISTRATOR',
  'ORGANIZATION_STATE_MACHINE_ARN',
] as const;

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
    approvalsRequired: env.APPROVALS_REQUIRED,
    deleteApprovalsRequired: env.DELETE_APPROVALS_REQUIRED,
    thresholdDays: env.THRESHOLD_DAYS,
    maxCredentials: env.MAX_CREDENTIALS,
    maxCredentialsTotal: env.MAX_CREDENTIALS_TOTAL,
    batchSize: env.BATCH_SIZE,
    exemptUsers: env.EXEMPT_USERS,
    exemptTagKey: env.EXEMPT_TAG_KEY,
    warnDays: env.WARN_DAYS,
    deleteAfterDays: env.DELETE_AFTER_DAYS ?? null,
    consoleAction: env.CONSOLE_ACTION,
    ownerTagKey: env.OWNER_TAG_KEY,
    ownerDomains: env.OWNER_DOMAINS,
    passwordSecretPrefix: env.PASSWORD_SECRET_PREFIX,
    securityHubAdministrator: env.SECURITY_HUB_ADMINISTRATOR,
    evidenceLocation: `s3://${env.BUCKET_NAME}/`,
    // The CLI finds a stack named otherwise only with --stack (cli/aws/target.ts).
    commandOptions:
      env.STACK_NAME && env.STACK_NAME !== DEFAULT_STACK_NAME ? `--stack ${env.STACK_NAME}` : '',
  };
}

/**
 * An AWS adapter, loaded on its first call (handlers/aws/adapters.ts): `load` imports its module
 * and gives the factory that builds the port from the environment.
 */
export interface Adapter<P> {
  readonly load: () => Promise<(env: AwsEnv) => P>;
}

/** One port a function uses: its adapter, and which of its methods the function calls. */
export interface PortUse<P> {
  readonly adapter: Adapter<P>;
  readonly methods: readonly (keyof P & string)[];
}

/** The methods of P that return a promise: only those can wait for their adapter to load. */
type AsyncMethods<P> = {
  [K in keyof P]: P[K] extends (...args: never[]) => Promise<unknown> ? K : never;
}[keyof P] &
  string;

/**
 * Declares that a function calls `methods` of the port that `adapter` builds, e.g.
 * `use(iamAdapter, 'getUser', 'listAccessKeys')`. The stack grants the function exactly the
 * permissions the adapter declares for those methods (handlers/aws/permissions.ts), and the port
 * refuses any other method, so an undeclared call fails in every test instead of in AWS.
 */
export function use<P>(adapter: Adapter<P>, ...methods: AsyncMethods<P>[]): PortUse<P> {
  return { adapter, methods };
}

/** The blob port as a function uses it: `absentKeys` when its code reads keys that may not exist. */
export interface BlobsUse extends PortUse<BlobPort> {
  /**
   * Its code reads keys that may be absent and takes NoSuchKey for an answer (a run name never
   * used, evidence not written yet): S3 answers NoSuchKey only to a role that may list the bucket.
   */
  readonly absentKeys?: true;
}

/**
 * Declares that the function's `get`s include keys that may be absent (NoSuchKey is an answer its
 * code expects): its role is granted s3:ListBucket on the bucket besides s3:GetObject.
 */
export function readsAbsentKeys(blobs: PortUse<BlobPort>): BlobsUse {
  return { ...blobs, absentKeys: true };
}

/**
 * What one Lambda function does to AWS, port by port (each entry in handlers/ exports its own as
 * `AWS`). A function names only its own ports, so its bundle carries only those SDK clients, the
 * way its role carries only those permissions.
 */
export interface FunctionAws {
  iam?: PortUse<IamPort>;
  store?: PortUse<StorePort>;
  blobs?: BlobsUse;
  mail?: PortUse<MailPort>;
  secrets?: PortUse<SecretsPort>;
  callbacks?: PortUse<TaskCallbackPort>;
  securityHub?: PortUse<SecurityHubPort>;
  runs?: PortUse<RunStarterPort>;
  organizations?: PortUse<OrganizationsPort>;
  /** Member accounts' IAM: the `iam` methods above, called through the member role (organizations). */
  accounts?: PortUse<AccountAccessPort>;
}

export type PortName = keyof FunctionAws;

export const PORT_NAMES = [
  'iam',
  'store',
  'blobs',
  'mail',
  'secrets',
  'callbacks',
  'securityHub',
  'runs',
  'organizations',
  'accounts',
] as const satisfies readonly PortName[];

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

/** `port` answering only the declared `methods`; any other method throws PortNotAvailable. */
function restricted<T extends object>(port: T, name: string, methods: readonly string[]): T {
  return new Proxy(port, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string' || methods.includes(prop)) {
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return () => {
        throw new CredsweepError(
          'PortNotAvailable',
          `this Lambda function does not declare ${name}.${prop}, so its role does not allow it: add it to the AWS declaration of its entry in handlers/`,
        );
      };
    },
  });
}

/**
 * The member accounts' IAM cut down to the `iam` methods `aws` declares, their Security Hub to the
 * `securityHub` ones: the member roles allow exactly the actions of those methods
 * (infra/member-role.ts), so any other one fails here too.
 */
function accountsPort(accounts: AccountAccessPort, aws: FunctionAws): AccountAccessPort {
  const iam = aws.iam?.methods ?? [];
  const hub = aws.securityHub?.methods ?? [];
  return {
    iamFor: async (accountId) => restricted(await accounts.iamFor(accountId), 'iam', iam),
    securityHubFor: async (accountId) =>
      restricted(await accounts.securityHubFor(accountId), 'securityHub', hub),
  };
}

/**
 * `ports` cut down to what `aws` declares: undeclared ports and methods throw PortNotAvailable.
 * The local engine runs every handler through this, so the local and end-to-end tests prove that
 * each function declares every call it makes.
 */
export function restrictPorts(ports: Ports, aws: FunctionAws): Ports {
  const pick = <K extends PortName>(name: K): Ports[K] => {
    const declared = aws[name];
    return declared ? restricted(ports[name], name, declared.methods) : unavailable<Ports[K]>(name);
  };
  return {
    ...ports,
    iam: pick('iam'),
    store: pick('store'),
    blobs: pick('blobs'),
    mail: pick('mail'),
    secrets: pick('secrets'),
    callbacks: pick('callbacks'),
    securityHub: pick('securityHub'),
    runs: pick('runs'),
    organizations: pick('organizations'),
    accounts: accountsPort(pick('accounts'), aws),
  };
}

/**
 * The port `adapter` builds for `env`, without loading it: its module is imported and the port
 * built on the first method call, which then waits for it (every port method is async).
 */
function loadedOnFirstCall<T extends object>(adapter: Adapter<T>, env: AwsEnv): T {
  let port: Promise<T> | undefined;
  return new Proxy({} as T, {
    get(_target, prop) {
      if (prop === 'then' || typeof prop !== 'string') return undefined;
      return async (...args: unknown[]) => {
        port ??= adapter.load().then((build) => build(env));
        const method = Reflect.get(await port, prop) as (...a: unknown[]) => Promise<unknown>;
        return method.apply(await port, args);
      };
    },
  });
}

/**
 * Ports for a validated environment: the AWS adapters `aws` declares, restricted to its methods,
 * each loaded on its first call.
 */
export function buildAwsPorts(env: AwsEnv, aws: FunctionAws): Ports {
  const build = <K extends PortName>(name: K): Ports[K] => {
    const declared = aws[name] as PortUse<Ports[K]> | undefined;
    return declared
      ? restricted(loadedOnFirstCall(declared.adapter, env), name, declared.methods)
      : unavailable<Ports[K]>(name);
  };
  return {
    iam: build('iam'),
    store: build('store'),
    blobs: build('blobs'),
    mail: build('mail'),
    secrets: build('secrets'),
    callbacks: build('callbacks'),
    securityHub: build('securityHub'),
    runs: build('runs'),
    organizations: build('organizations'),
    accounts: accountsPort(build('accounts'), aws),
    settings: settingsFromEnv(env),
    now: () => new Date(),
  };
}

let ports: Ports | undefined;

/**
 * The ports of this container, built on first call from `process.env` and reused afterwards (one
 * Lambda function, one declaration). An invalid environment throws on every call (nothing is
 * cached), so the error stays visible.
 */
export function awsPorts(aws: FunctionAws): Ports {
  ports ??= buildAwsPorts(parseAwsEnv(process.env), aws);
  return ports;
}
