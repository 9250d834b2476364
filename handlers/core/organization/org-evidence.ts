/**
 * The organization summary's record (runs/<name>/evidence.json of an organization run): one row per
 * account, every change and finding with its account, and the run's counts. Written by
 * org-report.ts, rendered by org-report-html.ts and org-summary-mail.ts, read by the CLI and audit.
 */
import type {
  ApprovalEvidence,
  CredentialRecord,
  ErrorInfo,
  Evidence,
  FindingRecord,
} from '../evidence/schema.js';
import type { ExceptionEntry, OpenEntry } from '../evidence/standing.js';
import type { Outcome } from '../shared/outcomes.js';

export interface OrgAccountEvidence {
  accountId: string;
  name: string;
  ou: string;
  status: string;
  outcome: Outcome;
  summary: string;
  counts: Evidence['counts'];
  error: ErrorInfo | null;
  /** What became of the account's Security Hub findings, in one line (as its own evidence says). */
  securityHub: string | null;
  /** The account's own evidence.json. */
  evidenceKey: string;
  /** What a backout in this account could not restore (deleted keys, reset passwords), each named. */
  cannotRestore?: NonNullable<Evidence['backout']>['cannotRestore'];
  /**
   * What stood when the account's part ended (handlers/core/evidence/standing.ts), so that a period
   * report reads this summary, not every account's evidence: when the account's credential report
   * was analysed (null: not read) at which threshold, the exceptions in force and what stayed open.
   * Absent in summaries written before they existed.
   */
  asOf?: string | null;
  thresholdDays?: number | null;
  exceptions?: ExceptionEntry[];
  open?: OpenEntry[];
}

export interface NotApprovedCredential {
  accountId: string;
  userName: string;
  credential: CredentialRecord['credential'];
  accessKeyId: string | null;
}

export interface OrgEvidence {
  schemaVersion: 2;
  kind: 'organization';
  execution: Evidence['execution'];
  outcome: Outcome;
  summary: string;
  writtenAt: string;
  approval: ApprovalEvidence | null;
  accounts: OrgAccountEvidence[];
  /** Every credential changed in any account, each with its accountId. */
  changes: (CredentialRecord & { accountId: string })[];
  /**
   * The proposed credentials the approver kept out, each with its account (absent in summaries
   * written before it existed).
   */
  notApproved?: NotApprovedCredential[];
  /** "What about this finding?": every account's IAM.8 / IAM.22 / CIS findings, from its evidence. */
  securityHubFindings: (FindingRecord & { accountId: string })[];
  counts: {
    accounts: number;
    remediated: number;
    nothingToDo: number;
    unreachable: number;
    suspended: number;
    failed: number;
    backedOut: number;
    proposed: number;
    disabled: number;
    /** Of the disabled: access keys deleted for good (the delete stage). */
    deleted: number;
    restored: number;
    /** Changes a backout of this run could not restore (deleted keys, reset passwords). */
    cannotRestore: number;
  };
  error: ErrorInfo | null;
}
