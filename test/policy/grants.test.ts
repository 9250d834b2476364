/**
 * Each function role of the synthesized stack, its intrinsics resolved (test/policy/roles.ts),
 * against the grants written out by hand from the Service Authorization Reference
 * (test/policy/expected-grants.ts): every action, every resource, every condition, in a
 * single-account and an organization deployment, and the member roles the StackSet deploys.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { deployedFunctionIds } from '../../handlers/aws/permissions.js';
import { buildStack } from '../cdk/synth.js';
import {
  EXPECTED_GRANTS,
  EXPECTED_MEMBER_FINDINGS_ROLE,
  EXPECTED_MEMBER_ROLE,
  expand,
} from './expected-grants.js';
import { allowed, namesOf } from './role-grants.js';
import {
  type CfnTemplate,
  type FunctionRole,
  functionRoles,
  memberRole,
  type PolicyEnvironment,
  testEnvironment,
} from './roles.js';

const ORGANIZATION_ID = 'o-a1b2c3d4e5';
const MEMBER = '222233334444';
/** REQUIRED_CONTEXT's sender and approver, and their domains. */
const IDENTITIES = ['alice@example.com', 'credsweep@example.org', 'example.com', 'example.org'];

describe.each([
  { deployment: 'single-account', org: false },
  { deployment: 'organization', org: true },
])('the function roles of a $deployment deployment', ({ org }) => {
  let template: CfnTemplate;
  let env: PolicyEnvironment;

  beforeAll(() => {
    const context = org
      ? { organization: 'true', organizationId: ORGANIZATION_ID, organizationRootId: 'r-ab12' }
      : {};
    // With the Security Hub custom action, so that every function (SecurityHubStart too) is deployed.
    template = buildStack(
      { exemptUsers: 'breakglass', securityHubActions: 'true', ...context },
      { bundle: false },
    ).template.toJSON() as CfnTemplate;
    env = testEnvironment(template);
  }, 300_000);

  it('are one per deployed function', () => {
    expect(
      functionRoles(template, env)
        .map((r) => r.functionId)
        .sort(),
    ).toEqual([...deployedFunctionIds(org)].sort());
  });

  it.each(deployedFunctionIds(true).map((id) => [id]))(
    '%s allows exactly the grants written out for it',
    (id) => {
      const role = functionRoles(template, env).find((r) => r.functionId === id);
      if (!org && !deployedFunctionIds(false).includes(id)) {
        expect(role).toBeUndefined();
        return;
      }
      expect(role, id).toBeDefined();
      expect(allowed(role as FunctionRole)).toEqual(
        expand(
          EXPECTED_GRANTS[id],
          namesOf(template, env, { identities: IDENTITIES, organizationId: ORGANIZATION_ID }),
          org,
        ),
      );
    },
  );

  it.runIf(org)('the member roles allow exactly their grants, in the member account', () => {
    const names = {
      ...namesOf(template, env, { identities: IDENTITIES, organizationId: ORGANIZATION_ID }),
      account: MEMBER,
    };
    expect(allowed(memberRole(template, env, MEMBER))).toEqual(expand(EXPECTED_MEMBER_ROLE, names, true));
    expect(allowed(memberRole(template, env, MEMBER, 'MemberFindingsRole'))).toEqual(
      expand(EXPECTED_MEMBER_FINDINGS_ROLE, names, true),
    );
  });
});
