/** Approvals and the write-ahead ledger. AWS: DynamoDB (handlers/aws/store.ts); local: JSON files. */
import type { ApprovalRecord, DecisionRecord, LedgerEntry, OwnerWarningRecord } from '../core/types.js';

export interface StorePort {
  putApproval(approval: ApprovalRecord): Promise<void>;
  getApproval(approvalId: string): Promise<ApprovalRecord | null>;
  /**
   * Records the decision only if the approval is still pending (a conditional write).
   * Returns the stored record after the call: when it was already decided, the earlier decision.
   */
  decideApproval(
    approvalId: string,
    decision: DecisionRecord,
  ): Promise<{ applied: boolean; approval: ApprovalRecord }>;
  /** Records that every approver was mailed, only while the approval is pending (never undoes a decision). */
  markMailed(approvalId: string, mailedAt: string): Promise<void>;

  /** Creates the entry unless one exists for (executionId, itemId); returns the stored entry. */
  recordIntent(entry: LedgerEntry): Promise<LedgerEntry>;
  /** Replaces an existing entry (same executionId and itemId). */
  updateLedger(entry: LedgerEntry): Promise<void>;
  listLedger(executionId: string): Promise<LedgerEntry[]>;
  /**
   * Every ledger entry of any run about this access key, oldest first (the delete stage asks which
   * run deactivated it). AWS: a sparse index of the table on `accessKeyId`.
   */
  listKeyLedger(accessKeyId: string): Promise<LedgerEntry[]>;

  /** The last warning about a credential (docs/lifecycle.md), or null. */
  getWarning(accountId: string, credentialKey: string): Promise<OwnerWarningRecord | null>;
  /** Records a warning, replacing the earlier one about the same credential. */
  putWarning(warning: OwnerWarningRecord): Promise<void>;
}
