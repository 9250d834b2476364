/**
 * The Lambda functions: what each is (description, timeout, memory) and the one environment they
 * all share. Their entry files and what each does to AWS come from handlers/aws/permissions.ts;
 * grants.ts turns the latter into their role policies.
 */
import { Aws, Duration } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import {
  type DeploymentKind,
  deployedFunctionIds,
  FUNCTIONS,
  type FunctionId,
  functionGrants,
} from '../../handlers/aws/permissions.js';
import { PASSWORD_SECRET_PREFIX } from '../../handlers/core/shared/defaults.js';
import type { CredsweepConfig } from '../config.js';
import type { ApprovalApi } from '../constructs/approval-api.js';
import { CredsweepFunction } from '../constructs/credsweep-function.js';
import { MEMBER_ROLE_NAME } from '../member-role.js';
import type { Data } from './data.js';

interface FunctionSpec {
  description: string;
  /** Below the TimeoutSeconds of every state that invokes the function. */
  timeout: Duration;
  memorySize?: number;
}

/**
 * The eleven functions. The construct id is the substitution name without `FunctionArn`
 * (`GenerateReport` -> `${GenerateReportFunctionArn}`), so logical ids read `GenerateReportFunction...`.
 * Their entry files and what each does to AWS come from handlers/aws/permissions.ts.
 */
const FUNCTION_SPECS: Record<FunctionId, FunctionSpec> = {
  GenerateReport: {
    description: 'Starts or polls the IAM credential report.',
    timeout: Duration.seconds(50),
  },
  Analyze: {
    description: 'Applies the staleness policy to the credential report and stores the plan.',
    timeout: Duration.seconds(280),
    memorySize: 1024,
  },
  RequestApproval: {
    description: 'Records the approval request and mails each approver a single-use link.',
    timeout: Duration.seconds(60),
  },
  DisableConsole: {
    description: 'Deletes approved stale console passwords (login profiles), ledger first.',
    timeout: Duration.seconds(280),
  },
  DeactivateKeys: {
    description: 'Deactivates approved stale access keys, ledger first.',
    timeout: Duration.seconds(280),
  },
  DeleteKeys: {
    description: 'The delete stage: deletes approved keys credsweep deactivated long ago, ledger first.',
    timeout: Duration.seconds(280),
  },
  Verify: {
    description: 'Reads live IAM state for every change in the ledger.',
    timeout: Duration.seconds(280),
  },
  Backout: {
    description: 'Restores exactly what the ledger says this run changed.',
    timeout: Duration.seconds(880),
  },
  Report: {
    description: 'Writes the evidence report and mails the summary.',
    timeout: Duration.seconds(100),
    memorySize: 512,
  },
  ApprovalApi: {
    description: 'The approval page (GET) and decision (POST) behind API Gateway.',
    timeout: Duration.seconds(20),
  },
  SecurityHubStart: {
    description:
      'Starts a credsweep run for the IAM users of Security Hub findings (custom action, auto-start).',
    timeout: Duration.seconds(30),
  },
  // Organization deployments only.
  ListAccounts: {
    description: 'Lists the accounts of the organization (or of named OUs) for an organization run.',
    timeout: Duration.seconds(280),
  },
  OrgPlan: {
    description: 'Builds the one plan of an organization run; its blast-radius guard.',
    timeout: Duration.seconds(880),
    memorySize: 1024,
  },
  AccountPlan: {
    description: 'Reads the batch references of one account of an organization run.',
    timeout: Duration.seconds(50),
  },
  OrgReport: {
    description: 'Writes the evidence of every account and the organization summary; mails it.',
    timeout: Duration.seconds(880),
    memorySize: 1024,
  },
};

/** Functions the workflow does not invoke, made once the state machine exists (they name it). */
const AFTER_STATE_MACHINE: readonly FunctionId[] = ['SecurityHubStart'];

/** The functions of a deployment, made and to be made. */
export interface Functions {
  /** The functions made so far, by id (the construct's `functions`; `add` adds to it). */
  readonly byId: Partial<Record<FunctionId, CredsweepFunction>>;
  /** Every function this deployment has, made or still to be made. */
  readonly ids: readonly FunctionId[];
  /** The function `id`; an error if this deployment has none. */
  get(id: FunctionId): CredsweepFunction;
  /** Makes one of the functions that wait for the state machines, with the environment that names them. */
  add(id: FunctionId, extra: Record<string, string>): CredsweepFunction;
}

/**
 * Every function the workflows invoke, as children of `scope`; the others (AFTER_STATE_MACHINE)
 * are made with `add` once the state machines they name exist.
 */
export function addFunctions(
  scope: Construct,
  config: CredsweepConfig,
  options: { data: Data; approvalApi: ApprovalApi; deployment: DeploymentKind; logRetention: RetentionDays },
): Functions {
  const { data, approvalApi, deployment, logRetention } = options;
  const org = config.organization;

  // Every function gets the same environment (handlers/aws/ports.ts validates all of it on
  // every function); none of it is secret.
  const environment: Record<string, string> = {
    TABLE_NAME: data.table.tableName,
    BUCKET_NAME: data.bucket.bucketName,
    SIGNING_KEY_SECRET_ARN: data.signingKey.secretArn,
    PASSWORD_SECRET_PREFIX,
    ACCOUNT_ID: Aws.ACCOUNT_ID,
    STACK_NAME: Aws.STACK_NAME,
    APPROVER_EMAILS: config.approverEmails.join(','),
    SENDER_EMAIL: config.senderEmail,
    APPROVAL_BASE_URL: approvalApi.baseUrl,
    APPROVAL_TIMEOUT_SECONDS: String(config.approvalTimeoutHours * 3600),
    APPROVALS_REQUIRED: String(config.approvalsRequired),
    DELETE_APPROVALS_REQUIRED: String(config.deleteApprovalsRequired),
    THRESHOLD_DAYS: String(config.thresholdDays),
    MAX_CREDENTIALS: String(config.maxCredentials),
    BATCH_SIZE: String(config.batchSize),
    EXEMPT_USERS: config.exemptUsers.join(','),
    EXEMPT_TAG_KEY: config.exemptTagKey,
    WARN_DAYS: String(config.warnDays),
    OWNER_TAG_KEY: config.ownerTagKey,
    OWNER_DOMAINS: config.ownerDomains.join(','),
    CONSOLE_ACTION: config.consoleAction,
    DELETE_AFTER_DAYS: config.deleteAfterDays === null ? 'off' : String(config.deleteAfterDays),
    ...(org
      ? {
          MAX_CREDENTIALS_TOTAL: String(org.maxCredentialsTotal),
          MEMBER_ROLE_NAME,
          ORGANIZATION_ID: org.organizationId,
          SECURITY_HUB_ADMINISTRATOR: String(org.securityHubAdministrator),
        }
      : {}),
  };
  // The start function exists only when runs may be started from Security Hub (opt-in settings).
  const startsFromSecurityHub = config.securityHubActions || config.securityHubAutoStart;
  const ids = deployedFunctionIds(org !== null).filter(
    (id) => id !== 'SecurityHubStart' || startsFromSecurityHub,
  );

  const make = (id: FunctionId, extra: Record<string, string> = {}) => {
    const account = functionGrants(id, deployment)
      .filter((g) => g.resource === 'account' || g.resource === 'organization')
      .map((g) => g.action);
    return new CredsweepFunction(scope, id, {
      ...FUNCTION_SPECS[id],
      entry: FUNCTIONS[id].entry,
      environment: { ...environment, ...extra },
      logRetention,
      ...(account.length > 0
        ? {
            accountLevelActions: {
              actions: [...new Set(account)],
              reason:
                'IAM and Organizations have no resource-level permissions for them; only read-only actions are declared with the resource kinds "account" and "organization" (handlers/aws/permissions.ts).',
            },
          }
        : {}),
    });
  };
  const byId: Partial<Record<FunctionId, CredsweepFunction>> = Object.fromEntries(
    ids.filter((id) => !AFTER_STATE_MACHINE.includes(id)).map((id) => [id, make(id)]),
  );

  return {
    byId,
    ids,
    get(id) {
      const found = byId[id];
      if (!found) throw new Error(`this deployment has no ${id} function`);
      return found;
    },
    add(id, extra) {
      const made = make(id, extra);
      byId[id] = made;
      return made;
    },
  };
}
