/**
 * The evidence of a run, as `evidence.json` holds it (schema: docs/compliance.md): the types every
 * reader of evidence shares. Collected by ./collect.ts; its Security Hub section is written by
 * handlers/core/security-hub/follow-run.ts.
 */
import type { WorkflowStatus } from '../../ports/security-hub.js';
import type { VerificationCheck } from '../change/verify.js';
import type { Outcome } from '../shared/outcomes.js';
import type { RunRequest } from '../shared/request.js';
import type {
  ApprovalRecord,
  BackoutSkip,
  CredentialKind,
  Finding,
  KeyDeletion,
  LedgerAction,
  LedgerEntry,
  Plan,
  PlanLifecycle,
  Skipped,
} from '../shared/types.js';

export interface ErrorInfo {
  Error: string;
  Cause: string;
}

export interface ReportTask {
  executionId: string;
  outcome: Outcome;
  request?: RunRequest;
  approvalId?: string;
  error?: ErrorInfo | null;
  backoutError?: ErrorInfo | null;
}

/** What happened to one credential in this run. */
export type CredentialResult =
  /** Disabled by this run and still disabled when the evidence was written. */
  | 'disabled'
  /** Disabled, then restored by a backout (this run's own, or a backout-mode run's). */
  | 'restored'
  /** Not changed; `skipReason` says why (used since the report, already disabled, gone, exempt tag). */
  | 'skipped'
  /** The approver approved a subset that left this credential out. */
  | 'not-approved'
  /** The approver rejected the whole request. */
  | 'rejected'
  /** Nobody decided within the approval window. */
  | 'no-decision'
  /** Dry run: would have been proposed for approval. */
  | 'proposed'
  /** The run ended (e.g. a failure in another batch) before this credential was handled. */
  | 'not-reached'
  /** The change was announced in the ledger but its outcome was never recorded (a crash). */
  | 'intended'
  /** The report shows it stale, but it could not be matched to a live credential. */
  | 'unresolved';

/** One credential the run proposed, changed or restored: one row of findings.csv. */
export interface CredentialRecord {
  itemId: string;
  userName: string;
  credential: CredentialKind;
  accessKeyId: string | null;
  /** The finding from the credential report; null for rows of a backout-mode run. */
  finding: {
    lastUsed: string | null;
    /** When it was created or, a password, last set (Finding.createdAt); null when unknown. */
    createdAt: string | null;
    daysUnused: number;
    reason: Finding['reason'];
  } | null;
  /** Whether the approver's decision included it; null when there was no decision. */
  approved: boolean | null;
  action: LedgerAction | null;
  result: CredentialResult;
  /** Why it was skipped (result `skipped`), from the ledger. */
  skipReason: LedgerEntry['skipReason'] | null;
  /** Prior state recorded in the ledger before the change (write-ahead). */
  before: string | null;
  /** State the change left it in ("no login profile", "Inactive"); null when not changed. */
  after: string | null;
  recordedAt: string | null;
  changedAt: string | null;
  /** Last use read live at the re-check, when it stopped the change. */
  liveLastUsed: string | null;
  restored: { at: string; by: string; state: string; secretRef: string | null } | null;
  /**
   * A backout left this change alone: a later run changed the credential, or it was found changed
   * outside credsweep (see LedgerEntry.backoutSkip). The credential is as that later change left it.
   */
  backoutSkipped: BackoutSkip | null;
  /** Live state read back by Verify. */
  verification: { ok: boolean; expected: string; actual: string } | null;
  /** A deletion (the delete stage): the key's dates and the run that deactivated it; null otherwise. */
  deletion: KeyDeletion | null;
}

export interface ApprovalEvidence {
  approvalId: string;
  status: ApprovalRecord['status'];
  requestedAt: string;
  expiresAt: string;
  /** Who was asked (one personal link each; the link secrets are never stored or shown). */
  approvers: string[];
  decision: {
    decision: 'approved' | 'rejected';
    approver: string;
    decidedAt: string;
    sourceIp: string;
    userAgent: string;
    reason: string | null;
    /** Plan item ids approved; empty when rejected. */
    selection: string[];
    /** Organization runs: the accounts the approvers kept out whole (absent when none). */
    keptOutAccounts?: string[];
  } | null;
  /** How many different people had to approve (absent in evidence written before the quorum: 1). */
  approvalsRequired?: number;
  /** Each counted approval: person, time, address, browser and what they ticked (plan item ids). */
  approvals?: ApprovalEvidenceEntry[];
}

export interface ApprovalEvidenceEntry {
  approver: string;
  decidedAt: string;
  sourceIp: string;
  userAgent: string;
  selection: string[];
  reason: string | null;
}

export interface BackoutEvidence {
  /** Execution whose ledger was restored: this one, or the run named by a backout-mode request. */
  sourceExecutionId: string;
  trigger: 'rejected' | 'approval-timed-out' | 'failure' | 'requested';
  /** With a backout-mode request limited to some users. */
  users: string[] | null;
  restored: number;
  /** Changes it left alone, each with why: changed later by another run (named), or outside credsweep. */
  skipped: {
    itemId: string;
    userName: string;
    credential: CredentialKind;
    accessKeyId: string | null;
    reason: BackoutSkip['reason'];
    laterRun: string | null;
    /** What the later run did: `disabled`, `reset`, `deleted` or `restored` (null: not recorded). */
    laterChange: BackoutSkip['laterChange'] | null;
    found: string | null;
    at: string;
  }[];
  /** Why the backout could not finish (outcome backout-failed). */
  error: ErrorInfo | null;
  /** Changes a backout cannot restore (deleted keys, reset passwords), each named. */
  cannotRestore: {
    userName: string;
    credential: CredentialKind;
    accessKeyId: string | null;
    action: LedgerAction;
    why: string;
  }[];
}

export interface EvidenceCounts {
  findings: number;
  skippedUsers: number;
  /** Console passwords unused for the threshold but set again since (reset-recently): not stale. */
  resetRecently: number;
  unresolved: number;
  proposed: number;
  approved: number;
  disabled: number;
  restored: number;
  skippedAtRecheck: number;
  notApproved: number;
  verified: number;
  verificationFailed: number;
  /** Owners mailed a warning by this run (one per credential). */
  ownersWarned: number;
  /** Credentials held because their owner's warning is too recent. */
  heldForWarning: number;
  /** Access keys deleted by this run (the delete stage). */
  deleted: number;
}

export interface Evidence {
  schemaVersion: 2;
  execution: {
    id: string;
    name: string;
    accountId: string;
    region: string | null;
    stateMachineArn: string | null;
    mode: 'remediate' | 'backout';
    /** From the execution input when the Report task receives it (backout path). */
    startedBy: string | null;
    request: RunRequest | null;
  };
  outcome: Outcome;
  /** One sentence a person can read first. */
  summary: string;
  writtenAt: string;
  report: { generatedAt: string | null; asOf: string; thresholdDays: number; dryRun: boolean } | null;
  findings: Finding[];
  skipped: Skipped[];
  exempt: { userName: string; by: 'exemption-list' | 'tag'; until: string | null }[];
  /**
   * The lifecycle (docs/lifecycle.md): owner warnings (who, when, which credential, from when it may
   * be disabled), break-glass users with their last use, dated exemptions (running or expired),
   * unreadable owner tags, the run's consoleAction and deleteAfterDays. null for runs without a plan.
   */
  lifecycle: PlanLifecycle | null;
  unresolved: Plan['unresolved'];
  approval: ApprovalEvidence | null;
  /** Every credential this run changed (disabled, or disabled and restored): before and after. */
  changes: CredentialRecord[];
  /** Every other credential the run proposed or found stale, and why it was not changed. */
  unchanged: CredentialRecord[];
  skippedAtRecheck: {
    itemId: string;
    userName: string;
    credential: CredentialKind;
    accessKeyId: string | null;
    lastUsedInReport: string | null;
    liveLastUsed: string | null;
    recordedAt: string;
  }[];
  verification: {
    verifiedAt: string;
    checked: number;
    failed: number;
    checks: VerificationCheck[];
  } | null;
  backout: BackoutEvidence | null;
  error: ErrorInfo | null;
  counts: EvidenceCounts;
  /**
   * What credsweep did with each IAM.8 / IAM.22 / CIS unused-credential finding of the account and
   * why (handlers/core/security-hub/follow-run.ts); null in evidence written before it existed.
   */
  securityHub: SecurityHubEvidence | null;
}

/** What credsweep did with one finding. */
export type FindingAction = 'notified' | 'resolved' | 'suppressed' | 'reopened' | 'left';

export interface FindingRecord {
  id: string;
  productArn: string;
  /** IAM.8, IAM.22 or the CIS rule. */
  control: string;
  userName: string | null;
  complianceStatus: string | null;
  /** Workflow status before this step. */
  before: WorkflowStatus;
  /** Workflow status after it (as before when left alone or when the update failed). */
  after: WorkflowStatus;
  action: FindingAction;
  /** Why, in words: the auditor's answer to "what about this finding?". */
  why: string;
  /** The note written on the finding; null when none was written. */
  note: string | null;
  /** Why Security Hub did not take the update (UnprocessedFindings or the call's error). */
  error: string | null;
}

export interface SecurityHubStep {
  at: string;
  /**
   * updated: every update Security Hub was asked for was made; unchanged: no finding needed one;
   * partly-updated: some updates failed (see each finding's error); not-updated: the findings could
   * not be read, so nothing was updated (see reason); not-enabled: Security Hub is not enabled in the
   * account and Region, so there is nothing to follow (information, not a failure).
   */
  status: 'updated' | 'unchanged' | 'partly-updated' | 'not-updated' | 'not-enabled';
  reason: string | null;
  findings: FindingRecord[];
}

/** The Security Hub section of the evidence. */
export interface SecurityHubEvidence extends SecurityHubStep {
  /** The NOTIFIED step at approval request, when the run got that far. */
  notified: SecurityHubStep | null;
}
