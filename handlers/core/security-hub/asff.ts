/**
 * The ASFF fields credsweep reads (AWS Security Finding Format), and the one rule that turns a
 * finding into a CredentialFinding or leaves it out. Used by the AWS adapter on what GetFindings
 * answers and by the sandbox's Security Hub on its seed, so both hand on exactly the same findings.
 */
import type { CredentialFinding, WorkflowStatus } from '../../ports/security-hub.js';
import { WORKFLOW_STATUSES } from '../../ports/security-hub.js';
import { accountOfArn, isUnusedCredentialFinding } from './controls.js';

/** The structural subset of an ASFF finding (the SDK's AwsSecurityFinding and a seed's finding both fit). */
export interface AsffFinding {
  Id?: string | undefined;
  ProductArn?: string | undefined;
  GeneratorId?: string | undefined;
  AwsAccountId?: string | undefined;
  Title?: string | undefined;
  Compliance?: { Status?: string | undefined; SecurityControlId?: string | undefined } | undefined;
  Resources?: { Type?: string | undefined; Id?: string | undefined }[] | undefined;
  Workflow?: { Status?: string | undefined } | undefined;
  WorkflowState?: string | undefined;
  RecordState?: string | undefined;
  Note?:
    | { Text?: string | undefined; UpdatedBy?: string | undefined; UpdatedAt?: string | undefined }
    | undefined;
}

/**
 * The credential finding in `f`, or null when credsweep does not follow it: not in `accountId` (the
 * finding's and its user ARN's account both),
 * archived, PASSED, not on an IAM user, or of another control than IAM.8 / IAM.22 / the CIS rules.
 */
export function fromAsff(f: AsffFinding, accountId: string): CredentialFinding | null {
  const user = f.Resources?.find((r) => r.Type === 'AwsIamUser');
  if (!f.Id || !f.ProductArn || !user?.Id || f.AwsAccountId !== accountId) return null;
  // Settled only where the finding, its user's ARN and the run all name the same account.
  if (accountOfArn(user.Id) !== accountId) return null;
  if ((f.RecordState ?? 'ACTIVE') !== 'ACTIVE' || f.Compliance?.Status === 'PASSED') return null;
  const securityControlId = f.Compliance?.SecurityControlId ?? null;
  const generatorId = f.GeneratorId ?? '';
  if (!isUnusedCredentialFinding({ generatorId, securityControlId, resourceType: 'AwsIamUser' })) return null;
  const status = f.Workflow?.Status ?? f.WorkflowState ?? 'NEW';
  return {
    id: f.Id,
    productArn: f.ProductArn,
    awsAccountId: f.AwsAccountId,
    generatorId,
    securityControlId,
    complianceStatus: f.Compliance?.Status ?? null,
    userArn: user.Id,
    workflowStatus: WORKFLOW_STATUSES.includes(status as WorkflowStatus) ? (status as WorkflowStatus) : 'NEW',
    recordState: f.RecordState ?? 'ACTIVE',
    title: f.Title ?? null,
    note: f.Note?.Text
      ? { text: f.Note.Text, updatedBy: f.Note.UpdatedBy ?? '', updatedAt: f.Note.UpdatedAt ?? null }
      : null,
  };
}
