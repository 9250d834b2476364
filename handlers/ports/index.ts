import type { ConsoleAction } from '../core/shared/defaults.js';
import type { BlobPort } from './blobs.js';
import type { IamPort, PasswordPolicy } from './iam.js';
import type { MailPort } from './mail.js';
import type { AccountAccessPort, OrganizationsPort } from './organizations.js';
import type { RunStarterPort } from './runs.js';
import type { SecretsPort } from './secrets.js';
import type { SecurityHubPort } from './security-hub.js';
import type { StorePort } from './store.js';
import type { TaskCallbackPort } from './task-callbacks.js';

export type {
  AccountAccessPort,
  BlobPort,
  IamPort,
  MailPort,
  OrganizationsPort,
  PasswordPolicy,
  RunStarterPort,
  SecretsPort,
  SecurityHubPort,
  StorePort,
  TaskCallbackPort,
};

/** Settings the tasks read; from Lambda environment variables in AWS, from the demo's options locally. */
export interface Settings {
  accountId: string;
  approverEmails: string[];
  senderEmail: string;
  /** Public base URL of the approval page, e.g. https://abc.execute-api.eu-west-1.amazonaws.com/prod */
  approvalBaseUrl: string;
  approvalTimeoutSeconds: number;
  /** Approvals from different people a run needs before anything changes. @default 1 */
  approvalsRequired?: number;
  /** Approvals from different people a plan that deletes anything needs. @default 2 */
  deleteApprovalsRequired?: number;
  thresholdDays: number;
  maxCredentials: number;
  /** Blast-radius limit of an organization run, all accounts together. @default 500 */
  maxCredentialsTotal?: number;
  batchSize: number;
  exemptUsers: string[];
  exemptTagKey: string;
  /** Lifecycle (docs/lifecycle.md): days of warning an owner gets; 0 turns warnings off. @default 7 */
  warnDays?: number;
  /** Keys credsweep deactivated this many days ago are proposed for deletion. @default null (never) */
  deleteAfterDays?: number | null;
  /** `disable` deletes an unused console password's login profile; `reset` replaces the password. @default 'disable' */
  consoleAction?: ConsoleAction;
  /** The tag holding the email address of a user's owner. @default 'credsweep:owner' */
  ownerTagKey?: string;
  /** Owners are mailed only at addresses in these domains. @default the domains of approverEmails and senderEmail */
  ownerDomains?: string[];
  /**
   * Organization runs: the hub is the organization's Security Hub administrator, so each member
   * account's findings are read and updated through the hub's own Security Hub; otherwise through
   * the member findings role of each account (docs/compliance.md). @default false
   */
  securityHubAdministrator?: boolean;
  /** Secrets Manager name prefix for console passwords restored by backout, e.g. `credsweep/restored/`. */
  passwordSecretPrefix: string;
  /**
   * Waits before reading IAM again when a read may be stale (IAM is eventually consistent).
   * @default [1000, 2000, 4000] (the local sandbox uses a few milliseconds)
   */
  rereadDelaysMs?: number[];
  /**
   * Where run evidence keys (`runs/<name>/...`) live, as a person finds them, ending in `/`:
   * `s3://<bucket>/` in AWS, the local home directory locally. Named in Security Hub notes.
   */
  evidenceLocation?: string;
  /**
   * The options a suggested command needs to find this deployment's runs, shell-ready, appended to
   * every command a mail or a Security Hub note suggests (handlers/core/shared/commands.ts): locally
   * `--local --home <dir>`. @default '' (the default stack)
   */
  commandOptions?: string;
}

/** Everything a task may need, built once per process (AWS) or per run (local). */
export interface Ports {
  iam: IamPort;
  store: StorePort;
  blobs: BlobPort;
  mail: MailPort;
  secrets: SecretsPort;
  callbacks: TaskCallbackPort;
  securityHub: SecurityHubPort;
  /** Starts runs (only the start-from-Security-Hub function has it). */
  runs: RunStarterPort;
  /** The organization's accounts (organization runs only). */
  organizations: OrganizationsPort;
  /** Each member account's IAM through the member role (organization runs only). */
  accounts: AccountAccessPort;
  settings: Settings;
  /** The clock; tests and the demo's --now pin it. */
  now: () => Date;
}
