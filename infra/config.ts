/**
 * The deployment's configuration, read from CDK context and validated with zod.
 *
 * Every key can be passed on the command line (`npx cdk deploy -c approverEmails=a@x.com,b@x.com`)
 * or set in the `context` block of cdk.json. Command-line values arrive as strings, cdk.json values
 * as JSON, so numbers may be given as `30` or `"30"` and lists as a JSON array or a comma-separated
 * string. A missing or invalid key fails synthesis with one line per problem, each naming its key.
 *
 * | key                   | default            | meaning                                                        |
 * |-----------------------|--------------------|----------------------------------------------------------------|
 * | approverEmails        | (required)         | who is asked to approve each run (list)                        |
 * | senderEmail           | (required)         | SES-verified From address of approval and report mail          |
 * | thresholdDays         | 30                 | days unused before a credential is stale                       |
 * | approvalTimeoutHours  | 72                 | approval window; no decision by then ends the run unchanged    |
 * | approvalsRequired     | 1                  | approvals from different people a run needs; only what all of them ticked changes |
 * | deleteApprovalsRequired | 2                | approvals from different people a plan that deletes anything needs |
 * | maxCredentials        | 50                 | blast-radius guard: a larger plan fails before approval        |
 *   (maxCredentials and batchSize together must fit Step Functions' quotas: handlers/core/shared/quotas.ts)
 * | batchSize             | 25                 | plan items per Map iteration                                   |
 * | mapMaxConcurrency     | 2                  | batches changed in parallel (IAM's write rate is low)          |
 * | schedule              | off                | EventBridge Scheduler `rate(...)` or `cron(...)` for periodic runs |
 * | exemptUsers           | (none)             | IAM user names never touched (list)                            |
 * | exemptTagKey          | credsweep:exempt   | users tagged `<key>=true` (IAM also denies) or `=YYYY-MM-DD` (through that day) are never touched |
 * | warnDays              | 7                  | owners (tag ownerTagKey) are warned this many days before a disable; 0: off |
 * | ownerTagKey           | credsweep:owner    | the tag holding the email address of a user's owner            |
 * | ownerDomains          | approvers' and sender's domains | owners are mailed only at addresses in these domains (list) |
 * | deleteAfterDays       | off                | delete keys credsweep deactivated this many days ago (approved, irreversible) |
 * | consoleAction         | disable            | `disable` (delete the login profile) or `reset` (new password, reset required) |
 * | logRetentionDays      | 365                | retention of every log group and of the S3 access logs         |
 * | alarmEmail            | (none)             | subscribed to the failed-run alarm topic when set              |
 * | securityHubAutoStart  | false              | new failing IAM.8/IAM.22 findings start runs on their own, a burst gathered into one run |
 * | securityHubActions    | false              | the Security Hub custom action "Disable w/ credsweep" (needs Security Hub enabled) |
 * | organization          | false              | also deploy the organization workflow and the member role StackSet |
 * | organizationId        | (required with organization) | `o-…`: the member role trusts only principals of it   |
 * | memberOus             | (none: the root)   | OUs the StackSet deploys the member role to (list)             |
 * | organizationRootId    | (required without memberOus) | `r-…`: the StackSet's target when no OU is named       |
 * | delegatedAdmin        | false              | the hub is a CloudFormation delegated administrator, not the management account |
 * | maxCredentialsTotal   | 500                | blast-radius guard of an organization run, all accounts        |
 * | securityHubAdministrator | false           | the hub is the organization's Security Hub administrator: members' findings are updated through it, no member findings role |
 */
import { z } from 'zod';
import {
  CONSOLE_ACTIONS,
  type ConsoleAction,
  DEFAULT_APPROVALS_REQUIRED,
  DEFAULT_BATCH_SIZE,
  DEFAULT_CONSOLE_ACTION,
  DEFAULT_DELETE_APPROVALS_REQUIRED,
  DEFAULT_EXEMPT_TAG_KEY,
  DEFAULT_MAX_CREDENTIALS,
  DEFAULT_MAX_CREDENTIALS_TOTAL,
  DEFAULT_OWNER_TAG_KEY,
  DEFAULT_THRESHOLD_DAYS,
  DEFAULT_WARN_DAYS,
  MAX_APPROVALS_REQUIRED,
} from '../handlers/core/shared/defaults.js';
import { MAX_PLAN_CREDENTIALS, quotaProblem } from '../handlers/core/shared/quotas.js';
import type { CredsweepProps } from './props.js';

/** The validated configuration the stack is built from. */
export interface CredsweepConfig {
  readonly approverEmails: string[];
  readonly senderEmail: string;
  readonly thresholdDays: number;
  readonly approvalTimeoutHours: number;
  /** Approvals from different people a run needs (the quorum). */
  readonly approvalsRequired: number;
  /** Approvals from different people a plan that deletes anything needs. */
  readonly deleteApprovalsRequired: number;
  readonly maxCredentials: number;
  readonly batchSize: number;
  readonly mapMaxConcurrency: number;
  /** An EventBridge Scheduler expression, or null when periodic runs are off. */
  readonly schedule: string | null;
  readonly exemptUsers: string[];
  readonly exemptTagKey: string;
  readonly warnDays: number;
  readonly ownerTagKey: string;
  /** Owner addresses are mailed only in these domains; empty: the domains of approverEmails and senderEmail. */
  readonly ownerDomains: string[];
  /** Days after credsweep deactivated a key before it is proposed for deletion; null: never. */
  readonly deleteAfterDays: number | null;
  readonly consoleAction: ConsoleAction;
  readonly logRetentionDays: number;
  readonly alarmEmail: string | null;
  /** New failing IAM.8 / IAM.22 Security Hub findings start runs on their own (gathered, one run per burst). */
  readonly securityHubAutoStart: boolean;
  /** The custom action "Disable w/ credsweep"; creating it fails where Security Hub is not enabled. */
  readonly securityHubActions: boolean;
  /** null: single-account deployment (as before). */
  readonly organization: OrganizationConfig | null;
}

export interface OrganizationConfig {
  readonly organizationId: string;
  /** OU ids the member role is deployed to; empty: the root (every account). */
  readonly memberOus: string[];
  readonly rootId: string | null;
  readonly delegatedAdmin: boolean;
  readonly maxCredentialsTotal: number;
  /**
   * The hub is the organization's Security Hub (delegated) administrator: each member account's
   * findings are read and updated through the hub's own Security Hub, and the StackSet deploys no
   * member findings role. Otherwise each account's findings are reached through that role.
   */
  readonly securityHubAdministrator: boolean;
}

/** The CDK context keys credsweep reads, in documentation order. */
export const CONFIG_KEYS = [
  'approverEmails',
  'senderEmail',
  'thresholdDays',
  'approvalTimeoutHours',
  'approvalsRequired',
  'deleteApprovalsRequired',
  'maxCredentials',
  'batchSize',
  'mapMaxConcurrency',
  'schedule',
  'exemptUsers',
  'exemptTagKey',
  'warnDays',
  'ownerTagKey',
  'ownerDomains',
  'deleteAfterDays',
  'consoleAction',
  'logRetentionDays',
  'alarmEmail',
  'securityHubAutoStart',
  'securityHubActions',
  'organization',
  'organizationId',
  'memberOus',
  'organizationRootId',
  'delegatedAdmin',
  'maxCredentialsTotal',
  'securityHubAdministrator',
] as const;

export type ConfigKey = (typeof CONFIG_KEYS)[number];

/** The retention periods CloudWatch Logs accepts (days), without "never expire". */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Raised when the context does not validate; `problems` has one line per problem, each naming its key. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      [
        'Invalid credsweep configuration (CDK context):',
        ...problems.map((p) => `  - ${p}`),
        'Pass a key with `npx cdk <command> -c key=value` or set it in the "context" block of cdk.json; docs/deploy.md lists every key.',
      ].join('\n'),
    );
    this.name = 'ConfigError';
  }
}

const isBlank = (value: unknown) =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

const shown = (value: unknown) => JSON.stringify(value) ?? String(value);

/** Splits "a, b,c" (or takes a JSON array as is); blank entries are dropped. */
function toList(value: unknown): unknown {
  if (isBlank(value)) return undefined;
  if (typeof value === 'string') {
    return value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.length > 0);
  }
  return value;
}

function toNumber(value: unknown): unknown {
  if (isBlank(value)) return undefined;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value);
  return value;
}

const toText = (value: unknown): unknown => (isBlank(value) ? undefined : value);

const emailPattern = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;

const required = (key: ConfigKey, how: string) => `${key} is required: ${how}`;

function email(key: ConfigKey, how: string) {
  return z.preprocess(
    toText,
    z
      .string({
        error: (issue) => (issue.input === undefined ? required(key, how) : `${key} must be a string`),
      })
      .trim()
      .regex(emailPattern, { error: (issue) => `${key} ${shown(issue.input)} is not an email address` }),
  );
}

function emailList(key: ConfigKey, how: string) {
  return z.preprocess(
    toList,
    z
      .array(
        z.string({ error: (issue) => `${key} entries must be strings (got ${shown(issue.input)})` }).trim(),
        {
          error: (issue) =>
            issue.input === undefined
              ? required(key, how)
              : `${key} must be a list or a comma-separated string`,
        },
      )
      .min(1, { error: required(key, how) })
      .superRefine((list, ctx) => {
        for (const [index, entry] of list.entries()) {
          if (!emailPattern.test(entry)) {
            ctx.addIssue({
              code: 'custom',
              message: `${key} entry ${index + 1} ${shown(entry)} is not an email address`,
            });
          }
        }
      }),
  );
}

function wholeNumber(key: ConfigKey, fallback: number, min: number, max: number) {
  const message = (input: unknown) =>
    `${key} must be a whole number from ${min} to ${max} (got ${shown(input)})`;
  return z.preprocess(
    toNumber,
    z
      .number({ error: (issue) => message(issue.input) })
      .int({ error: (issue) => message(issue.input) })
      .min(min, { error: (issue) => message(issue.input) })
      .max(max, { error: (issue) => message(issue.input) })
      .default(fallback),
  );
}

const ratePattern = /^rate\(\s*[1-9]\d*\s+(minute|minutes|hour|hours|day|days)\s*\)$/;
const cronPattern = /^cron\(\s*\S+(\s+\S+){5}\s*\)$/;

const scheduleSchema = z.preprocess(
  toText,
  z
    .string({ error: (issue) => `schedule must be a string (got ${shown(issue.input)})` })
    .trim()
    .default('off')
    .refine((value) => value === 'off' || ratePattern.test(value) || cronPattern.test(value), {
      error: (issue) =>
        `schedule must be "off", an EventBridge Scheduler rate such as "rate(7 days)", or a six-field cron such as "cron(0 6 ? * MON *)" (got ${shown(issue.input)})`,
    })
    .transform((value) => (value === 'off' ? null : value)),
);

const iamUserName = /^[\w+=,.@-]{1,64}$/;

const exemptUsersSchema = z.preprocess(
  toList,
  z
    .array(
      z.string({ error: (issue) => `exemptUsers entries must be strings (got ${shown(issue.input)})` }),
      {
        error: 'exemptUsers must be a list or a comma-separated string of IAM user names',
      },
    )
    .default([])
    .superRefine((list, ctx) => {
      for (const [index, entry] of list.entries()) {
        if (!iamUserName.test(entry)) {
          ctx.addIssue({
            code: 'custom',
            message: `exemptUsers entry ${index + 1} ${shown(entry)} is not an IAM user name`,
          });
        }
      }
    }),
);

const domainName =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

const ownerDomainsSchema = z.preprocess(
  toList,
  z
    .array(z.string({ error: 'ownerDomains entries must be strings' }), {
      error: 'ownerDomains must be a list or a comma-separated string of domain names',
    })
    .default([])
    .superRefine((list, ctx) => {
      for (const [index, entry] of list.entries()) {
        if (!domainName.test(entry.toLowerCase())) {
          ctx.addIssue({
            code: 'custom',
            message: `ownerDomains entry ${index + 1} ${shown(entry)} is not a domain name (e.g. example.com)`,
          });
        }
      }
    }),
);

function tagKey(key: ConfigKey, fallback: string) {
  return z.preprocess(
    toText,
    z
      .string({ error: (issue) => `${key} must be a string (got ${shown(issue.input)})` })
      .trim()
      .regex(/^[\p{L}\p{Z}\p{N}_.:/=+@-]{1,128}$/u, {
        error: (issue) => `${key} ${shown(issue.input)} is not an IAM tag key`,
      })
      .default(fallback),
  );
}

const deleteAfterDaysSchema = z.preprocess(
  (value) => (isBlank(value) || value === 'off' ? undefined : toNumber(value)),
  z
    .number({
      error: (issue) =>
        `deleteAfterDays must be "off" or a whole number from 1 to 3650 (got ${shown(issue.input)})`,
    })
    .int({ error: (issue) => `deleteAfterDays must be a whole number (got ${shown(issue.input)})` })
    .min(1, {
      error: (issue) => `deleteAfterDays must be "off" or from 1 to 3650 (got ${shown(issue.input)})`,
    })
    .max(3650, { error: (issue) => `deleteAfterDays must be from 1 to 3650 (got ${shown(issue.input)})` })
    .optional()
    .transform((value) => value ?? null),
);

const consoleActionSchema = z.preprocess(
  toText,
  z
    .enum(CONSOLE_ACTIONS, {
      error: (issue) => `consoleAction must be "disable" or "reset" (got ${shown(issue.input)})`,
    })
    .default(DEFAULT_CONSOLE_ACTION),
);

const logRetentionSchema = z.preprocess(
  toNumber,
  z
    .number({ error: (issue) => `logRetentionDays must be a number (got ${shown(issue.input)})` })
    .default(365)
    .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
      error: (issue) =>
        `logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(', ')} (got ${shown(issue.input)})`,
    }),
);

const configSchema = z
  .object({
    approverEmails: emailList(
      'approverEmails',
      'pass -c approverEmails=a@x.com (comma-separated for several approvers)',
    ),
    senderEmail: email(
      'senderEmail',
      'pass -c senderEmail=credsweep@x.com (an address or domain verified in SES)',
    ),
    thresholdDays: wholeNumber('thresholdDays', DEFAULT_THRESHOLD_DAYS, 1, 3650),
    approvalTimeoutHours: wholeNumber('approvalTimeoutHours', 72, 1, 720),
    approvalsRequired: wholeNumber(
      'approvalsRequired',
      DEFAULT_APPROVALS_REQUIRED,
      1,
      MAX_APPROVALS_REQUIRED,
    ),
    deleteApprovalsRequired: wholeNumber(
      'deleteApprovalsRequired',
      DEFAULT_DELETE_APPROVALS_REQUIRED,
      1,
      MAX_APPROVALS_REQUIRED,
    ),
    maxCredentials: wholeNumber('maxCredentials', DEFAULT_MAX_CREDENTIALS, 1, MAX_PLAN_CREDENTIALS),
    batchSize: wholeNumber('batchSize', DEFAULT_BATCH_SIZE, 1, 100),
    mapMaxConcurrency: wholeNumber('mapMaxConcurrency', 2, 1, 10),
    schedule: scheduleSchema,
    exemptUsers: exemptUsersSchema,
    exemptTagKey: tagKey('exemptTagKey', DEFAULT_EXEMPT_TAG_KEY),
    warnDays: wholeNumber('warnDays', DEFAULT_WARN_DAYS, 0, 365),
    ownerTagKey: tagKey('ownerTagKey', DEFAULT_OWNER_TAG_KEY),
    ownerDomains: ownerDomainsSchema,
    deleteAfterDays: deleteAfterDaysSchema,
    consoleAction: consoleActionSchema,
    logRetentionDays: logRetentionSchema,
    alarmEmail: z
      .preprocess(
        toText,
        z
          .string({ error: (issue) => `alarmEmail must be a string (got ${shown(issue.input)})` })
          .trim()
          .regex(emailPattern, {
            error: (issue) => `alarmEmail ${shown(issue.input)} is not an email address`,
          })
          .optional(),
      )
      .transform((value) => value ?? null),
    securityHubAutoStart: flag('securityHubAutoStart'),
    securityHubActions: flag('securityHubActions'),
  })
  // Step Functions' quotas bound how many batches one run can hold (handlers/core/shared/quotas.ts).
  .superRefine((config, ctx) => {
    const problem = quotaProblem(config.maxCredentials, config.batchSize);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['maxCredentials'] });
    const quorum = quorumProblem(config);
    if (quorum) ctx.addIssue({ code: 'custom', message: quorum, path: ['approvalsRequired'] });
  });

/**
 * A quorum the approvers could never reach: more approvals required than there are different
 * approvers. The delete quorum counts only when the delete stage is on (otherwise no plan deletes).
 */
function quorumProblem(config: {
  approverEmails: string[];
  approvalsRequired: number;
  deleteApprovalsRequired: number;
  deleteAfterDays: number | null;
}): string | null {
  const people = new Set(config.approverEmails.map((a) => a.toLowerCase())).size;
  const deletes = config.deleteAfterDays !== null;
  const required = Math.max(config.approvalsRequired, deletes ? config.deleteApprovalsRequired : 0);
  if (required <= people) return null;
  return (
    `the approval quorum cannot be reached: approvalsRequired ${config.approvalsRequired} and deleteApprovalsRequired ${config.deleteApprovalsRequired}` +
    `${deletes ? ' (the delete stage is on: deleteAfterDays)' : ''} need ${required} different approvers, but approverEmails names ${people}; ` +
    'add approvers or lower the settings'
  );
}

/** A true/false setting (any case), false when not given. A declaration, so the schemas above may use it. */
function flag(key: ConfigKey) {
  return z.preprocess(
    (value) => (isBlank(value) ? undefined : typeof value === 'string' ? value.trim().toLowerCase() : value),
    z
      .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')], {
        error: (issue) => `${key} must be true or false (got ${shown(issue.input)})`,
      })
      .default(false),
  );
}

const organizationSchema = z
  .object({
    organization: flag('organization'),
    organizationId: z.preprocess(
      toText,
      z
        .string({ error: (issue) => `organizationId must be a string (got ${shown(issue.input)})` })
        .trim()
        .regex(/^o-[a-z0-9]{10,32}$/, {
          error: (issue) => `organizationId ${shown(issue.input)} is not an organization id (o-…)`,
        })
        .optional(),
    ),
    memberOus: z.preprocess(
      toList,
      z
        .array(
          z.string().regex(/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/, {
            error: (issue) => `memberOus entry ${shown(issue.input)} is not an OU id (ou-…)`,
          }),
          { error: 'memberOus must be a list or a comma-separated string of OU ids' },
        )
        .default([]),
    ),
    organizationRootId: z.preprocess(
      toText,
      z
        .string()
        .regex(/^r-[0-9a-z]{4,32}$/, {
          error: (issue) => `organizationRootId ${shown(issue.input)} is not a root id (r-…)`,
        })
        .optional(),
    ),
    delegatedAdmin: flag('delegatedAdmin'),
    maxCredentialsTotal: wholeNumber('maxCredentialsTotal', DEFAULT_MAX_CREDENTIALS_TOTAL, 1, 100000),
    securityHubAdministrator: flag('securityHubAdministrator'),
  })
  .superRefine((o, ctx) => {
    if (!o.organization) {
      if (o.securityHubAdministrator) {
        ctx.addIssue({
          code: 'custom',
          message:
            "securityHubAdministrator applies to organization deployments (organization=true); a single-account deployment updates its own account's findings",
        });
      }
      return;
    }
    if (!o.organizationId) {
      ctx.addIssue({
        code: 'custom',
        message:
          'organizationId is required with organization=true: pass -c organizationId=o-… (aws organizations describe-organization)',
      });
    }
    if (o.memberOus.length === 0 && !o.organizationRootId) {
      ctx.addIssue({
        code: 'custom',
        message:
          'organization=true deploys the member role to memberOus, or to the root: pass -c memberOus=ou-…,ou-… or -c organizationRootId=r-… (aws organizations list-roots)',
      });
    }
  })
  .transform((o): OrganizationConfig | null =>
    o.organization
      ? {
          organizationId: o.organizationId ?? '',
          memberOus: o.memberOus,
          rootId: o.organizationRootId ?? null,
          delegatedAdmin: o.delegatedAdmin,
          maxCredentialsTotal: o.maxCredentialsTotal,
          securityHubAdministrator: o.securityHubAdministrator,
        }
      : null,
  );

/**
 * Every setting key the two schemas read, in schema order (test/docs checks each is documented in a
 * settings table, and that CONFIG_KEYS, what the app reads from the CDK context, holds the same).
 */
export function schemaKeys(): string[] {
  return [...Object.keys(configSchema.shape), ...Object.keys(organizationSchema.in.shape)];
}

/**
 * Validates settings: raw context values (strings from `-c`, JSON from cdk.json) or the typed
 * props of the construct (infra/props.ts); throws ConfigError naming each bad key. One schema for
 * both, and the compiler checks below that the props' types are what it accepts and produces.
 */
export function parseConfig(raw: Partial<Record<ConfigKey, unknown>> | CredsweepProps): CredsweepConfig {
  const result = configSchema.safeParse(raw);
  const org = organizationSchema.safeParse(raw);
  if (result.success && org.success) return { ...result.data, organization: org.data };
  throw new ConfigError([
    ...(result.success ? [] : result.error.issues.map((issue) => issue.message)),
    ...(org.success ? [] : org.error.issues.map((issue) => issue.message)),
  ]);
}

/** Anything with CDK's `tryGetContext`, such as `app.node`. */
export interface ContextSource {
  tryGetContext(key: string): unknown;
}

/** The props of a validated configuration (what the construct takes). */
export function propsOf(config: CredsweepConfig): CredsweepProps {
  const { schedule, alarmEmail, organization, deleteAfterDays, ...rest } = config;
  return {
    ...rest,
    ...(schedule !== null ? { schedule } : {}),
    ...(deleteAfterDays !== null ? { deleteAfterDays } : {}),
    ...(alarmEmail !== null ? { alarmEmail } : {}),
    ...(organization
      ? {
          organization: true,
          organizationId: organization.organizationId,
          memberOus: organization.memberOus,
          ...(organization.rootId ? { organizationRootId: organization.rootId } : {}),
          delegatedAdmin: organization.delegatedAdmin,
          maxCredentialsTotal: organization.maxCredentialsTotal,
          securityHubAdministrator: organization.securityHubAdministrator,
        }
      : {}),
  };
}

/** The keys of an organization deployment: flat props and context keys, one nested `organization` config. */
type OrganizationKey =
  | 'organization'
  | 'organizationId'
  | 'memberOus'
  | 'organizationRootId'
  | 'delegatedAdmin'
  | 'securityHubAdministrator'
  | 'maxCredentialsTotal';

// Compile-time agreement of the props (infra/props.ts) with the schema: the same keys, and each
// prop's type is the type the schema produces for it (null standing for an absent optional prop).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const propsMatchSchema: {
  [K in Exclude<ConfigKey, OrganizationKey>]-?: Same<
    Exclude<CredsweepProps[K], undefined>,
    Exclude<CredsweepConfig[K], null>
  >;
} = {
  approverEmails: true,
  senderEmail: true,
  thresholdDays: true,
  approvalTimeoutHours: true,
  approvalsRequired: true,
  deleteApprovalsRequired: true,
  maxCredentials: true,
  batchSize: true,
  mapMaxConcurrency: true,
  schedule: true,
  exemptUsers: true,
  exemptTagKey: true,
  warnDays: true,
  ownerTagKey: true,
  ownerDomains: true,
  deleteAfterDays: true,
  consoleAction: true,
  logRetentionDays: true,
  alarmEmail: true,
  securityHubAutoStart: true,
  securityHubActions: true,
};
const propsHaveTheSchemaKeys: Same<keyof CredsweepProps, ConfigKey> = true;
// The organization props against the organization config they produce.
const organizationPropsMatch: Same<
  Required<
    Pick<
      CredsweepProps,
      'organizationId' | 'memberOus' | 'delegatedAdmin' | 'maxCredentialsTotal' | 'securityHubAdministrator'
    >
  >,
  Omit<OrganizationConfig, 'rootId'>
> = true;
void [propsMatchSchema, propsHaveTheSchemaKeys, organizationPropsMatch];

/** Reads every credsweep key from CDK context and validates it. */
export function configFromContext(source: ContextSource): CredsweepConfig {
  const raw: Partial<Record<ConfigKey, unknown>> = {};
  for (const key of CONFIG_KEYS) raw[key] = source.tryGetContext(key);
  return parseConfig(raw);
}
