import {
  type AwsSecurityFinding,
  BatchUpdateFindingsCommand,
  GetFindingsCommand,
  InvalidAccessException,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsSecurityHub } from '../../handlers/aws/security-hub.js';
import { userFinding } from '../helpers/seeds.js';
import { thrown } from '../helpers/thrown.js';

const hubMock = mockClient(SecurityHubClient);
const meta = { $metadata: {} };
const ACCOUNT = '111122223333';
/** Seed findings as the SDK types them (the seed's Note.UpdatedAt is optional, the SDK's is not). */
const asff = (...findings: object[]) => findings as AwsSecurityFinding[];

describe('AwsSecurityHub', () => {
  let hub: AwsSecurityHub;

  beforeEach(() => {
    hubMock.reset();
    hub = new AwsSecurityHub(new SecurityHubClient({ region: 'us-east-1' }));
  });

  afterEach(() => {
    hubMock.reset();
  });

  describe('findCredentialFindings', () => {
    it('asks GetFindings by control id and by CIS generator id, for ACTIVE failing findings on IAM users of the account', async () => {
      // Prepare
      hubMock.on(GetFindingsCommand).resolves({ Findings: [], ...meta });

      // Act
      await hub.findCredentialFindings(ACCOUNT);

      // Assess
      const common = {
        AwsAccountId: [{ Value: ACCOUNT, Comparison: 'EQUALS' as const }],
        ResourceType: [{ Value: 'AwsIamUser', Comparison: 'EQUALS' as const }],
        RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' as const }],
        ComplianceStatus: [{ Value: 'PASSED', Comparison: 'NOT_EQUALS' as const }],
      };
      expect(hubMock).toHaveReceivedCommandTimes(GetFindingsCommand, 2);
      expect(hubMock).toHaveReceivedNthCommandWith(GetFindingsCommand, 1, {
        Filters: {
          ...common,
          ComplianceSecurityControlId: [
            { Value: 'IAM.8', Comparison: 'EQUALS' },
            { Value: 'IAM.22', Comparison: 'EQUALS' },
          ],
        },
        MaxResults: 100,
        NextToken: undefined,
      });
      expect(hubMock).toHaveReceivedNthCommandWith(GetFindingsCommand, 2, {
        Filters: {
          ...common,
          GeneratorId: [
            {
              Value: 'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.3',
              Comparison: 'EQUALS',
            },
            { Value: 'cis-aws-foundations-benchmark/v/1.4.0/1.12', Comparison: 'EQUALS' },
            { Value: 'cis-aws-foundations-benchmark/v/3.0.0/1.12', Comparison: 'EQUALS' },
          ],
        },
        MaxResults: 100,
        NextToken: undefined,
      });
    });

    it('follows NextToken, merges both answers by Id, and drops any other finding the service returns', async () => {
      // Prepare
      const iam8 = userFinding('IAM.8', 'carol');
      const cis = userFinding('IAM.22', 'carol', {
        generatorId: 'cis-aws-foundations-benchmark/v/1.4.0/1.12',
        withoutControlId: true,
      });
      const mfa = userFinding('IAM.5', 'carol');
      const passed = userFinding('IAM.22', 'dave', { compliance: 'PASSED' });
      const elsewhere = userFinding('IAM.8', 'carol', { accountId: '444455556666' });
      hubMock
        .on(GetFindingsCommand, { NextToken: undefined })
        .resolvesOnce({ Findings: asff(iam8, mfa), NextToken: 'page-2', ...meta })
        .resolvesOnce({ Findings: asff(cis, iam8), ...meta });
      hubMock
        .on(GetFindingsCommand, { NextToken: 'page-2' })
        .resolves({ Findings: asff(passed, elsewhere), ...meta });

      // Act
      const found = await hub.findCredentialFindings(ACCOUNT);

      // Assess
      expect(hubMock).toHaveReceivedCommandTimes(GetFindingsCommand, 3);
      expect(found.map((f) => [f.id, f.userArn, f.securityControlId, f.workflowStatus])).toEqual([
        [iam8.Id, `arn:aws:iam::${ACCOUNT}:user/carol`, 'IAM.8', 'NEW'],
        [cis.Id, `arn:aws:iam::${ACCOUNT}:user/carol`, null, 'NEW'],
      ]);
    });

    it('keeps the AWS error name: InvalidAccessException when the account is not subscribed', async () => {
      // Prepare
      hubMock.on(GetFindingsCommand).rejects(
        new InvalidAccessException({
          message: `Account ${ACCOUNT} is not subscribed to AWS Security Hub`,
          $metadata: { httpStatusCode: 401 },
        }),
      );

      // Act
      const err = await thrown(() => hub.findCredentialFindings(ACCOUNT));

      // Assess
      expect(err).toMatchObject({
        name: 'InvalidAccessException',
        message: `Account ${ACCOUNT} is not subscribed to AWS Security Hub`,
      });
    });
  });

  describe('updateFindings', () => {
    it('sends the identifiers, Workflow.Status and Note, and returns what Security Hub did not process', async () => {
      // Prepare
      hubMock.on(BatchUpdateFindingsCommand).resolves({
        ProcessedFindings: [{ Id: 'f1', ProductArn: 'p' }],
        UnprocessedFindings: [
          {
            FindingIdentifier: { Id: 'f2', ProductArn: 'p' },
            ErrorCode: 'FindingNotFound',
            ErrorMessage: 'Finding Not Found',
          },
        ],
        ...meta,
      });

      // Act
      const out = await hub.updateFindings({
        findings: [
          { id: 'f1', productArn: 'p' },
          { id: 'f2', productArn: 'p' },
        ],
        status: 'RESOLVED',
        note: { text: 'credsweep run r disabled console password', updatedBy: 'credsweep/r' },
      });

      // Assess
      expect(hubMock).toHaveReceivedCommandWith(BatchUpdateFindingsCommand, {
        FindingIdentifiers: [
          { Id: 'f1', ProductArn: 'p' },
          { Id: 'f2', ProductArn: 'p' },
        ],
        Workflow: { Status: 'RESOLVED' },
        Note: { Text: 'credsweep run r disabled console password', UpdatedBy: 'credsweep/r' },
      });
      expect(out).toEqual({
        unprocessed: [
          {
            finding: { id: 'f2', productArn: 'p' },
            errorCode: 'FindingNotFound',
            errorMessage: 'Finding Not Found',
          },
        ],
      });
    });
  });
});
