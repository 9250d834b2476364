/**
 * SecurityHubPort over the AWS SDK v3 Security Hub client (REST-JSON; errors keep AWS's names,
 * e.g. InvalidAccessException when the account is not subscribed to Security Hub in the Region).
 *
 * GetFindings is asked twice, because its filter fields are ANDed: once by
 * Compliance.SecurityControlId (IAM.8, IAM.22), once by the CIS rules' GeneratorId (accounts without
 * consolidated control findings), both for ACTIVE, not PASSED findings on AwsIamUser resources of
 * the one account; pages of 100 are followed by NextToken and the two answers merged by Id. Every
 * returned finding is checked again against the same rule (handlers/core/security-hub/controls.ts),
 * so a finding of another control is never handed on, whatever the service answers.
 */
import {
  type AwsSecurityFindingFilters,
  BatchUpdateFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { fromAsff } from '../core/security-hub/asff.js';
import {
  STANDARD_GENERATOR_IDS,
  UNUSED_CREDENTIAL_CONTROLS,
  updateProblem,
} from '../core/security-hub/controls.js';
import { CredsweepError } from '../core/shared/errors.js';
import type {
  CredentialFinding,
  FindingUpdate,
  SecurityHubPort,
  UnprocessedFinding,
} from '../ports/security-hub.js';
import type { PortPermissions } from './permission-types.js';
import { DEFAULT_RETRY, memoize } from './retry.js';

/**
 * What each SecurityHubPort method needs from Security Hub (docs/aws-adapters.md). Both actions are
 * authorized against the account's hub in the Region (Service Authorization Reference: `hub`).
 */
export const SECURITY_HUB_PERMISSIONS = {
  findCredentialFindings: { 'securityhub:GetFindings': 'security-hub' },
  updateFindings: { 'securityhub:BatchUpdateFindings': 'security-hub' },
} as const satisfies PortPermissions<SecurityHubPort>;

const equals = (values: readonly string[]) =>
  values.map((Value) => ({ Value, Comparison: 'EQUALS' as const }));

export class AwsSecurityHub implements SecurityHubPort {
  constructor(private readonly client: SecurityHubClient) {}

  async findCredentialFindings(accountId: string): Promise<CredentialFinding[]> {
    const common: AwsSecurityFindingFilters = {
      AwsAccountId: equals([accountId]),
      ResourceType: equals(['AwsIamUser']),
      RecordState: equals(['ACTIVE']),
      ComplianceStatus: [{ Value: 'PASSED', Comparison: 'NOT_EQUALS' }],
    };
    const found = new Map<string, CredentialFinding>();
    for (const filters of [
      { ...common, ComplianceSecurityControlId: equals(UNUSED_CREDENTIAL_CONTROLS) },
      { ...common, GeneratorId: equals(STANDARD_GENERATOR_IDS) },
    ]) {
      let token: string | undefined;
      do {
        const out = await this.client.send(
          new GetFindingsCommand({ Filters: filters, MaxResults: 100, NextToken: token }),
        );
        for (const raw of out.Findings ?? []) {
          const finding = fromAsff(raw, accountId);
          if (finding) found.set(finding.id, finding);
        }
        token = out.NextToken || undefined;
      } while (token);
    }
    return [...found.values()];
  }

  /**
   * One BatchUpdateFindings. An update AWS would refuse (more than 100 findings, a note over 512
   * characters) is refused here with AWS's error name, InvalidInputException, before anything is
   * sent; the findings AWS could not update come back in `unprocessed` with its ErrorCode.
   */
  async updateFindings(update: FindingUpdate): Promise<{ unprocessed: UnprocessedFinding[] }> {
    const problem = updateProblem(update);
    if (problem) throw new CredsweepError('InvalidInputException', `BatchUpdateFindings: ${problem}`);
    const out = await this.client.send(
      new BatchUpdateFindingsCommand({
        FindingIdentifiers: update.findings.map((f) => ({ Id: f.id, ProductArn: f.productArn })),
        Workflow: { Status: update.status },
        Note: { Text: update.note.text, UpdatedBy: update.note.updatedBy },
      }),
    );
    return {
      unprocessed: (out.UnprocessedFindings ?? []).map((u) => ({
        finding: { id: u.FindingIdentifier?.Id ?? '', productArn: u.FindingIdentifier?.ProductArn ?? '' },
        errorCode: u.ErrorCode ?? 'Unknown',
        errorMessage: u.ErrorMessage ?? '',
      })),
    };
  }
}

export const securityHubClient = memoize(() => new SecurityHubClient({ ...DEFAULT_RETRY }));

/** The Security Hub port of a Lambda that uses it. */
export const awsSecurityHubPort = (): SecurityHubPort => new AwsSecurityHub(securityHubClient());
