/** Approvals and the write-ahead ledger. AWS: DynamoDB (handlers/aws/store.ts); local: JSON files. */
import type { ApprovalRecord, DecisionRecord, LedgerEntry } from '../core/types.js';

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
}
