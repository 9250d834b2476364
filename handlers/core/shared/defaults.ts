/**
 * The defaults of the rules, in one place: the CDK configuration, the Lambda environment, the
 * local demo, the sandbox's model of the deployed policy and `analyze` all start from these.
 */

/** Unused this many whole days or more is stale. */
export const DEFAULT_THRESHOLD_DAYS = 30;
/** Blast-radius guard: a plan larger than this stops before anyone is asked. */
export const DEFAULT_MAX_CREDENTIALS = 50;
/** Plan items per Map iteration. */
export const DEFAULT_BATCH_SIZE = 25;
/** Users tagged `<key>=true` are never touched (the deployed IAM policy denies it too). */
export const DEFAULT_EXEMPT_TAG_KEY = 'credsweep:exempt';
/** Secrets Manager name prefix of console passwords restored by backout. */
export const PASSWORD_SECRET_PREFIX = 'credsweep/restored/';
/** Blast-radius guard of an organization run: all accounts together. */
export const DEFAULT_MAX_CREDENTIALS_TOTAL = 500;
/** The role the StackSet deploys in every member account (and the hub) for the hub to assume. */
export const DEFAULT_MEMBER_ROLE_NAME = 'credsweep-member';
/**
 * The member findings role, next to the member role in each account: only Security Hub's
 * GetFindings and BatchUpdateFindings, for the functions that follow findings (Report,
 * RequestApproval, OrgReport), which never get the member role's IAM changes (docs/compliance.md).
 */
export const memberFindingsRoleName = (memberRoleName: string) => `${memberRoleName}-findings`.slice(0, 64);

/** Owners are warned this many days before a credential of theirs may be disabled; 0 turns warnings off. */
export const DEFAULT_WARN_DAYS = 7;
/** The tag whose value is the email address of a user's owner. */
export const DEFAULT_OWNER_TAG_KEY = 'credsweep:owner';
/** Users tagged `<key>=true` are break-glass users: never proposed, always listed (the IAM policy denies changes too). */
export const BREAK_GLASS_TAG_KEY = 'credsweep:break-glass';
/** The table's sparse index of ledger entries by access key id (the delete stage reads it). */
export const KEY_INDEX = 'byAccessKey';
/** What happens to an unused console password: its login profile is deleted, or its password reset. */
export const CONSOLE_ACTIONS = ['disable', 'reset'] as const;
export type ConsoleAction = (typeof CONSOLE_ACTIONS)[number];
export const DEFAULT_CONSOLE_ACTION: ConsoleAction = 'disable';

/** Approvals a run needs from different people before anything changes. */
export const DEFAULT_APPROVALS_REQUIRED = 1;
/** Approvals a plan that deletes anything (impossible to undo) needs from different people. */
export const DEFAULT_DELETE_APPROVALS_REQUIRED = 2;
/** The largest quorum a deployment or a run may ask for. */
export const MAX_APPROVALS_REQUIRED = 20;

/** The stack name `credsweep deploy` and the CLI use unless told otherwise (`--stack`). */
export const DEFAULT_STACK_NAME = 'Credsweep';
