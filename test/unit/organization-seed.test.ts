import { describe, expect, it } from 'vitest';
import { SAMPLE_ORG_ACCOUNTS, sampleOrganization } from '../../cli/local/sample-organization.js';
import { SandboxOrganization } from '../../cli/local/sandbox-organization.js';
import { parseAnySeed, SeedError } from '../../cli/local/seed.js';
import { NOW } from '../helpers/seeds.js';
import { thrown } from '../helpers/thrown.js';

const org = () => sampleOrganization(NOW);

describe('organization seed', () => {
  it('is told apart from an account seed by its top-level "organization"', () => {
    const seed = parseAnySeed(JSON.stringify(org()), 'org.json');
    expect('organization' in seed).toBe(true);
    const account = parseAnySeed(JSON.stringify({ accountId: '123456789012', users: [] }), 'a.json');
    expect('accountId' in account).toBe(true);
  });

  it('names each bad field by its path', async () => {
    const bad = org();
    const [first, second] = bad.organization.accounts;
    if (!first || !second) throw new Error('sample too small');
    (first as { ou: string }).ou = 'workloads';
    (second as { status: string }).status = 'CLOSED';
    const err = (await thrown(async () => parseAnySeed(JSON.stringify(bad), 'org.json'))) as SeedError;
    expect(err).toBeInstanceOf(SeedError);
    expect(err.issues).toEqual([
      'organization.accounts[0].ou: expected an OU id (ou-xxxx-xxxxxxxx) or a root id (r-xxxx)',
      'organization.accounts[1].status: expected ACTIVE or SUSPENDED',
    ]);
  });

  it('refuses a duplicate account and a management account that is not one of them', async () => {
    const bad = org();
    const second = bad.organization.accounts[1];
    if (!second) throw new Error('sample too small');
    bad.organization.accounts.push({ ...second, name: 'copy' });
    bad.organization.managementAccountId = '999999999999';
    const err = (await thrown(async () => parseAnySeed(JSON.stringify(bad), 'org.json'))) as SeedError;
    expect(err.issues).toEqual([
      'organization.accounts[5].accountId: duplicate account id 222222222222 (already accounts[1])',
      'organization.managementAccountId: 999999999999 is not one of the accounts',
    ]);
  });
});

describe('SandboxOrganization', () => {
  const sandbox = () => new SandboxOrganization(org(), { now: () => NOW });

  it('lists the accounts of the organization or of named OUs', async () => {
    expect((await sandbox().listAccounts()).map((a) => a.accountId)).toEqual(
      Object.values(SAMPLE_ORG_ACCOUNTS),
    );
    expect(
      (await sandbox().listAccounts(['ou-a1b2-sandbox01'])).map((a) => `${a.accountId} ${a.status}`),
    ).toEqual([`${SAMPLE_ORG_ACCOUNTS.legacy} ACTIVE`, `${SAMPLE_ORG_ACCOUNTS.suspended} SUSPENDED`]);
  });

  it('denies the member role of an account without it, as STS does', async () => {
    const err = await thrown(() => sandbox().iamFor(SAMPLE_ORG_ACCOUNTS.legacy));
    expect(err.name).toBe('AccessDenied');
    expect(err.message).toMatch(
      /is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::444444444444:role\/credsweep-member$/,
    );
    const iam = await sandbox().iamFor(SAMPLE_ORG_ACCOUNTS.payments);
    expect((await iam.getUser('deploy-bot')).userName).toBe('deploy-bot');
  });

  it('writes the organization form back, unchanged when nothing ran', () => {
    expect(sandbox().toSeed()).toEqual(org());
  });
});
