/**
 * The settings of a credsweep deployment, as construct props. They are the CDK context keys of the
 * repository's own app (docs/deploy.md), validated by the same schema (infra/config.ts), which
 * also checks at compile time that these types and the schema agree.
 */
export interface CredsweepProps {
  /** Who is asked to approve each run; each gets their own single-use link. At least one. */
  readonly approverEmails: string[];
  /** The From address of approval and summary mail: an address or domain verified in SES. */
  readonly senderEmail: string;
  /**
   * Unused this many days or more is stale (a run may override it with `{"days": N}`), 1 to 3650.
   * @default 30
   */
  readonly thresholdDays?: number;
  /**
   * The approval window in hours; no decision by then ends the run with nothing changed. 1 to 720.
   * @default 72
   */
  readonly approvalTimeoutHours?: number;
  /**
   * Approvals from different people a run needs before anything changes; only what every one of
   * them ticked is changed, and any rejection rejects. A run may raise it, never lower it. 1 to 20.
   * Synth refuses a value larger than the number of approverEmails.
   * @default 1
   */
  readonly approvalsRequired?: number;
  /**
   * Approvals from different people a plan that deletes anything (the delete stage) needs. 1 to 20.
   * With `deleteAfterDays` set, synth refuses a value larger than the number of approverEmails.
   * @default 2
   */
  readonly deleteApprovalsRequired?: number;
  /**
   * Blast-radius guard: a run whose plan holds more credentials stops before anyone is asked.
   * Together with `batchSize` it must fit Step Functions' quotas (handlers/core/shared/quotas.ts).
   * @default 50
   */
  readonly maxCredentials?: number;
  /**
   * Credentials per Map iteration, 1 to 100.
   * @default 25
   */
  readonly batchSize?: number;
  /**
   * Batches changed in parallel, 1 to 10 (IAM's write rate is low).
   * @default 2
   */
  readonly mapMaxConcurrency?: number;
  /**
   * Periodic runs: an EventBridge Scheduler expression such as `rate(7 days)` or
   * `cron(0 6 ? * MON *)`, or `off`.
   * @default - off: runs start only when someone starts them
   */
  readonly schedule?: string;
  /**
   * IAM user names never touched (IAM policy also denies changes to them).
   * @default - none
   */
  readonly exemptUsers?: string[];
  /**
   * Users tagged `<key>=true` are never touched (IAM policy also denies changes to them).
   * @default 'credsweep:exempt'
   */
  readonly exemptTagKey?: string;
  /**
   * Owners (the email in tag `ownerTagKey`) are warned this many days before a credential of theirs
   * may be disabled; 0 turns warnings off (docs/lifecycle.md), 0 to 365.
   * @default 7
   */
  readonly warnDays?: number;
  /**
   * The tag holding the email address of a user's owner.
   * @default 'credsweep:owner'
   */
  readonly ownerTagKey?: string;
  /**
   * Owners (tag `ownerTagKey`) are mailed only at addresses in these domains (and their subdomains);
   * another address is listed under the tags to fix and treated as no owner.
   * @default the domains of approverEmails and senderEmail
   */
  readonly ownerDomains?: string[];
  /**
   * The delete stage: access keys credsweep deactivated this many days ago, still Inactive and
   * unused, are proposed for deletion (approved as impossible to undo), 1 to 3650.
   * @default - off: nothing is ever deleted
   */
  readonly deleteAfterDays?: number;
  /**
   * What a stale console password gets: `disable` (login profile deleted) or `reset` (a generated
   * password to change at the next sign-in, kept in Secrets Manager for the admins).
   * @default 'disable'
   */
  readonly consoleAction?: 'disable' | 'reset';
  /**
   * Retention of every log group and of the S3 access logs, in days (a CloudWatch Logs value).
   * @default 365
   */
  readonly logRetentionDays?: number;
  /**
   * Subscribed by email to the failed-run alarm topic.
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * New failing IAM.8 / IAM.22 Security Hub findings start runs on their own, a burst gathered into
   * one run (the approval still decides).
   * @default false
   */
  readonly securityHubAutoStart?: boolean;
  /**
   * The Security Hub custom action "Disable w/ credsweep" (select IAM.8 / IAM.22 findings, start a run
   * for their users). Opt-in: CloudFormation cannot create it where Security Hub is not enabled, and
   * the whole stack would roll back. Findings follow runs either way where Security Hub is enabled.
   * @default false
   */
  readonly securityHubActions?: boolean;
  /**
   * Also deploy the organization workflow, its four functions and the member role StackSet
   * (docs/organizations.md). Needs `organizationId` and `memberOus` or `organizationRootId`.
   * @default false
   */
  readonly organization?: boolean;
  /** `o-…`: the member role trusts only principals of this organization. */
  readonly organizationId?: string;
  /**
   * OUs the StackSet deploys the member role to (automatic deployment).
   * @default - the root (`organizationRootId`)
   */
  readonly memberOus?: string[];
  /** `r-…`: the StackSet's target when no OU is named. */
  readonly organizationRootId?: string;
  /**
   * The hub is a CloudFormation delegated administrator, not the management account.
   * @default false
   */
  readonly delegatedAdmin?: boolean;
  /**
   * The hub is the organization's Security Hub (delegated) administrator: member accounts' findings
   * are read and updated through the hub's own Security Hub (BatchUpdateFindings from the
   * administrator), and the StackSet deploys no member findings role. Otherwise each account's
   * findings are reached through its member findings role (docs/compliance.md).
   * @default false
   */
  readonly securityHubAdministrator?: boolean;
  /**
   * Blast-radius guard of an organization run, all accounts together.
   * @default 500
   */
  readonly maxCredentialsTotal?: number;
}
