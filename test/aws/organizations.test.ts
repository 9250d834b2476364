import { GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memberRoleArn, StsAccountAccess } from '../../handlers/aws/account-access.js';
import { memberIamClient } from '../../handlers/aws/member-iam.js';
import { AwsOrganizations } from '../../handlers/aws/organizations.js';
import { accountPorts } from '../../handlers/core/organization/account-scope.js';
import { memoryPorts } from '../helpers/memory-ports.js';
import { thrown } from '../helpers/thrown.js';

const orgMock = mockClient(OrganizationsClient);
const stsMock = mockClient(STSClient);
const iamMock = mockClient(IAMClient);
const meta = { $metadata: {} };

afterEach(() => {
  orgMock.reset();
  stsMock.reset();
  iamMock.reset();
});

describe('AwsOrganizations', () => {
  beforeEach(() => {
    orgMock.on(ListRootsCommand).resolves({ Roots: [{ Id: 'r-ab12' }], ...meta });
    orgMock
      .on(ListOrganizationalUnitsForParentCommand, { ParentId: 'r-ab12' })
      .resolves({ OrganizationalUnits: [{ Id: 'ou-ab12-workload1' }], ...meta })
      .on(ListOrganizationalUnitsForParentCommand, { ParentId: 'ou-ab12-workload1' })
      .resolves({ OrganizationalUnits: [{ Id: 'ou-ab12-nested01' }], ...meta })
      .on(ListOrganizationalUnitsForParentCommand, { ParentId: 'ou-ab12-nested01' })
      .resolves({ OrganizationalUnits: [], ...meta });
    orgMock
      .on(ListAccountsForParentCommand, { ParentId: 'r-ab12' })
      .resolves({ Accounts: [{ Id: '111111111111', Name: 'management', Status: 'ACTIVE' }], ...meta })
      .on(ListAccountsForParentCommand, { ParentId: 'ou-ab12-workload1', NextToken: undefined })
      .resolves({
        Accounts: [{ Id: '333333333333', Name: 'analytics', Status: 'ACTIVE' }],
        NextToken: 'page-2',
        ...meta,
      })
      .on(ListAccountsForParentCommand, { ParentId: 'ou-ab12-workload1', NextToken: 'page-2' })
      .resolves({ Accounts: [{ Id: '222222222222', Name: 'payments', Status: 'SUSPENDED' }], ...meta })
      .on(ListAccountsForParentCommand, { ParentId: 'ou-ab12-nested01' })
      .resolves({ Accounts: [{ Id: '444444444444', Name: 'nested', Status: 'ACTIVE' }], ...meta });
  });

  it('walks the whole tree from the root, pages included, each account with the OU it sits in', async () => {
    const accounts = await new AwsOrganizations(
      new OrganizationsClient({ region: 'us-east-1' }),
    ).listAccounts();
    expect(accounts).toEqual([
      { accountId: '111111111111', name: 'management', ou: 'r-ab12', status: 'ACTIVE' },
      { accountId: '222222222222', name: 'payments', ou: 'ou-ab12-workload1', status: 'SUSPENDED' },
      { accountId: '333333333333', name: 'analytics', ou: 'ou-ab12-workload1', status: 'ACTIVE' },
      { accountId: '444444444444', name: 'nested', ou: 'ou-ab12-nested01', status: 'ACTIVE' },
    ]);
  });

  it('with OUs: only the accounts of those OUs and the OUs below them, never the root', async () => {
    const accounts = await new AwsOrganizations(
      new OrganizationsClient({ region: 'us-east-1' }),
    ).listAccounts(['ou-ab12-workload1']);
    expect(accounts.map((a) => a.accountId)).toEqual(['222222222222', '333333333333', '444444444444']);
    expect(orgMock).not.toHaveReceivedCommand(ListRootsCommand);
  });
});

describe('StsAccountAccess', () => {
  const expiration = new Date(Date.now() + 15 * 60 * 1000);

  it('assumes the member role of the account and calls its IAM with those credentials', async () => {
    stsMock.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIAMEMBER',
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: expiration,
      },
      ...meta,
    });
    iamMock.on(GetUserCommand).resolves({
      User: {
        UserName: 'alice',
        UserId: 'AIDA',
        Arn: 'arn',
        Path: '/',
        CreateDate: new Date('2025-01-01T00:00:00Z'),
      },
      ...meta,
    });
    const access = new StsAccountAccess(
      new STSClient({ region: 'us-east-1' }),
      'credsweep-member',
      'credsweep-analyze',
      { iam: memberIamClient },
    );
    const iam = await access.iamFor('222222222222');
    await iam.getUser('alice');
    expect(stsMock).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: 'arn:aws:iam::222222222222:role/credsweep-member',
      RoleSessionName: 'credsweep-analyze',
    });
    expect(iamMock).toHaveReceivedCommandWith(GetUserCommand, { UserName: 'alice' });
    // One assume per account and container.
    await access.iamFor('222222222222');
    expect(stsMock).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
  });

  it('a denied AssumeRole is AccountUnreachable, naming the account and STS’s AccessDenied; it is tried again next time', async () => {
    stsMock.on(AssumeRoleCommand).rejects(
      new STSServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message:
          'User: arn:aws:sts::111111111111:assumed-role/credsweep-analyze/x is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::444444444444:role/credsweep-member',
      }),
    );
    const ports = {
      ...memoryPorts(),
      accounts: new StsAccountAccess(
        new STSClient({ region: 'us-east-1' }),
        'credsweep-member',
        'credsweep',
        {
          iam: memberIamClient,
        },
      ),
    };
    const err = await thrown(() => accountPorts(ports, '444444444444'));
    expect(err.name).toBe('AccountUnreachable');
    expect(err.message).toContain('444444444444');
    expect(err.message).toContain('AccessDenied');
    await thrown(() => accountPorts(ports, '444444444444'));
    expect(stsMock).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('names the role in the partition of the region', () => {
    expect(memberRoleArn('222222222222', 'credsweep-member', 'cn-north-1')).toBe(
      'arn:aws-cn:iam::222222222222:role/credsweep-member',
    );
    expect(memberRoleArn('222222222222', 'credsweep-member', 'us-gov-west-1')).toBe(
      'arn:aws-us-gov:iam::222222222222:role/credsweep-member',
    );
  });
});
