/** `-c organization=true`: the member role StackSet, the hub's own member role, the org state machine. */
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_IDS, FUNCTIONS, memberGrants } from '../../handlers/aws/permissions.js';
import { ConfigError, parseConfig } from '../../infra/config.js';
import { type Built, buildStack, prop, REQUIRED_CONTEXT, resourcesOf } from './synth.js';

const ORG = {
  organization: 'true',
  organizationId: 'o-a1b2c3d4e5',
  memberOus: 'ou-a1b2-workload1,ou-a1b2-sandbox01',
};

type Doc = {
  Statement: {
    Sid?: string;
    Effect: string;
    Action: string | string[];
    Condition?: unknown;
    Principal?: unknown;
    Resource?: unknown;
  }[];
};

const actions = (s: { Action: string | string[] }) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('organization deployment', () => {
  let built: Built;
  let single: Built;

  beforeAll(() => {
    built = buildStack({ ...ORG, exemptUsers: 'breakglass' }, { bundle: false });
    single = buildStack({}, { bundle: false });
  }, 300_000);

  it('carries a service-managed StackSet with automatic deployment to the named OUs, in the hub Region', () => {
    const sets = Object.values(resourcesOf(built.template, 'AWS::CloudFormation::StackSet'));
    expect(sets).toHaveLength(1);
    const set = sets[0];
    expect(prop(set, 'PermissionModel')).toBe('SERVICE_MANAGED');
    expect(prop(set, 'AutoDeployment')).toEqual({ Enabled: true, RetainStacksOnAccountRemoval: false });
    expect(prop(set, 'CallAs')).toBe('SELF');
    expect(prop(set, 'Capabilities')).toEqual(['CAPABILITY_NAMED_IAM']);
    expect(prop(set, 'StackInstancesGroup')).toEqual([
      {
        DeploymentTargets: { OrganizationalUnitIds: ['ou-a1b2-workload1', 'ou-a1b2-sandbox01'] },
        Regions: [{ Ref: 'AWS::Region' }],
      },
    ]);
  });

  it('targets the root when no OU is named, as a delegated administrator when told so', {
    timeout: 300_000,
  }, () => {
    const { template } = buildStack(
      {
        organization: 'true',
        organizationId: 'o-a1b2c3d4e5',
        organizationRootId: 'r-a1b2',
        delegatedAdmin: 'true',
      },
      { bundle: false },
    );
    const set = Object.values(resourcesOf(template, 'AWS::CloudFormation::StackSet'))[0];
    expect(prop(set, 'CallAs')).toBe('DELEGATED_ADMIN');
    expect(prop<{ DeploymentTargets: unknown }[]>(set, 'StackInstancesGroup')[0]?.DeploymentTargets).toEqual({
      OrganizationalUnitIds: ['r-a1b2'],
    });
  });

  it('deploys a member role trusted only by the hub’s account tasks of this organization, with the exempt Deny', () => {
    const set = Object.values(resourcesOf(built.template, 'AWS::CloudFormation::StackSet'))[0];
    // The template body is built at deploy time from the hub's role ARNs: resolve it as a JSON text.
    const body = JSON.stringify(prop(set, 'TemplateBody'));
    expect(body).toContain('AWS::IAM::Role');
    expect(body).toContain('credsweep-member');
    expect(body).toContain('aws:PrincipalOrgID');
    expect(body).toContain('o-a1b2c3d4e5');
    expect(body).toContain('iam:ResourceTag/credsweep:exempt');
    expect(body).toContain('DenyChangesToExemptUserNames');
    // The hub account's own member role: the same policy.
    const roles = resourcesOf(built.template, 'AWS::IAM::Role');
    const hub = Object.values(roles).find((r) => r.Properties?.RoleName === 'credsweep-member');
    const trust = prop<Doc>(hub, 'AssumeRolePolicyDocument').Statement;
    expect(trust).toHaveLength(1);
    expect(trust[0]?.Condition).toEqual({ StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } });
    const principals = (trust[0]?.Principal as { AWS: unknown[] } | undefined)?.AWS;
    expect(principals).toHaveLength(6);
    const policy = prop<{ PolicyDocument: Doc }[]>(hub, 'Policies')[0]?.PolicyDocument.Statement ?? [];
    const allowed = policy
      .filter((s) => s.Effect === 'Allow')
      .flatMap(actions)
      .sort();
    expect(allowed).toEqual(
      [
        'iam:CreateLoginProfile',
        'iam:DeleteLoginProfile',
        'iam:GenerateCredentialReport',
        'iam:GetAccessKeyLastUsed',
        'iam:GetAccountPasswordPolicy',
        'iam:GetCredentialReport',
        'iam:GetLoginProfile',
        'iam:GetUser',
        'iam:ListAccessKeys',
        'iam:UpdateAccessKey',
        'iam:UpdateLoginProfile',
      ].sort(),
    );
    // Derived from the single source, not listed by hand: the iam calls of the member-side tasks.
    expect(allowed).toEqual([...new Set(memberGrants().map((g) => g.action))].sort());
    const deny = policy.find((s) => s.Sid === 'DenyChangesToExemptUsers');
    expect(deny?.Effect).toBe('Deny');
    expect(actions(deny ?? { Action: [] }).sort()).toEqual([
      'iam:CreateLoginProfile',
      'iam:DeleteLoginProfile',
      'iam:UpdateAccessKey',
      'iam:UpdateLoginProfile',
    ]);
    const breakGlass = policy.find((s) => s.Sid === 'DenyChangesToBreakGlassUsers');
    expect(breakGlass?.Effect).toBe('Deny');
    expect(breakGlass?.Condition).toEqual({
      StringEqualsIgnoreCase: { 'iam:ResourceTag/credsweep:break-glass': 'true' },
    });
  });

  it('lets exactly the functions that declare accounts.iamFor assume the member role, of this organization only', () => {
    const policies = resourcesOf(built.template, 'AWS::IAM::Policy');
    const assuming = Object.entries(policies)
      .filter(([, p]) => prop<Doc>(p, 'PolicyDocument').Statement.some((s) => s.Sid === 'AssumeMemberRole'))
      .map(([id]) => [...FUNCTION_IDS].sort((a, b) => b.length - a.length).find((f) => id.startsWith(f)))
      .sort();
    expect(assuming).toEqual(FUNCTION_IDS.filter((id) => 'accounts' in FUNCTIONS[id].aws).sort());
    expect(assuming).toEqual([
      'Analyze',
      'Backout',
      'DeactivateKeys',
      'DisableConsole',
      'GenerateReport',
      'Verify',
    ]);
    for (const [, p] of Object.entries(policies)) {
      const s = prop<Doc>(p, 'PolicyDocument').Statement.find((x) => x.Sid === 'AssumeMemberRole');
      if (s) expect(s.Condition).toEqual({ StringEquals: { 'aws:ResourceOrgID': 'o-a1b2c3d4e5' } });
    }
    // Every function knows the member role and the organization's limit.
    for (const fn of Object.values(resourcesOf(built.template, 'AWS::Lambda::Function'))) {
      const env = prop<{ Variables?: Record<string, unknown> }>(fn, 'Environment').Variables ?? {};
      if (!env.TABLE_NAME) continue; // CDK's own helper functions
      expect(env).toMatchObject({
        MEMBER_ROLE_NAME: 'credsweep-member',
        ORGANIZATION_ID: 'o-a1b2c3d4e5',
        MAX_CREDENTIALS_TOTAL: '500',
      });
    }
  });

  it('adds the organization state machine with Distributed Maps that may start their own child executions', () => {
    const machines = resourcesOf(built.template, 'AWS::StepFunctions::StateMachine');
    expect(Object.keys(machines)).toHaveLength(2);
    const org = Object.entries(machines).find(([id]) => id.startsWith('OrganizationStateMachine'))?.[1];
    const definition = JSON.stringify(prop(org, 'DefinitionString'));
    expect(definition).toContain('\\"Mode\\": \\"DISTRIBUTED\\"');
    const policies = resourcesOf(built.template, 'AWS::IAM::Policy');
    const own = Object.entries(policies).find(([id]) => id.startsWith('OrganizationStateMachineRole'))?.[1];
    const statements = prop<Doc>(own, 'PolicyDocument').Statement;
    expect(statements.find((s) => s.Sid === 'StartChildExecutions')).toBeDefined();
    expect(actions(statements.find((s) => s.Sid === 'FollowChildExecutions') ?? { Action: [] })).toEqual([
      'states:DescribeExecution',
      'states:StopExecution',
    ]);
  });

  it('leaves a single-account deployment as it was: no StackSet, no member role, one state machine', () => {
    expect(resourcesOf(single.template, 'AWS::CloudFormation::StackSet')).toEqual({});
    expect(Object.keys(resourcesOf(single.template, 'AWS::StepFunctions::StateMachine'))).toHaveLength(1);
    const roles = Object.values(resourcesOf(single.template, 'AWS::IAM::Role'));
    expect(roles.filter((r) => r.Properties?.RoleName === 'credsweep-member')).toEqual([]);
    const text = JSON.stringify(single.template.toJSON());
    expect(text).not.toContain('AssumeMemberRole');
    expect(text).not.toContain('organizations:');
  });

  it('names what an organization deployment is missing', () => {
    expect(() => parseConfig({ ...REQUIRED_CONTEXT, organization: 'true' })).toThrow(ConfigError);
    try {
      parseConfig({
        ...REQUIRED_CONTEXT,
        organization: 'true',
        organizationId: 'o-a1b2c3d4e5',
        memberOus: 'workloads',
      });
    } catch (err) {
      expect((err as ConfigError).problems).toEqual(['memberOus entry "workloads" is not an OU id (ou-…)']);
    }
    try {
      parseConfig({ ...REQUIRED_CONTEXT, organization: 'true' });
    } catch (err) {
      expect((err as ConfigError).problems.join('\n')).toMatch(
        /organizationId is required[\s\S]*organizationRootId/,
      );
    }
  });
});
