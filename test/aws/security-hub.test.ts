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
          // Written from the Security Hub User Guide's table of standard-specific controls mapped to IAM.8 / IAM.22.
          GeneratorId: [
            { Value: 'aws-foundational-security-best-practices/v/1.0.0/IAM.8', Comparison: 'EQUALS' },
            { Value: 'pci-dss/v/3.2.1/PCI.IAM.7', Comparison: 'EQUALS' },
            { Value: 'nist-800-53/v/5.0.0/IAM.8', Comparison: 'EQUALS' },
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

    it("sends an update at AWS's documented limits in one call: 100 finding identifiers, Note.Text and Note.UpdatedBy of 512 characters", async () => {
      // Prepare: BatchUpdateFindings takes "up to 100 findings at a time"; Note.Text and
      // Note.UpdatedBy are 1 to 512 characters (AWS Security Hub API Reference).
      hubMock
        .on(BatchUpdateFindingsCommand)
        .resolves({ ProcessedFindings: [], UnprocessedFindings: [], ...meta });
      const findings = Array.from({ length: 100 }, (_, i) => ({ id: `f${i}`, productArn: 'p' }));
      const note = { text: 'é'.repeat(512), updatedBy: `credsweep/${'r'.repeat(502)}` };

      // Act
      const out = await hub.updateFindings({ findings, status: 'NOTIFIED', note });

      // Assess
      expect(out).toEqual({ unprocessed: [] });
      expect(hubMock).toHaveReceivedCommandTimes(BatchUpdateFindingsCommand, 1);
      const sent = hubMock.commandCalls(BatchUpdateFindingsCommand)[0]?.args[0].input;
      expect(sent?.FindingIdentifiers).toHaveLength(100);
      expect(sent?.Note).toEqual({ Text: note.text, UpdatedBy: note.updatedBy });
    });

    it('refuses what BatchUpdateFindings would refuse (101 findings, 513 characters), with its error name, before sending anything', async () => {
      const ref = { id: 'f', productArn: 'p' };
      const note = { text: 'n', updatedBy: 'credsweep/r' };
      const cases = [
        {
          update: { findings: Array.from({ length: 101 }, (_, i) => ({ ...ref, id: `f${i}` })), note },
          message: 'BatchUpdateFindings: FindingIdentifiers must hold 1 to 100 findings, got 101',
        },
        {
          update: { findings: [ref], note: { ...note, text: 'n'.repeat(513) } },
          message: 'BatchUpdateFindings: Note.Text must be 1 to 512 characters, got 513',
        },
        {
          update: { findings: [ref], note: { ...note, updatedBy: 'u'.repeat(513) } },
          message: 'BatchUpdateFindings: Note.UpdatedBy must be 1 to 512 characters, got 513',
        },
        {
          update: { findings: [], note },
          message: 'BatchUpdateFindings: FindingIdentifiers must hold 1 to 100 findings, got 0',
        },
      ];
      for (const { update, message } of cases) {
        expect(await thrown(() => hub.updateFindings({ ...update, status: 'RESOLVED' }))).toMatchObject({
          name: 'InvalidInputException',
          message,
        });
      }
      expect(hubMock).toHaveReceivedCommandTimes(BatchUpdateFindingsCommand, 0);
    });

    it('returns every unprocessed finding with the ErrorCode AWS documents, and an empty list when all were processed', async () => {
      // Prepare: the codes of BatchUpdateFindingsUnprocessedFinding (AWS Security Hub API Reference).
      const codes = [
        ['ConcurrentUpdateError', 'Concurrent finding updates detected'],
        ['DuplicatedFindingIdentifier', 'Finding Identifier is duplicated'],
        ['FindingNotFound', 'Finding Not Found'],
        ['FindingSizeExceeded', 'Finding size exceeded 240 KB'],
        ['InternalFailure', 'Internal service failure'],
        ['InvalidInput', 'Invalid Input'],
      ] as const;
      hubMock
        .on(BatchUpdateFindingsCommand)
        .resolvesOnce({
          ProcessedFindings: [],
          UnprocessedFindings: codes.map(([ErrorCode, ErrorMessage], i) => ({
            FindingIdentifier: { Id: `f${i}`, ProductArn: 'p' },
            ErrorCode,
            ErrorMessage,
          })),
          ...meta,
        })
        .resolvesOnce({ ProcessedFindings: [{ Id: 'g', ProductArn: 'p' }], ...meta });
      const note = { text: 'credsweep run r', updatedBy: 'credsweep/r' };

      // Act
      const first = await hub.updateFindings({
        findings: codes.map((_, i) => ({ id: `f${i}`, productArn: 'p' })),
        status: 'NEW',
        note,
      });
      const second = await hub.updateFindings({
        findings: [{ id: 'g', productArn: 'p' }],
        status: 'NEW',
        note,
      });

      // Assess
      expect(first.unprocessed).toEqual(
        codes.map(([errorCode, errorMessage], i) => ({
          finding: { id: `f${i}`, productArn: 'p' },
          errorCode,
          errorMessage,
        })),
      );
      expect(second).toEqual({ unprocessed: [] });
    });

    it("keeps the service's error name when the whole call fails (AccessDeniedException)", async () => {
      hubMock.on(BatchUpdateFindingsCommand).rejects(
        Object.assign(new Error('not authorized to perform: securityhub:BatchUpdateFindings'), {
          name: 'AccessDeniedException',
        }),
      );
      const err = await thrown(() =>
        hub.updateFindings({
          findings: [{ id: 'f', productArn: 'p' }],
          status: 'RESOLVED',
          note: { text: 't', updatedBy: 'credsweep/r' },
        }),
      );
      expect(err.name).toBe('AccessDeniedException');
    });
  });
});
