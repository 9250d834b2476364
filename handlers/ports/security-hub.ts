/**
 * The Security Hub findings credsweep follows (IAM.8, IAM.22 and the CIS unused-credential rules)
 * in one account and Region. AWS: handlers/aws/security-hub.ts; local: cli/local/sandbox-security-hub.ts.
 *
 * Account-scoped on purpose: an organization run calls it once per account, with that account's
 * findings (through the Security Hub administrator or the member role).
 */

export type WorkflowStatus = 'NEW' | 'NOTIFIED' | 'RESOLVED' | 'SUPPRESSED';
export const WORKFLOW_STATUSES: readonly WorkflowStatus[] = ['NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED'];

/** What BatchUpdateFindings needs to name a finding. */
export interface FindingRef {
  id: string;
  productArn: string;
}

/** An ASFF finding on an IAM user, reduced to the fields credsweep reads. */
export interface CredentialFinding extends FindingRef {
  awsAccountId: string;
  generatorId: string;
  /** `Compliance.SecurityControlId` (IAM.8, IAM.22), null on findings that predate it. */
  securityControlId: string | null;
  /** `Compliance.Status`: PASSED, FAILED, WARNING, NOT_AVAILABLE; null when absent. */
  complianceStatus: string | null;
  /** The `Id` of the finding's `AwsIamUser` resource: the user's ARN. */
  userArn: string;
  workflowStatus: WorkflowStatus;
  recordState: string;
  title: string | null;
  note: { text: string; updatedBy: string; updatedAt: string | null } | null;
}

export interface FindingUpdate {
  findings: FindingRef[];
  status: WorkflowStatus;
  note: { text: string; updatedBy: string };
}

export interface UnprocessedFinding {
  finding: FindingRef;
  /** AWS's codes: ConcurrentUpdateError, DuplicatedFindingIdentifier, FindingNotFound, InternalFailure, InvalidInput... */
  errorCode: string;
  errorMessage: string;
}

/**
 * Errors keep AWS's names (`err.name`): InvalidAccessException (Security Hub is not enabled in the
 * account and Region: "not subscribed"), AccessDeniedException, InvalidInputException,
 * LimitExceededException / TooManyRequestsException (throttled).
 */
export interface SecurityHubPort {
  /**
   * GetFindings: the ACTIVE findings of IAM.8, IAM.22 and the CIS unused-credential rules on IAM
   * users of `accountId`; only those on the users in `userArns` when given. No other finding.
   */
  findCredentialFindings(accountId: string, userArns?: string[]): Promise<CredentialFinding[]>;
  /**
   * BatchUpdateFindings: sets Workflow.Status and Note of at most 100 findings (Note.Text and
   * Note.UpdatedBy at most 512 characters each; more is an InvalidInputException, as in AWS).
   * Findings AWS could not update come back in `unprocessed`.
   */
  updateFindings(update: FindingUpdate): Promise<{ unprocessed: UnprocessedFinding[] }>;
}
