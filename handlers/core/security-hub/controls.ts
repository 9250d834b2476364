/**
 * Which Security Hub findings credsweep follows, and Security Hub's limits. One place for both: the
 * AWS adapter builds its GetFindings filters from it, the sandbox and the rules check against it.
 */

/** The security controls of "credentials unused for N days": IAM.8 (90 days) and IAM.22 (45 days). */
export const UNUSED_CREDENTIAL_CONTROLS = ['IAM.8', 'IAM.22'] as const;

/**
 * Standard-specific generator ids of the CIS rules for unused credentials (findings of accounts
 * without consolidated control findings): CIS 1.2.0 rule 1.3 (IAM.8), CIS 1.4.0 and 3.0.0 1.12 (IAM.22).
 */
export const CIS_UNUSED_CREDENTIAL_GENERATORS = [
  'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.3',
  'cis-aws-foundations-benchmark/v/1.4.0/1.12',
  'cis-aws-foundations-benchmark/v/3.0.0/1.12',
] as const;

/** BatchUpdateFindings: FindingIdentifiers per call. */
export const MAX_FINDINGS_PER_UPDATE = 100;
/** BatchUpdateFindings: Note.Text and Note.UpdatedBy. */
export const MAX_NOTE_TEXT = 512;
export const MAX_NOTE_UPDATED_BY = 512;
/** GetFindings: values of one filter field per call. */
export const MAX_FILTER_VALUES = 20;

export interface FindingIdentity {
  generatorId: string;
  securityControlId: string | null;
  resourceType: string;
}

/** Whether credsweep follows this finding: an unused-credential control or CIS rule on an IAM user. */
export function isUnusedCredentialFinding(f: FindingIdentity): boolean {
  if (f.resourceType !== 'AwsIamUser') return false;
  return (
    (f.securityControlId !== null &&
      (UNUSED_CREDENTIAL_CONTROLS as readonly string[]).includes(f.securityControlId)) ||
    (CIS_UNUSED_CREDENTIAL_GENERATORS as readonly string[]).includes(f.generatorId)
  );
}

/** The control a person knows the finding by: IAM.8, IAM.22, or the CIS rule. */
export function controlName(f: { generatorId: string; securityControlId: string | null }): string {
  if (f.securityControlId) return f.securityControlId;
  const cis = /cis-aws-foundations-benchmark\/v\/([\d.]+)\/(?:rule\/)?([\d.]+)$/.exec(f.generatorId);
  return cis ? `CIS ${cis[1]} ${cis[2]}` : f.generatorId;
}

/** The user name of an IAM user ARN (`arn:aws:iam::123456789012:user/path/name` -> `name`). */
export function userNameOfArn(arn: string): string | null {
  const match = /^arn:aws[a-z-]*:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(arn);
  return match?.[1] ?? null;
}
