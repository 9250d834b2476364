/**
 * Which Security Hub findings credsweep follows, and Security Hub's limits. One place for both: the
 * AWS adapter builds its GetFindings filters from it, the sandbox and the rules check against it.
 */

import { type FindingUpdate, WORKFLOW_STATUSES } from '../../ports/security-hub.js';

/** The security controls of "credentials unused for N days": IAM.8 (90 days) and IAM.22 (45 days). */
export const UNUSED_CREDENTIAL_CONTROLS = ['IAM.8', 'IAM.22'] as const;

/**
 * The standard-specific controls that AWS maps to IAM.8 and IAM.22 (AWS Security Hub User Guide,
 * "Consolidated control IDs and titles": the table of standard-specific control IDs mapped to their
 * consolidated control ID). An account without consolidated control findings reports each standard's
 * own finding, with no `Compliance.SecurityControlId`: credsweep knows them by their GeneratorId.
 */
export const STANDARD_UNUSED_CREDENTIAL_GENERATORS: Readonly<Record<string, 'IAM.8' | 'IAM.22'>> = {
  // AWS Foundational Security Best Practices v1.0.0 IAM.8
  'aws-foundational-security-best-practices/v/1.0.0/IAM.8': 'IAM.8',
  // PCI DSS v3.2.1 PCI.IAM.7 (IAM.8)
  'pci-dss/v/3.2.1/PCI.IAM.7': 'IAM.8',
  // NIST SP 800-53 Rev. 5 IAM.8
  'nist-800-53/v/5.0.0/IAM.8': 'IAM.8',
  // CIS AWS Foundations Benchmark v1.2.0 rule 1.3 (IAM.8)
  'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.3': 'IAM.8',
  // CIS AWS Foundations Benchmark v1.4.0 and v3.0.0 1.12 (IAM.22)
  'cis-aws-foundations-benchmark/v/1.4.0/1.12': 'IAM.22',
  'cis-aws-foundations-benchmark/v/3.0.0/1.12': 'IAM.22',
};

/** The GeneratorIds of STANDARD_UNUSED_CREDENTIAL_GENERATORS, for filters and event patterns. */
export const STANDARD_GENERATOR_IDS = Object.keys(STANDARD_UNUSED_CREDENTIAL_GENERATORS);

/** BatchUpdateFindings: FindingIdentifiers per call. */
export const MAX_FINDINGS_PER_UPDATE = 100;
/** BatchUpdateFindings: Note.Text and Note.UpdatedBy. */
export const MAX_NOTE_TEXT = 512;
export const MAX_NOTE_UPDATED_BY = 512;
/**
 * What BatchUpdateFindings would refuse with InvalidInputException in `update` (AWS API Reference:
 * FindingIdentifiers "up to 100 findings at a time"; Note.Text and Note.UpdatedBy 1 to 512
 * characters; Workflow.Status one of NEW, NOTIFIED, RESOLVED, SUPPRESSED), or null. The AWS adapter
 * checks it before sending, the sandbox answers with it: one rule for both.
 */
export function updateProblem(update: FindingUpdate): string | null {
  const count = update.findings.length;
  if (count < 1 || count > MAX_FINDINGS_PER_UPDATE) {
    return `FindingIdentifiers must hold 1 to ${MAX_FINDINGS_PER_UPDATE} findings, got ${count}`;
  }
  if (!WORKFLOW_STATUSES.includes(update.status)) return `Invalid Workflow.Status ${update.status}`;
  const text = characters(update.note.text);
  if (text < 1 || text > MAX_NOTE_TEXT) {
    return `Note.Text must be 1 to ${MAX_NOTE_TEXT} characters, got ${text}`;
  }
  const by = characters(update.note.updatedBy);
  if (by < 1 || by > MAX_NOTE_UPDATED_BY) {
    return `Note.UpdatedBy must be 1 to ${MAX_NOTE_UPDATED_BY} characters, got ${by}`;
  }
  return null;
}

const characters = (text: string) => [...text].length;

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
    f.generatorId in STANDARD_UNUSED_CREDENTIAL_GENERATORS
  );
}

/** The control a person knows the finding by: IAM.8, IAM.22, the CIS rule, or the standard's control. */
export function controlName(f: { generatorId: string; securityControlId: string | null }): string {
  if (f.securityControlId) return f.securityControlId;
  const cis = /cis-aws-foundations-benchmark\/v\/([\d.]+)\/(?:rule\/)?([\d.]+)$/.exec(f.generatorId);
  if (cis) return `CIS ${cis[1]} ${cis[2]}`;
  const consolidated = STANDARD_UNUSED_CREDENTIAL_GENERATORS[f.generatorId];
  const own = f.generatorId.split('/').pop() ?? f.generatorId;
  return consolidated && consolidated !== own ? `${own} (${consolidated})` : own;
}

/** The account of an IAM user ARN (`arn:aws:iam::123456789012:user/…` -> `123456789012`). */
export function accountOfArn(arn: string): string | null {
  return /^arn:aws[a-z-]*:iam::(\d{12}):user\//.exec(arn)?.[1] ?? null;
}

/** The user name of an IAM user ARN (`arn:aws:iam::123456789012:user/path/name` -> `name`). */
export function userNameOfArn(arn: string): string | null {
  const match = /^arn:aws[a-z-]*:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(arn);
  return match?.[1] ?? null;
}
