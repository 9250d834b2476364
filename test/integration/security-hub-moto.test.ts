/**
 * AwsSecurityHub over Security Hub's REST-JSON wire protocol, against moto's server mode.
 *
 * What moto 5.2.1's securityhub answers (moto/securityhub/urls.py): EnableSecurityHub, DescribeHub,
 * BatchImportFindings and GetFindings, paginated by 100. It ignores GetFindings' Filters and has no
 * BatchUpdateFindings, so this suite proves the reading side over the wire (request serialisation,
 * pagination by NextToken, ASFF parsing) and that the adapter hands on only credsweep's findings
 * even when the service returns others; the update side is covered by the aws-sdk-client-mock tests
 * (test/aws/security-hub.test.ts) and by the sandbox's Security Hub, which keeps AWS's limits.
 */
import type { ChildProcess } from 'node:child_process';
import {
  BatchImportFindingsCommand,
  EnableSecurityHubCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsSecurityHub } from '../../handlers/aws/security-hub.js';
import { detectMoto, isCi, startMoto, stopMoto } from '../helpers/moto.js';
import { userFinding } from '../helpers/seeds.js';

const ACCOUNT = '123456789012'; // moto's default account
const moto = detectMoto();
if (!moto.available) {
  if (isCi()) throw new Error(`[test/integration/security-hub-moto] CI=true needs moto: ${moto.reason}`);
  console.warn(`[test/integration/security-hub-moto] skipped: ${moto.reason}`);
}

describe.skipIf(!moto.available)('AwsSecurityHub against moto_server (Security Hub wire protocol)', () => {
  let server: ChildProcess | undefined;
  let raw: SecurityHubClient;
  let hub: AwsSecurityHub;

  beforeAll(async () => {
    const started = await startMoto();
    server = started.child;
    const config = {
      region: 'us-east-1',
      endpoint: started.endpoint,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      maxAttempts: 1,
    };
    raw = new SecurityHubClient(config);
    hub = new AwsSecurityHub(new SecurityHubClient(config));
    await raw.send(new EnableSecurityHubCommand({}));
  });

  afterAll(async () => {
    await stopMoto(server);
  });

  it('reads every page of findings and keeps only the IAM.8 / IAM.22 / CIS ones of the account', async () => {
    // Prepare: 150 IAM.8 findings (two pages of 100), a CIS 1.4.0 1.12 finding, and findings
    // credsweep must never hand on: another control, another account, PASSED, ARCHIVED.
    const ours = Array.from({ length: 150 }, (_, i) =>
      userFinding('IAM.8', `user-${i}`, { accountId: ACCOUNT }),
    );
    const cis = userFinding('IAM.22', 'carol', {
      accountId: ACCOUNT,
      generatorId: 'cis-aws-foundations-benchmark/v/1.4.0/1.12',
      withoutControlId: true,
      status: 'NOTIFIED',
    });
    const others = [
      userFinding('IAM.5', 'carol', { accountId: ACCOUNT }),
      userFinding('IAM.8', 'carol', { accountId: '444455556666' }),
      userFinding('IAM.22', 'dave', { accountId: ACCOUNT, compliance: 'PASSED' }),
      { ...userFinding('IAM.22', 'erin', { accountId: ACCOUNT }), RecordState: 'ARCHIVED' },
    ];
    for (const batch of [ours.slice(0, 100), [...ours.slice(100), cis, ...others]]) {
      const out = await raw.send(new BatchImportFindingsCommand({ Findings: batch as never }));
      expect(out.FailedCount).toBe(0);
    }

    // Act
    const found = await hub.findCredentialFindings(ACCOUNT);

    // Assess
    expect(found).toHaveLength(151);
    expect(new Set(found.map((f) => f.id))).toEqual(new Set([...ours, cis].map((f) => f.Id)));
    expect(found.find((f) => f.id === cis.Id)).toEqual({
      id: cis.Id,
      productArn: cis.ProductArn,
      awsAccountId: ACCOUNT,
      generatorId: 'cis-aws-foundations-benchmark/v/1.4.0/1.12',
      securityControlId: null,
      complianceStatus: 'FAILED',
      userArn: `arn:aws:iam::${ACCOUNT}:user/carol`,
      workflowStatus: 'NOTIFIED',
      recordState: 'ACTIVE',
      title: cis.Title,
      note: null,
    });
  });
});
