/**
 * Exempt users at scale (issue 23): an organization deployment naming 200 users in exemptUsers,
 * every policy measured as IAM counts it (characters without whitespace) against IAM's quotas
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html: a managed policy
 * 6,144; a role's inline policies together 10,240; 10 managed policies per role by default), in the
 * stack and in the StackSet's member template (CloudFormation takes a StackSet template of at most
 * 51,200 bytes); then the policy simulator shows that a user named last, in the last part of the
 * split Deny, is still denied, and that the break-glass Deny matches what credsweep reads as
 * break-glass. Past what IAM can hold, synth refuses with one line naming exemptUsers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { functionGrants } from '../../handlers/aws/permissions.js';
import { parseConfig } from '../../infra/config.js';
import { buildStack, REQUIRED_CONTEXT } from '../cdk/synth.js';
import { decide } from './check.js';
import {
  type CfnTemplate,
  type FunctionRole,
  functionRoles,
  memberRole,
  type PolicyEnvironment,
  resolve,
  TEST,
  testEnvironment,
} from './roles.js';

const ORG = { organization: 'true', organizationId: 'o-a1b2c3d4e5', memberOus: 'ou-a1b2-workload1' };
const MEMBER = '222233334444';
/** 200 names as people write them, some as long as IAM allows (64 characters). */
const NAMES = Array.from({ length: 200 }, (_, i) =>
  i % 20 === 19 ? `svc.${String(i).padStart(3, '0')}.${'x'.repeat(56)}` : `ops-engineer-${i}`,
);
const LAST = NAMES[NAMES.length - 1] as string;

/** IAM's count: the policy's JSON without whitespace. */
const iamCharacters = (document: unknown) => JSON.stringify(document).replace(/\s/g, '').length;

interface Sized {
  role: string;
  inline: number;
  managed: number[];
}

/** Every role of `template` with its inline policies' total and each attached managed policy's size. */
function sizes(template: CfnTemplate, env: PolicyEnvironment): Sized[] {
  const roles = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role');
  return roles.map(([id, role]) => {
    const attached = (type: string) =>
      Object.values(template.Resources).filter(
        (p) =>
          p.Type === type && ((p.Properties?.Roles ?? []) as { Ref?: string }[]).some((r) => r.Ref === id),
      );
    const own = (role.Properties?.Policies ?? []) as { PolicyDocument: unknown }[];
    const inline = [
      ...own,
      ...attached('AWS::IAM::Policy').map((p) => p.Properties as { PolicyDocument: unknown }),
    ];
    return {
      role: id,
      inline: inline.reduce((sum, p) => sum + iamCharacters(resolve(p.PolicyDocument, env)), 0),
      managed: attached('AWS::IAM::ManagedPolicy').map((p) =>
        iamCharacters(resolve(p.Properties?.PolicyDocument, env)),
      ),
    };
  });
}

describe('200 exempt users in an organization deployment', () => {
  let template: CfnTemplate;
  let env: PolicyEnvironment;
  let memberTemplate: CfnTemplate;
  let memberBody: string;

  beforeAll(() => {
    template = buildStack(
      { ...ORG, exemptUsers: NAMES.join(',') },
      { bundle: false },
    ).template.toJSON() as CfnTemplate;
    env = testEnvironment(template);
    const stackSet = Object.values(template.Resources).find(
      (r) => r.Type === 'AWS::CloudFormation::StackSet',
    );
    memberBody = String(resolve(stackSet?.Properties?.TemplateBody, env));
    memberTemplate = JSON.parse(memberBody) as CfnTemplate;
  }, 300_000);

  it('keeps every policy of the stack within IAM’s quotas, the named users in managed policies of their own', () => {
    const all = sizes(template, env);
    for (const { role, inline, managed } of all) {
      expect(inline, role).toBeLessThanOrEqual(10_240);
      expect(managed.length, role).toBeLessThanOrEqual(10);
      for (const size of managed) expect(size, role).toBeLessThanOrEqual(6_144);
    }
    // Before the split, one statement of about 21,700 characters on each role that changes users.
    const split = all.filter((r) => r.managed.length > 0);
    expect(split.map((r) => r.role.replace(/Role[0-9A-F]{8}$/, '')).sort()).toEqual(
      ['Backout', 'DeactivateKeys', 'DeleteKeys', 'DisableConsole', 'HubMemberRole'].sort(),
    );
    for (const r of split) expect(r.managed.length, r.role).toBeGreaterThan(1);
  });

  it('keeps the member template within CloudFormation’s and IAM’s quotas', () => {
    expect(Buffer.byteLength(memberBody)).toBeLessThanOrEqual(51_200);
    const inAccount = { ...env, account: MEMBER };
    const all = sizes(memberTemplate, inAccount);
    expect(all.map((r) => r.role).sort()).toEqual(['MemberFindingsRole', 'MemberRole']);
    for (const { role, inline, managed } of all) {
      expect(inline, role).toBeLessThanOrEqual(10_240);
      expect(managed.length, role).toBeLessThanOrEqual(10);
      for (const size of managed) expect(size, role).toBeLessThanOrEqual(6_144);
    }
    expect(all.find((r) => r.role === 'MemberRole')?.managed.length).toBeGreaterThan(1);
  });

  describe('in the policy simulator', () => {
    const changing = ['DisableConsole', 'DeactivateKeys', 'DeleteKeys', 'Backout'] as const;
    const roles = (): { role: FunctionRole; action: string; account: string }[] => [
      ...changing.map((id) => ({
        role: functionRoles(template, env).find((r) => r.functionId === id) as FunctionRole,
        action: functionGrants(id).find((g) => g.resource === 'iam-user-change')?.action ?? '',
        account: TEST.account,
      })),
      { role: memberRole(template, env, MEMBER), action: 'iam:UpdateAccessKey', account: MEMBER },
    ];
    const verdict = async (
      { role, action, account }: { role: FunctionRole; action: string; account: string },
      user: string,
      tags: Record<string, string> = {},
    ) =>
      decide(
        role,
        {
          functionId: role.functionId,
          action,
          resource: `arn:${TEST.partition}:iam::${account}:user/${user}`,
          context: Object.fromEntries(Object.entries(tags).map(([k, v]) => [`iam:ResourceTag/${k}`, v])),
        },
        account,
      );

    it('denies the user named last (in the last part of the Deny) and the first, at any path; allows the others', async () => {
      for (const target of roles()) {
        const who = target.role.functionId;
        expect(await verdict(target, LAST), who).toBe('ExplicitlyDenied');
        expect(await verdict(target, `team/ops/${LAST}`), who).toBe('ExplicitlyDenied');
        expect(await verdict(target, NAMES[0] as string), who).toBe('ExplicitlyDenied');
        expect(await verdict(target, 'nora'), who).toBe('Allowed');
        // A name that only starts like an exempt one is not exempt.
        expect(await verdict(target, `${LAST}x`), who).toBe('Allowed');
      }
    });

    it('denies a break-glass user for any tag value but empty or false, as credsweep reads the tag', async () => {
      for (const target of roles()) {
        const who = target.role.functionId;
        for (const value of ['true', 'TRUE', 'yes', '1']) {
          expect(await verdict(target, 'bg', { 'credsweep:break-glass': value }), `${who} ${value}`).toBe(
            'ExplicitlyDenied',
          );
        }
        for (const value of ['false', 'False', '']) {
          expect(await verdict(target, 'bg', { 'credsweep:break-glass': value }), `${who} "${value}"`).toBe(
            'Allowed',
          );
        }
        expect(await verdict(target, 'bg'), who).toBe('Allowed');
        expect(await verdict(target, 'fay', { 'credsweep:exempt': 'True' }), who).toBe('ExplicitlyDenied');
      }
    });
  });
});

describe('more exempt users than IAM can hold', () => {
  const many = (count: number) => Array.from({ length: count }, (_, i) => `ops-engineer-${i}`).join(',');
  const refusal = (context: Record<string, string>) => {
    try {
      buildStack({ ...context }, { bundle: false });
    } catch (err) {
      return err as { name?: string; problems?: string[] };
    }
    return undefined;
  };

  it('refuses synth with one line naming exemptUsers, the quota and the tag to use instead', {
    timeout: 300_000,
  }, () => {
    const err = refusal({ exemptUsers: many(1_000) });
    expect(err?.name).toBe('ConfigError');
    expect(err?.problems).toHaveLength(1);
    expect(err?.problems?.[0]).toMatch(
      /^exemptUsers names 1000 users; IAM holds about \d+ of these names in the 10 managed policies of 6,144 characters a role may carry: tag the others credsweep:exempt=true instead of naming them$/,
    );
  });

  it('refuses, in an organization, a member template larger than a StackSet takes', {
    timeout: 300_000,
  }, () => {
    expect(() => parseConfig({ ...REQUIRED_CONTEXT, ...ORG, exemptUsers: many(700) })).not.toThrow();
    const err = refusal({ ...ORG, exemptUsers: many(700) });
    expect(err?.problems).toEqual([
      expect.stringMatching(
        /^exemptUsers names 700 users; the member role's StackSet template would be up to [\d,]+ bytes, more than the 51,200 CloudFormation takes: tag the others credsweep:exempt=true instead of naming them$/,
      ),
    ]);
    // The same names fit a single-account deployment.
    expect(refusal({ exemptUsers: many(700) })).toBeUndefined();
  });
});
