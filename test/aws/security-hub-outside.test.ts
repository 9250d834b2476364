/**
 * Security Hub findings and EventBridge events that Security Hub produced for other people
 * (test/fixtures/outside/security-hub and eventbridge, sources in the READMEs there): which of them
 * credsweep follows, what it reads from them, and what they start. Security Hub itself is mocked at
 * the SDK (GetFindings answers with the real findings); everything after it is credsweep's own code.
 */
import { type AwsSecurityFinding, GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsSecurityHub } from '../../handlers/aws/security-hub.js';
import { controlName } from '../../handlers/core/security-hub/controls.js';
import { startFromSecurityHub } from '../../handlers/start-from-security-hub.js';
import { memoryPorts } from '../helpers/memory-ports.js';
import { outsideJson } from '../helpers/outside.js';
import { NOW } from '../helpers/seeds.js';

const hubMock = mockClient(SecurityHubClient);
afterEach(() => hubMock.reset());

/** CIS AWS Foundations 1.2.0 rule 1.3 ("credentials unused for 90 days"), failing, on user foobarbaz. */
const CIS_1_3 = 'security-hub/asr-cis13.json';
/** CIS 1.2.0 rule 1.4 ("access keys rotated every 90 days"), failing, on an IAM user: another rule. */
const CIS_1_4 = 'security-hub/asr-cis14.json';
/** FSBP EC2.8 with the consolidated fields (Compliance.SecurityControlId, AssociatedStandards) on an instance. */
const EC2_8 = 'security-hub/asr-afsbp-ec2.8.json';
/** FSBP IAM.8, per standard (no Compliance.SecurityControlId), failing, on user sharrtest. */
const FSBP_IAM_8 = 'security-hub/asr-afsbp-iam.8.json';
/** PCI DSS PCI.IAM.7 (AWS maps it to IAM.8), per standard, failing, on user sharrtest. */
const PCI_IAM_7 = 'security-hub/asr-pci-iam.7.json';

type Event = { 'detail-type': string; account: string; detail: { findings: object[] } };

describe('GetFindings answered with real findings', () => {
  it('hands on the CIS 1.2.0 rule 1.3 finding of the account, with its user and control, and nothing of other rules', async () => {
    // Prepare: both of credsweep's queries (by control id, by CIS generator id) get the same page.
    const findings = [CIS_1_3, CIS_1_4, EC2_8].map((f) => outsideJson<AwsSecurityFinding>(f));
    hubMock.on(GetFindingsCommand).resolves({ Findings: findings, $metadata: {} });
    const hub = new AwsSecurityHub(new SecurityHubClient({ region: 'us-east-1' }));

    // Act
    const followed = await hub.findCredentialFindings('111122223333');

    // Assess
    expect(followed).toEqual([
      {
        id: 'arn:aws:securityhub:us-east-1:111122223333:subscription/cis-aws-foundations-benchmark/v/1.2.0/1.3/finding/d0a65e91-ec38-41a2-a028-65b06ff919e5',
        productArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub',
        awsAccountId: '111122223333',
        generatorId: 'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.3',
        securityControlId: null,
        complianceStatus: 'FAILED',
        userArn: 'arn:aws:iam::111122223333:user/foobarbaz',
        workflowStatus: 'NEW',
        recordState: 'ACTIVE',
        title: '1.3 Ensure credentials unused for 90 days or greater are disabled',
        note: null,
      },
    ]);
    expect(followed.map(controlName)).toEqual(['CIS 1.2.0 1.3']);
  });

  it('hands on the per-standard FSBP IAM.8 and PCI.IAM.7 findings of user sharrtest, named by their standard', async () => {
    // Prepare
    const findings = [FSBP_IAM_8, PCI_IAM_7, EC2_8].map((f) => outsideJson<AwsSecurityFinding>(f));
    hubMock.on(GetFindingsCommand).resolves({ Findings: findings, $metadata: {} });
    const hub = new AwsSecurityHub(new SecurityHubClient({ region: 'us-east-1' }));

    // Act
    const followed = await hub.findCredentialFindings('111111111111');

    // Assess
    expect(followed.map((f) => [f.userArn, f.generatorId, f.securityControlId, f.complianceStatus])).toEqual([
      [
        'arn:aws:iam::111111111111:user/sharrtest',
        'aws-foundational-security-best-practices/v/1.0.0/IAM.8',
        null,
        'FAILED',
      ],
      ['arn:aws:iam::111111111111:user/sharrtest', 'pci-dss/v/3.2.1/PCI.IAM.7', null, 'FAILED'],
    ]);
    expect(followed.map(controlName)).toEqual(['IAM.8', 'PCI.IAM.7 (IAM.8)']);
  });

  it('hands on nothing when the same findings belong to another account', async () => {
    hubMock
      .on(GetFindingsCommand)
      .resolves({ Findings: [outsideJson<AwsSecurityFinding>(CIS_1_3)], $metadata: {} });
    const hub = new AwsSecurityHub(new SecurityHubClient({ region: 'us-east-1' }));
    expect(await hub.findCredentialFindings('444455556666')).toEqual([]);
  });
});

describe('EventBridge events Security Hub sent', () => {
  const ports = (accountId: string) => memoryPorts({ accountId }, NOW.toISOString());

  it('a custom action on a CIS 1.3 finding that now PASSES starts no run: nothing of that user is to disable', async () => {
    const event = outsideJson<Event>('eventbridge/asr-cis1314-custom-action.json');
    expect(event['detail-type']).toBe('Security Hub Findings - Custom Action');
    const deps = ports(event.account);

    const result = await startFromSecurityHub(event, deps);

    expect(result).toMatchObject({ trigger: 'custom-action', findings: 1, users: 0, executionArn: null });
    expect(deps.runs.started).toEqual([]);
  });

  it('an imported CIS 1.3 finding the check could not evaluate (WARNING, on the account) starts no run', async () => {
    const event = outsideJson<Event>('eventbridge/asr-CIS-1.3-imported.json');
    expect(event['detail-type']).toBe('Security Hub Findings - Imported');
    const deps = ports(event.account);

    // As the auto-start receives it: the EventBridge event as the body of an SQS message.
    const result = await startFromSecurityHub(
      { Records: [{ messageId: 'm1', body: JSON.stringify(event) }] },
      deps,
    );

    expect(result).toMatchObject({ trigger: 'auto-start', findings: 1, users: 0, executionArn: null });
    expect(deps.runs.started).toEqual([]);
  });

  it('the custom action on the FSBP IAM.8 and PCI.IAM.7 findings of sharrtest starts one run for sharrtest', async () => {
    // The real custom-action envelope, with the two real per-standard findings selected.
    const envelope = outsideJson<Event>('eventbridge/asr-cis1314-custom-action.json');
    const event = {
      ...envelope,
      detail: { ...envelope.detail, findings: [FSBP_IAM_8, PCI_IAM_7].map((f) => outsideJson<object>(f)) },
    };
    const deps = ports('111111111111');

    const result = await startFromSecurityHub(event, deps);

    expect(result).toMatchObject({ trigger: 'custom-action', findings: 2, users: 1, workflow: 'account' });
    expect(deps.runs.started.map((s) => (s.input as { users: string[] }).users)).toEqual([['sharrtest']]);
  });

  it('the same imported event carrying the failing CIS 1.3 finding of user foobarbaz starts one run for foobarbaz', async () => {
    // Two real files put together: the Imported envelope, with the real rule-1.3 finding as its
    // one finding (an Imported event carries one finding, "Each event sends a single finding").
    const envelope = outsideJson<Event>('eventbridge/asr-CIS-1.3-imported.json');
    const finding = outsideJson<object>(CIS_1_3);
    const event = { ...envelope, account: '111122223333', detail: { findings: [finding] } };
    const deps = ports('111122223333');

    const result = await startFromSecurityHub(
      { Records: [{ messageId: 'm1', body: JSON.stringify(event) }] },
      deps,
    );

    expect(result).toMatchObject({ trigger: 'auto-start', findings: 1, users: 1, workflow: 'account' });
    expect(deps.runs.started.map((s) => s.input)).toEqual([
      {
        mode: 'remediate',
        users: ['foobarbaz'],
        startedBy: 'Security Hub auto-start: 1 new failing finding(s)',
      },
    ]);
  });
});
