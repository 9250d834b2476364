/** Domain types shared by the rules, the tasks and the command line. No AWS import here. */
import type { OrganizationPlan } from './organization/org-plan.js';

export type CredentialKind = 'console-password' | 'access-key-1' | 'access-key-2';

/** Values the credential report uses in place of a date or a boolean. */
export type ReportMarker = 'N/A' | 'no_information' | 'not_supported';
export type ReportDate = Date | ReportMarker;
export type ReportBool = boolean | 'not_supported';

/** One typed row of the IAM credential report. */
export interface ReportRow {
  /** 1-based line number in the CSV (the header is line 1). */
  line: number;
  user: string;
  arn: string;
  isRoot: boolean;
  userCreationTime: ReportDate;
  passwordEnabled: ReportBool;
  passwordLastUsed: ReportDate;
  passwordLastChanged: ReportDate;
  accessKeys: [ReportAccessKey, ReportAccessKey];
}

export interface ReportAccessKey {
  active: boolean;
  lastRotated: ReportDate;
  lastUsedDate: ReportDate;
}

export interface CredentialReport {
  /** When AWS generated the report (from GetCredentialReport), if known. */
  generatedAt: string | null;
  rows: ReportRow[];
}

export type FindingReason = 'unused' | 'never-used';

/** The `analyze --json` contract of DESIGN.md. */
export interface Finding {
  userName: string;
  credential: CredentialKind;
  /** Last recorded use, or null when never used. */
  lastUsed: string | null;
  /**
   * When the credential was set: a console password's password_last_changed (else the user's
   * creation), an access key's creation (access_key_N_last_rotated); null when the report has none.
   * The age counts from the later of this and `lastUsed`.
   */
  createdAt: string | null;
  daysUnused: number;
  reason: FindingReason;
}

export type SkipReason = 'root' | 'exempt' | 'exempt-tag' | 'not-selected' | 'reset-recently';

export interface Skipped {
  userName: string;
  reason: SkipReason;
  /**
   * For a credential-level skip (`reset-recently`): the credential and both dates it was judged on.
   * A password unused for the threshold but set again since its last use is aged from the reset.
   */
  credential?: CredentialKind;
  lastUsed?: string | null;
  createdAt?: string | null;
  /** Whole days since `createdAt` (the age the rule used). */
  daysUnused?: number;
}

export interface Analysis {
  asOf: string;
  thresholdDays: number;
  findings: Finding[];
  skipped: Skipped[];
}

/** One credential the run proposes to disable. `id` is stable within a run. */
export interface PlanItem {
  id: string;
  userName: string;
  credential: CredentialKind;
  /** Resolved from ListAccessKeys for access keys; absent for console passwords. */
  accessKeyId?: string;
  lastUsed: string | null;
  /** See Finding.createdAt (absent in plans written before it existed). */
  createdAt?: string | null;
  daysUnused: number;
  reason: FindingReason;
  /** Organization runs: the member account the credential is in. */
  accountId?: string;
}

/** The whole plan, stored as a blob; the state machine carries only its key and batch keys. */
export interface Plan {
  executionId: string;
  accountId: string;
  asOf: string;
  reportGeneratedAt: string | null;
  thresholdDays: number;
  dryRun: boolean;
  analysis: Analysis;
  items: PlanItem[];
  /** Findings that could not be turned into an action (e.g. a key the report shows but IAM no longer has). */
  unresolved: { userName: string; credential: CredentialKind; why: string }[];
  /** Organization runs: every account of the run and its state (handlers/core/organization/org-plan.ts). */
  organization?: OrganizationPlan;
}

export interface BatchRef {
  index: number;
  key: string;
  size: number;
}

export type LedgerAction = 'delete-login-profile' | 'deactivate-access-key';

/**
 * Write-ahead ledger entry, one per (execution, plan item). Created as `intended` with the
 * prior state before the change is made; moved to `changed` after it; `restored` by backout.
 */
export interface LedgerEntry {
  executionId: string;
  itemId: string;
  userName: string;
  credential: CredentialKind;
  accessKeyId?: string;
  action: LedgerAction;
  status: 'intended' | 'changed' | 'skipped' | 'restored';
  before: string;
  after?: string;
  skipReason?:
    | 'used-since-report'
    | 'not-approved'
    | 'already-disabled'
    | 'gone'
    | 'exempt-tag'
    | 'not-changed';
  /**
   * Set by a backout that left this change alone: a later run changed the credential since, or it is
   * no longer as this run left it (changed outside credsweep). The entry stays `changed`.
   */
  backoutSkip?: BackoutSkip;
  /** Live last use seen at re-check, when it caused a skip. */
  liveLastUsed?: string | null;
  /** For restored console passwords: where the new password is kept (never the password). */
  secretRef?: string;
  recordedAt: string;
  changedAt?: string;
  restoredAt?: string;
  /** Execution that restored it (itself, or a later backout-mode execution). */
  restoredBy?: string;
}

export type BackoutSkipReason = 'changed-by-later-run' | 'changed-outside-credsweep';

export interface BackoutSkip {
  reason: BackoutSkipReason;
  /** The execution that changed it later (reason `changed-by-later-run`). */
  laterRun?: string;
  /** What the credential was found to be at the backout ("Active", "login profile present"). */
  found?: string;
  /** The backout execution that checked, and when. */
  by: string;
  at: string;
}

/**
 * The latest change credsweep made to one credential, across runs: one item per credential
 * (`credentialKey`), written with the ledger entry of each change and each restore. A backout
 * restores a credential only while the run it backs out is still its last change.
 */
export interface LastChange {
  /** `<accountId>/<userName>/<accessKeyId or console-password>` */
  credentialKey: string;
  executionId: string;
  change: 'disabled' | 'restored';
  /** For a restore: the run whose change it undid. */
  backoutOf?: string;
  at: string;
}

/** The guard that lets one run change an account at a time: held by one execution, for a lease. */
export interface AccountLock {
  accountId: string;
  /** The execution holding it. */
  holder: string;
  since: string;
  /** The lease: renewed by each task of the holder; once past, another run may take the account. */
  expiresAt: string;
}

export type Decision = 'approved' | 'rejected';

export interface DecisionRecord {
  decision: Decision;
  approver: string;
  decidedAt: string;
  sourceIp: string;
  userAgent: string;
  /** Plan item ids approved (all, or a subset); empty when rejected. */
  selection: string[];
  reason?: string;
}

export interface ApproverLink {
  approver: string;
  /** SHA-256 of the link secret; the secret itself is only in the mail. */
  secretHash: string;
}

export interface ApprovalRecord {
  approvalId: string;
  executionId: string;
  planKey: string;
  accountId: string;
  /** Step Functions task token: stored server-side only, never mailed, logged or shown. */
  taskToken: string;
  approvers: ApproverLink[];
  createdAt: string;
  expiresAt: string;
  status: 'pending' | Decision;
  /** Set once every approver's mail went out; a retry before that re-issues the links and mails. */
  mailedAt?: string;
  decision?: DecisionRecord;
}
