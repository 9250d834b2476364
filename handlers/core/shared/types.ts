/** Domain types shared by the rules, the tasks and the command line. No AWS import here. */

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

export type SkipReason =
  | 'root'
  | 'exempt'
  | 'exempt-tag'
  /** The exemption tag holds neither `true` nor a day `YYYY-MM-DD`: never acted on, listed for the admins. */
  | 'exempt-tag-invalid'
  /** Tagged `credsweep:break-glass=true`: never proposed, listed with the last use of each credential. */
  | 'break-glass'
  | 'not-selected'
  /** A password set again after its last use: aged from the reset (handlers/core/report/staleness.ts). */
  | 'reset-recently';

export interface Skipped {
  userName: string;
  /** Organization runs: the account of the user (set when the accounts' plans are joined). */
  accountId?: string;
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
  /** `exempt-tag` with a day: exempt through the end of this day (UTC). */
  until?: string;
  /** `exempt-tag-invalid`: the tag's value as found (neutralise before showing it). */
  value?: string;
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
  /**
   * What approving it does, when it is not the default (console password: delete the login profile;
   * access key: deactivate it): `reset-login-profile` (consoleAction `reset`) or `delete-access-key`
   * (the delete stage, impossible to undo).
   */
  action?: 'reset-login-profile' | 'delete-access-key';
  /** For `delete-access-key`: the key's history, from credsweep's ledger and IAM. */
  deletion?: KeyDeletion;
}

/** Why an Inactive key may be deleted: credsweep deactivated it, that long ago, and it stayed unused. */
export interface KeyDeletion {
  /** The run (execution ARN) whose ledger records the deactivation. */
  deactivatedBy: string;
  deactivatedAt: string;
  /** Whole days from the deactivation to the analysis (absent in plans written before it existed). */
  daysInactive?: number;
  keyCreatedAt: string;
  /** Last use (GetAccessKeyLastUsed), always before the deactivation; null when never used. */
  keyLastUsed: string | null;
}

/** An owner's warning about one credential (docs/lifecycle.md), as the plan and the evidence list it. */
export interface WarningNotice {
  userName: string;
  /** Organization runs: the account of the user. */
  accountId?: string;
  credential: CredentialKind;
  accessKeyId: string | null;
  owner: string;
  lastUsed: string | null;
  daysUnused: number;
  /** Already stale (held until the warning is old enough), or stale soon. */
  stale: boolean;
  /** When the owner was warned (this run, or an earlier one). */
  warnedAt: string;
  /** The run that warned. */
  warnedBy: string;
  /** From this instant the credential may be proposed for disabling. */
  disableFrom: string;
  /** Whether this run mailed the owner (false: warned earlier, in the same idle period; or a dry run). */
  mailed: boolean;
  /** Warned long enough ago: proposed in this run (false: held, listed as "owner warned"). */
  proposed: boolean;
}

/** A break-glass user's credentials and their last use, listed in every approval and evidence. */
export interface BreakGlassUser {
  userName: string;
  /** Organization runs: the account of the user. */
  accountId?: string;
  credentials: { credential: CredentialKind; enabled: boolean; lastUsed: string | null }[];
}

/** What the lifecycle rules found in this run (docs/lifecycle.md). */
export interface PlanLifecycle {
  warnDays: number;
  deleteAfterDays: number | null;
  consoleAction: 'disable' | 'reset';
  ownerTagKey: string;
  /** Owners warned (this run or before) about credentials not proposed yet, and those now proposed. */
  warnings: WarningNotice[];
  breakGlass: BreakGlassUser[];
  /**
   * Owner tags that cannot be mailed: not an email address, or an address outside ownerDomains (absent
   * `why` in plans written before it: not an address). The credentials are handled as without owner.
   */
  ownerTagInvalid: {
    userName: string;
    accountId?: string;
    value: string;
    why?: 'not-an-address' | 'outside-domains';
  }[];
  /** Break-glass tags with a value other than `true` (honoured: never proposed); absent in older plans. */
  breakGlassTagUnclear?: { userName: string; accountId?: string; value: string }[];
  /** Dated exemptions found: still running (the user was skipped) or expired (treated normally). */
  exemptions: { userName: string; accountId?: string; until: string; expired: boolean }[];
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
  /** Owner warnings, break-glass users, dated exemptions; absent in plans written before the lifecycle. */
  lifecycle?: PlanLifecycle;
  /** How many different people must approve it (quorumOf); absent in plans written before the quorum. */
  approvalsRequired?: number;
}

export interface BatchRef {
  index: number;
  key: string;
  size: number;
}

export type LedgerAction =
  | 'delete-login-profile'
  | 'deactivate-access-key'
  /** consoleAction `reset`: a generated password, reset required at first sign-in; cannot be undone. */
  | 'reset-login-profile'
  /** The delete stage: an access key credsweep deactivated long ago; cannot be undone. */
  | 'delete-access-key';

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
    | 'break-glass'
    /** Delete stage, at re-check: reactivated, used, or its deactivation backed out since Analyze. */
    | 'no-longer-deletable'
    | 'not-changed';
  /**
   * Set by a backout that left this change alone: a later run changed the credential since, or it is
   * no longer as this run left it (changed outside credsweep). The entry stays `changed`.
   */
  backoutSkip?: BackoutSkip;
  /** Live last use seen at re-check, when it caused a skip. */
  liveLastUsed?: string | null;
  /** For restored or reset console passwords: where the new password is kept (never the password). */
  secretRef?: string;
  /** For `delete-access-key`: the run that deactivated the key, and the key's dates. */
  deletion?: KeyDeletion;
  recordedAt: string;
  /**
   * The `seq` of the credential's last change (LastChange) when this intent was recorded, 0 when none
   * was: a change recorded after the intent has a higher one. Absent in entries written before it.
   */
  lastChangeSeq?: number;
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
  /** What that later run did (its LastChange): `disabled`, `reset`, `deleted` or `restored`. */
  laterChange?: LastChange['change'];
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
  /**
   * What it did: `disabled` (login profile deleted, key deactivated), `reset` (password replaced,
   * consoleAction reset), `deleted` (key deleted, the delete stage) or `restored` (a backout).
   * Items written before `reset` and `deleted` existed say `disabled` for those too.
   */
  change: 'disabled' | 'reset' | 'deleted' | 'restored';
  /** For a restore: the run whose change it undid. */
  backoutOf?: string;
  at: string;
  /**
   * The order of the credential's changes: 1 for its first recorded change or restore, one more for
   * each after it. "Later" is decided by it, never by clocks or names (runs rehearsed with `--now`,
   * or clocks of different machines, do not order). Absent (0) in items written before it.
   */
  seq?: number;
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
  /**
   * Organization runs: accounts the approver kept out whole (none of their credentials is in
   * `selection`, ticked or not); absent when none.
   */
  keptOutAccounts?: string[];
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
  /** How many different people must approve (the quorum); absent in records written before it: 1. */
  approvalsRequired?: number;
  /** The approvals counted so far, one per person, in the order they came (handlers/core/approval/quorum.ts). */
  approvals?: DecisionRecord[];
  /**
   * The decision the workflow receives: a rejection, or the approval that reached the quorum with
   * `selection` the intersection of what every counted approver ticked.
   */
  decision?: DecisionRecord;
  /** When the decision was handed to the workflow (SendTaskSuccess answered); unset while it was not. */
  deliveredAt?: string;
}

/** What one decision writes to an ApprovalRecord (StorePort.decideApproval). */
export type ApprovalUpdate = Pick<ApprovalRecord, 'status' | 'approvals'> & { decision?: DecisionRecord };

/**
 * The store's record of the last warning an owner got about one credential (who, when, which
 * credential). A warning holds for one idle period: a credential used (or a password set) after it
 * needs a new one.
 */
export interface OwnerWarningRecord {
  accountId: string;
  /** `key/<access key id>` or `password/<user name>`. */
  credentialKey: string;
  userName: string;
  credential: CredentialKind;
  accessKeyId: string | null;
  owner: string;
  warnedAt: string;
  /** The run that mailed the warning. */
  executionId: string;
  disableFrom: string;
}

/** Organizations' account states; only ACTIVE accounts are swept. */
export type AccountStatus = 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE';

/** An organization run's accounts (handlers/core/organization/org-plan.ts builds it). */
export type AccountState = 'proposed' | 'nothing-to-do' | 'unreachable' | 'suspended' | 'failed';

export interface OrgPlanAccount {
  accountId: string;
  name: string;
  ou: string;
  status: AccountStatus;
  state: AccountState;
  /** Credentials proposed in this account. */
  proposed: number;
  findings: number;
  error: { Error: string; Cause: string } | null;
}

export interface OrganizationPlan {
  accounts: OrgPlanAccount[];
  maxCredentialsTotal: number;
}

/** The account password policy, with IAM's field names; fields IAM omits are absent. */
export interface PasswordPolicy {
  MinimumPasswordLength?: number;
  RequireSymbols?: boolean;
  RequireNumbers?: boolean;
  RequireUppercaseCharacters?: boolean;
  RequireLowercaseCharacters?: boolean;
  AllowUsersToChangePassword?: boolean;
  MaxPasswordAge?: number;
  PasswordReusePrevention?: number;
  HardExpiry?: boolean;
}

/**
 * How far an approval is, for `credsweep status` and `show` while a run waits (the approval record
 * itself, with its task token, stays in the store): written when the approval is asked and after
 * each counted approval. No link hash, no token.
 */
export interface ApprovalProgress {
  approvalsRequired: number;
  status: ApprovalRecord['status'];
  approvals: { approver: string; decidedAt: string; approved: number }[];
}
