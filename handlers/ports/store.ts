/** Approvals and the write-ahead ledger. AWS: DynamoDB (handlers/aws/store.ts); local: JSON files. */
import type {
  AccountLock,
  ApprovalRecord,
  ApprovalUpdate,
  LastChange,
  LedgerEntry,
  OwnerWarningRecord,
} from '../core/shared/types.js';

export interface StorePort {
  putApproval(approval: ApprovalRecord): Promise<void>;
  getApproval(approvalId: string): Promise<ApprovalRecord | null>;
  /**
   * Records one person's counted decision (handlers/core/approval/quorum.ts: countDecision): writes
   * `update` only while the approval is pending and still holds exactly `expectedApprovals` counted
   * approvals (a conditional write; approvals only grow while pending). Two approvers answering at
   * the same instant cannot lose each other's: the loser gets `applied: false` with the record as
   * stored now, counts again against it and retries. A missing approval is an error named NotFound.
   */
  decideApproval(
    approvalId: string,
    update: ApprovalUpdate,
    expectedApprovals: number,
  ): Promise<{ applied: boolean; approval: ApprovalRecord }>;
  /** Records that the decision reached the workflow (SendTaskSuccess answered), only once decided. */
  markDelivered(approvalId: string, deliveredAt: string): Promise<void>;
  /** Records that every approver was mailed, only while the approval is pending (never undoes a decision). */
  markMailed(approvalId: string, mailedAt: string): Promise<void>;
  /**
   * Points the pending approval at a new task token (a retried RequestApproval), touching nothing
   * else: an approval counted meanwhile stays counted. false when it is no longer pending.
   */
  replaceTaskToken(approvalId: string, taskToken: string): Promise<boolean>;

  /** Creates the entry unless one exists for (executionId, itemId); returns the stored entry. */
  recordIntent(entry: LedgerEntry): Promise<LedgerEntry>;
  /** Replaces an existing entry (same executionId and itemId). */
  updateLedger(entry: LedgerEntry): Promise<void>;
  listLedger(executionId: string): Promise<LedgerEntry[]>;

  /** The latest credsweep change of a credential (see LastChange), or null when none is recorded. */
  getLastChange(credentialKey: string): Promise<LastChange | null>;
  /**
   * Writes the credential's last change. With `expected` (a conditional write): only while the stored
   * one is still `expected` (same executionId, change and at; null: none stored). Returns whether it
   * was written; a lost race returns false and changes nothing.
   */
  setLastChange(change: LastChange, expected?: LastChange | null): Promise<boolean>;

  /**
   * Takes or renews the account guard for `lock.holder`: written only when there is no lock, the
   * lock is the holder's own, or its lease has expired before `lock.since` (a conditional write).
   * Returns the lock stored after the call: the holder's, or the other run's that holds it.
   */
  holdLock(lock: AccountLock): Promise<AccountLock>;
  /** Removes the guard only if `holder` holds it (a conditional delete); otherwise nothing. */
  releaseLock(accountId: string, holder: string): Promise<void>;

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
