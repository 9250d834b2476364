/**
 * The calls no scenario over the wire can make, because moto has no BatchUpdateFindings
 * (test/policy/simulated.ts), against the roles of a synthesized organization deployment: the hub
 * functions' through their roles, the member findings role's through the StackSet's role in the
 * member account. The emulator suites send the same calls through the same check and count them as
 * exercising the grants they need.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildStack } from '../cdk/synth.js';
import { checkCalls } from './check.js';
import { type CfnTemplate, functionRoles, memberRole, TEST, testEnvironment } from './roles.js';
import { memberFindingsRoleCaller, simulatedCalls } from './simulated.js';

const ORGANIZATION_ID = 'o-a1b2c3d4e5';
const MEMBER = '222233334444';

let template: CfnTemplate;
beforeAll(() => {
  template = buildStack(
    { organization: 'true', organizationId: ORGANIZATION_ID, organizationRootId: 'r-ab12' },
    { bundle: false },
  ).template.toJSON() as CfnTemplate;
}, 300_000);

const calls = () =>
  simulatedCalls({
    ...TEST,
    organization: {
      organizationId: ORGANIZATION_ID,
      member: MEMBER,
      findingsRoleName: 'credsweep-member-findings',
    },
  });

describe('calls moto cannot serve', () => {
  it('are allowed to the hub functions that make them, by their synthesized roles', async () => {
    const hubCalls = calls().filter((c) => !c.functionId.startsWith('MemberFindingsRole@'));
    expect(hubCalls.map((c) => `${c.functionId} ${c.action}`)).toEqual([
      'RequestApproval securityhub:BatchUpdateFindings',
      'Report securityhub:BatchUpdateFindings',
      'OrgReport securityhub:BatchUpdateFindings',
      'OrgReport sts:AssumeRole',
    ]);
    const problems = await checkCalls(template, hubCalls, { unexercisedAllowed: [] });
    expect(problems.filter((p) => p.kind !== 'unexercised').map((p) => p.message)).toEqual([]);
  });

  it('are allowed to the member findings role in the member account, on that account’s hub only', async () => {
    const env = { ...testEnvironment(template), account: MEMBER };
    const role = memberRole(template, env, MEMBER, 'MemberFindingsRole');
    const memberCalls = calls().filter((c) => c.functionId === memberFindingsRoleCaller(MEMBER));
    expect(memberCalls).toHaveLength(2);
    const problems = await checkCalls(template, memberCalls, {
      unexercisedAllowed: [],
      environment: env,
      roles: [role],
    });
    // Every grant of the role is exercised, and nothing is denied.
    expect(problems.map((p) => p.message)).toEqual([]);
    // The hub's account instead: not this role's.
    const elsewhere = memberCalls.map((c) => ({ ...c, resource: c.resource.replace(MEMBER, TEST.account) }));
    const denied = await checkCalls(template, elsewhere, {
      unexercisedAllowed: [],
      environment: env,
      roles: [role],
    });
    expect(denied.filter((p) => p.kind === 'denied')).toHaveLength(2);
  });

  it('refuse OrgReport a findings role outside the organization', async () => {
    const [assume] = calls().filter((c) => c.action === 'sts:AssumeRole');
    const outside = { ...assume, context: { 'aws:ResourceOrgID': 'o-zzzzzzzzzz' } } as NonNullable<
      typeof assume
    >;
    const problems = await checkCalls(template, [outside], { unexercisedAllowed: [] });
    expect(problems.filter((p) => p.kind === 'denied').map((p) => `${p.functionId} ${p.action}`)).toEqual([
      'OrgReport sts:AssumeRole',
    ]);
  });

  it('are named in the hub functions’ roles exactly: no other role may assume the findings role', () => {
    const roles = functionRoles(template, testEnvironment(template));
    const assuming = roles
      .filter((r) =>
        r.policies.some((p) =>
          p.policy.Statement.some((s) =>
            JSON.stringify(s.Resource ?? '').includes(':role/credsweep-member-findings'),
          ),
        ),
      )
      .map((r) => r.functionId)
      .sort();
    expect(assuming).toEqual(['OrgReport', 'Report', 'RequestApproval']);
  });
});
